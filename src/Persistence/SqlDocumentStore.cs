using System.Data.Common;
using Alignak.Actors.Documents;

namespace Alignak.Persistence;

/// <summary>Configuration documents in one table, one row per document, on SQLite or PostgreSQL.</summary>
public sealed class SqlDocumentStore(DatabaseOptions options) : IDocumentStore
{
    public async Task<IReadOnlyList<DocumentChange>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT resource, id, revision, body FROM alignak_documents ORDER BY resource, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var documents = new List<DocumentChange>();
        while (await reader.ReadAsync(cancellationToken))
            documents.Add(new DocumentChange(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3)));
        return documents;
    }

    public Task CommitAsync(IReadOnlyList<DocumentChange> changes, CancellationToken cancellationToken) =>
        options.WriteAsync((connection, transaction) => CommitAsync(connection, transaction, changes, cancellationToken), cancellationToken);

    private static async Task CommitAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<DocumentChange> changes,
        CancellationToken cancellationToken)
    {
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText =
            "INSERT INTO alignak_documents (resource, id, revision, body) VALUES (@resource, @id, @revision, @body) " +
            "ON CONFLICT (resource, id) DO UPDATE SET revision = excluded.revision, body = excluded.body";
        var (uResource, uId, uRevision, uBody) =
            (upsert.Parameter("@resource"), upsert.Parameter("@id"), upsert.Parameter("@revision"), upsert.Parameter("@body"));

        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM alignak_documents WHERE resource = @resource AND id = @id";
        var (dResource, dId) = (delete.Parameter("@resource"), delete.Parameter("@id"));

        foreach (var change in changes)
        {
            if (change.Json is null)
            {
                dResource.Value = change.Resource;
                dId.Value = change.Id;
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
            else
            {
                uResource.Value = change.Resource;
                uId.Value = change.Id;
                uRevision.Value = change.Revision;
                uBody.Value = change.Json;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}

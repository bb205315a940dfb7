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

    /// <summary>
    /// Every change in one transaction. A change planned over a stored revision is written only if that revision is
    /// still the stored one (and a new document only if none exists): otherwise <see cref="DocumentConflictException"/>
    /// rolls the whole write back, for the writer to plan it again.
    /// </summary>
    private static async Task CommitAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<DocumentChange> changes,
        CancellationToken cancellationToken)
    {
        var statements = new Dictionary<string, (DbCommand Command, Dictionary<string, DbParameter> Parameters)>();
        try
        {
            foreach (var change in changes)
            {
                var sql = (change.Json is null, change.BasedOn) switch
                {
                    (true, DocumentChange.Unchecked or DocumentChange.Absent) => "DELETE FROM alignak_documents WHERE resource = @resource AND id = @id",
                    (true, _) => "DELETE FROM alignak_documents WHERE resource = @resource AND id = @id AND revision = @based",
                    (false, DocumentChange.Unchecked) =>
                        "INSERT INTO alignak_documents (resource, id, revision, body) VALUES (@resource, @id, @revision, @body) " +
                        "ON CONFLICT (resource, id) DO UPDATE SET revision = excluded.revision, body = excluded.body",
                    (false, DocumentChange.Absent) =>
                        "INSERT INTO alignak_documents (resource, id, revision, body) VALUES (@resource, @id, @revision, @body) " +
                        "ON CONFLICT (resource, id) DO NOTHING",
                    _ => "UPDATE alignak_documents SET revision = @revision, body = @body WHERE resource = @resource AND id = @id AND revision = @based",
                };
                if (!statements.TryGetValue(sql, out var statement))
                {
                    var created = connection.CreateCommand();
                    created.Transaction = transaction;
                    created.CommandText = sql;
                    statement = (created, new[] { "@resource", "@id", "@revision", "@body", "@based" }
                        .Where(name => sql.Contains(name, StringComparison.Ordinal))
                        .ToDictionary(name => name, name => created.Parameter(name)));
                    statements[sql] = statement;
                }
                var parameters = statement.Parameters;
                parameters["@resource"].Value = change.Resource;
                parameters["@id"].Value = change.Id;
                if (parameters.TryGetValue("@revision", out var revision)) revision.Value = change.Revision;
                if (parameters.TryGetValue("@body", out var body)) body.Value = change.Json;
                if (parameters.TryGetValue("@based", out var based)) based.Value = change.BasedOn;
                var rows = await statement.Command.ExecuteNonQueryAsync(cancellationToken);
                // Deleting what is already gone, or writing unchecked, cannot conflict.
                if (rows == 0 && change.BasedOn != DocumentChange.Unchecked && !(change.Json is null && change.BasedOn == DocumentChange.Absent))
                    throw new DocumentConflictException(change.Resource, change.Id);
            }
        }
        finally
        {
            foreach (var (command, _) in statements.Values) await command.DisposeAsync();
        }
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Alignak.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>Where everything durable lives: configuration documents, logs and the actors' journal.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    public const string DefaultSqlite = "Data Source=./data/alignak-backend.db";

    /// <summary>
    /// SQLite takes one writer at a time, and Microsoft.Data.Sqlite makes a second one retry in 150 ms sleeps:
    /// this process's writers take turns here instead (one gate per database file).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> SqliteWriters = new();

    /// <summary>Runs <paramref name="work"/> in a transaction and commits it (on SQLite, one writer at a time).</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var gate = Provider == DatabaseProvider.Sqlite ? SqliteWriters.GetOrAdd(ConnectionString, _ => new SemaphoreSlim(1, 1)) : null;
        if (gate is not null) await gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            gate?.Release();
        }
    }

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return 0;
        }, cancellationToken);

    public DbConnection CreateConnection() => Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteConnection(ConnectionString),
        _ => new NpgsqlConnection(ConnectionString),
    };

    /// <summary>Checks the connection string's form (not the server) so a bad setting fails at start.</summary>
    public static DatabaseOptions Create(DatabaseProvider provider, string connectionString)
    {
        try
        {
            DbConnectionStringBuilder parsed = provider == DatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder(connectionString)
                : new NpgsqlConnectionStringBuilder(connectionString);
            if (provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(((SqliteConnectionStringBuilder)parsed).DataSource))
                throw new ArgumentException("a SQLite connection string needs a Data Source");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"DATABASE is not a valid {provider} connection string: {e.Message}", e);
        }
        return new DatabaseOptions(provider, connectionString);
    }
}

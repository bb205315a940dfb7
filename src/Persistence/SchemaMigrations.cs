using System.Data.Common;

namespace Alignak.Persistence;

/// <summary>
/// Creates and upgrades the backend's own tables. The applied version is recorded in
/// <c>alignak_schema</c>; each step runs once, in a transaction. <c>{blob}</c> names each provider's binary type.
/// </summary>
public static class SchemaMigrations
{
    /// <summary>Step N brings the schema from version N-1 to N. Append only; never edit a shipped step.</summary>
    private static readonly string[][] Steps =
    [
        [
            """
            CREATE TABLE alignak_documents (
                resource VARCHAR(64) NOT NULL,
                id CHAR(24) NOT NULL,
                revision BIGINT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY (resource, id))
            """,
        ],
        // history and logcheckresult: append-only logs, queried in SQL by the columns clients filter on.
        [
            "CREATE TABLE alignak_history (id CHAR(24) NOT NULL PRIMARY KEY, created BIGINT NOT NULL, host VARCHAR(24), service VARCHAR(24), user_id VARCHAR(24), type VARCHAR(64), body TEXT NOT NULL)",
            "CREATE INDEX alignak_history_created ON alignak_history (created)",
            "CREATE INDEX alignak_history_host ON alignak_history (host, created)",
            "CREATE INDEX alignak_history_service ON alignak_history (service, created)",
            "CREATE INDEX alignak_history_type ON alignak_history (type, created)",
            "CREATE TABLE alignak_logcheckresult (id CHAR(24) NOT NULL PRIMARY KEY, created BIGINT NOT NULL, host VARCHAR(24), service VARCHAR(24), user_id VARCHAR(24), type VARCHAR(64), body TEXT NOT NULL)",
            "CREATE INDEX alignak_logcheckresult_created ON alignak_logcheckresult (created)",
            "CREATE INDEX alignak_logcheckresult_host ON alignak_logcheckresult (host, created)",
            "CREATE INDEX alignak_logcheckresult_service ON alignak_logcheckresult (service, created)",
        ],
        // The entities' event journal (Journal/SqlJournal): one row per event, a tombstone keeps the highest number;
        // and their latest snapshot (Journal/SqlSnapshotStore).
        [
            "CREATE TABLE alignak_journal (persistence_id VARCHAR(255) NOT NULL, sequence_nr BIGINT NOT NULL, serializer_id INTEGER NOT NULL, manifest VARCHAR(255) NOT NULL, payload {blob} NOT NULL, deleted SMALLINT NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))",
            "CREATE TABLE alignak_snapshots (persistence_id VARCHAR(255) NOT NULL PRIMARY KEY, sequence_nr BIGINT NOT NULL, created BIGINT NOT NULL, serializer_id INTEGER NOT NULL, manifest VARCHAR(255) NOT NULL, payload {blob} NOT NULL)",
        ],
    ];

    public static int LatestVersion => Steps.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version found before.</summary>
    public static async Task<int> UpgradeAsync(DatabaseOptions options, CancellationToken cancellationToken)
    {
        if (options.Provider == DatabaseProvider.Sqlite) await PrepareSqliteFileAsync(options, cancellationToken);

        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (options.Provider == DatabaseProvider.PostgreSql)
            // Nodes starting together take turns.
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7040101)", cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS alignak_schema (version INTEGER NOT NULL)", cancellationToken);

        var found = await ScalarAsync(connection, transaction, "SELECT MAX(version) FROM alignak_schema", cancellationToken);
        var version = found is null or DBNull ? 0 : Convert.ToInt32(found);
        if (version > LatestVersion)
            throw new InvalidOperationException(
                $"The database schema is at version {version}, newer than this server knows ({LatestVersion}): upgrade the server.");

        for (var step = version; step < LatestVersion; step++)
            foreach (var sql in Steps[step])
                await ExecuteAsync(connection, transaction,
                    sql.Replace("{blob}", options.Provider == DatabaseProvider.Sqlite ? "BLOB" : "BYTEA"), cancellationToken);
        if (version < LatestVersion)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM alignak_schema", cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO alignak_schema (version) VALUES ({LatestVersion})", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>The SQLite file's folder must exist, and WAL lets readers run beside the writer.</summary>
    private static async Task PrepareSqliteFileAsync(DatabaseOptions options, CancellationToken cancellationToken)
    {
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        await using var connection = options.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
    }

    internal static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

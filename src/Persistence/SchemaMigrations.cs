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

    /// <summary>
    /// The schema version the database holds, without changing anything (the config check): 0 for a database with
    /// none of our tables yet, null for a SQLite file that does not exist yet (both are created at first start).
    /// </summary>
    public static async Task<int?> ReadVersionAsync(DatabaseOptions options, CancellationToken cancellationToken)
    {
        var connectionString = options.ConnectionString;
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
            if (!File.Exists(builder.DataSource)) return null;
            builder.Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly;
            connectionString = builder.ConnectionString;
        }
        await using var connection = (options with { ConnectionString = connectionString }).CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var exists = connection.CreateCommand();
        exists.CommandText = options.Provider == DatabaseProvider.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'alignak_schema'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'alignak_schema'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) == 0) return 0;
        await using var version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM alignak_schema";
        return await version.ExecuteScalarAsync(cancellationToken) is { } found and not DBNull ? Convert.ToInt32(found) : 0;
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

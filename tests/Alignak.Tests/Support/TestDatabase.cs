using Alignak.Persistence;
using Npgsql;

namespace Alignak.Tests.Support;

/// <summary>
/// A fresh database for one test: a SQLite file in a temporary folder, or a new database on the
/// PostgreSQL server that tests/services.sh starts (ALIGNAK_TEST_PG names another one).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "ALIGNAK_TEST_PG";
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Database=alignak;Username=alignak;Password=alignak";

    private static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } named ? named : DefaultPostgres;

    private readonly string? _folder;
    private readonly string? _pgName;

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public string ProviderSetting => Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql";

    private TestDatabase(DatabaseProvider provider, string connectionString, string? folder, string? pgName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        _pgName = pgName;
    }

    public static Task<TestDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.Sqlite ? Task.FromResult(Sqlite()) : PostgresAsync();

    public static TestDatabase Sqlite()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-test-").FullName;
        return new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "backend.db")}", folder, null);
    }

    public static async Task<TestDatabase> PostgresAsync()
    {
        var server = PostgresServer;
        var name = "alignak_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        // Pooled as in production, but small and quick to close: many test databases share the server's 100 connections.
        var builder = new NpgsqlConnectionStringBuilder(server)
        {
            Database = name, MaxPoolSize = 8, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1,
        };
        return new TestDatabase(DatabaseProvider.PostgreSql, builder.ConnectionString, null, name);
    }

    /// <summary>PostgreSQL: drops the database under a running server (its connections are cut), as an outage would.</summary>
    public async Task DropNowAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName ?? throw new InvalidOperationException("not PostgreSQL")} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { /* a server still closing its file; the temp folder is left behind */ }
        }
        if (_pgName is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

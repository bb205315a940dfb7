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

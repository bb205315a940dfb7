using Npgsql;

namespace Alignak.Persistence;

/// <summary>
/// One cluster per PostgreSQL database. Two clusters on one database each believe they own every entity and write
/// its journal, and their events clash. A node that forms a cluster of its own (no seed nodes) takes the database's
/// advisory lock alone; the nodes of one cluster (seed nodes named) share it. A session kept open for the process's
/// life holds it, so PostgreSQL releases it however the process ends, kill -9 included.
/// </summary>
public sealed class ClusterLock : IAsyncDisposable
{
    /// <summary>The lock's key: "alignak" in ASCII, a number no other application of the database is likely to use.</summary>
    private const long Key = 0x616c69676e616b;

    private readonly NpgsqlConnection? _session;

    private ClusterLock(NpgsqlConnection? session) => _session = session;

    /// <summary>
    /// The lock, alone (<paramref name="shared"/> false) or shared with the other nodes of a cluster; null when it is
    /// held the other way. SQLite takes nothing: seed nodes on SQLite are refused by the settings, and two processes
    /// on one file are not detected here.
    /// </summary>
    public static async Task<ClusterLock?> TryAcquireAsync(DatabaseOptions database, bool shared, CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.PostgreSql) return new ClusterLock(null);
        // Not pooled: a pooled session would outlive this lock's disposal, still holding it.
        var session = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        var held = false;
        try
        {
            await session.OpenAsync(cancellationToken);
            await using var take = session.CreateCommand();
            take.CommandText = shared ? "SELECT pg_try_advisory_lock_shared(@key)" : "SELECT pg_try_advisory_lock(@key)";
            take.Parameters.AddWithValue("key", Key);
            held = await take.ExecuteScalarAsync(cancellationToken) is true;
            return held ? new ClusterLock(session) : null;
        }
        finally
        {
            if (!held) await session.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null) await _session.DisposeAsync();
    }
}

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

    private SemaphoreSlim SqliteWriter => SqliteWriters.GetOrAdd(ConnectionString, _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// SQLite's automatic checkpoint runs inside the commit that takes the write-ahead log past 1000 pages: it copies
    /// them into the database and syncs it, a stall of tens of milliseconds that every request waiting on that
    /// commit shares, several times a second under a steady load of check results. While a group commit writes to a
    /// file (<see cref="BackgroundCheckpoints"/>), commits do not checkpoint and a loop beside them does, every
    /// <see cref="CheckpointInterval"/> (PASSIVE: it never blocks a writer, nor waits for one).
    /// </summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>A log that a burst made larger is cut back to this size when it starts again.</summary>
    private const string WalSizeLimit = "PRAGMA journal_size_limit=67108864";

    private sealed class Checkpointer
    {
        public int Users;
        public CancellationTokenSource? Stop;
        public Task Loop = Task.CompletedTask;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Checkpointer> SqliteCheckpointers = new();

    /// <summary>Checkpoints beside the writes until disposed (SQLite; nothing to do on PostgreSQL).</summary>
    public IAsyncDisposable BackgroundCheckpoints()
    {
        if (Provider != DatabaseProvider.Sqlite) return new Release(() => Task.CompletedTask);
        var checkpointer = SqliteCheckpointers.GetOrAdd(ConnectionString, _ => new Checkpointer());
        lock (checkpointer)
        {
            if (checkpointer.Users++ == 0)
            {
                checkpointer.Stop = new CancellationTokenSource();
                var stop = checkpointer.Stop.Token;
                var previous = checkpointer.Loop;
                checkpointer.Loop = Task.Run(async () =>
                {
                    await previous;
                    await CheckpointLoopAsync(stop);
                });
            }
        }
        return new Release(async () =>
        {
            Task loop;
            lock (checkpointer)
            {
                if (--checkpointer.Users > 0) return;
                checkpointer.Stop!.Cancel();
                loop = checkpointer.Loop;
            }
            await loop;
        });
    }

    private bool CheckpointsBeside =>
        Provider == DatabaseProvider.Sqlite && SqliteCheckpointers.TryGetValue(ConnectionString, out var c) && Volatile.Read(ref c.Users) > 0;

    private async Task CheckpointLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckpointInterval, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await CheckpointAsync();
        }
        // What the last commits left in the log goes into the database before the writers are gone.
        await CheckpointAsync();
    }

    /// <summary>
    /// Copies the log into the database in two steps. Beside the writers most of it; then, between two commits (the
    /// writer gate held), what they added meanwhile, usually a few milliseconds' worth. Only a log copied whole lets
    /// the next commit start it again from its beginning, in place; under a steady load the first step alone never
    /// caught up, and the log grew without end (1.4 GB in 40 s of check results), each commit extending the file.
    /// </summary>
    private async Task CheckpointAsync()
    {
        try
        {
            await using var connection = CreateConnection();
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await checkpoint.ExecuteNonQueryAsync();
            var gate = SqliteWriter;
            await gate.WaitAsync();
            try
            {
                await checkpoint.ExecuteNonQueryAsync();
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            // A busy or closing database: the next round (or SQLite's own checkpoint, once no group commit runs) takes it.
        }
    }

    private sealed class Release(Func<Task> release) : IAsyncDisposable
    {
        private int _done;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) await release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction and commits it (on SQLite, one writer at a time).</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var gate = Provider == DatabaseProvider.Sqlite ? SqliteWriter : null;
        if (gate is not null) await gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = CreateConnection();
            await connection.OpenAsync(cancellationToken);
            if (gate is not null)
            {
                // Per connection, and pooled connections keep it: said on every write.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = (CheckpointsBeside ? "PRAGMA wal_autocheckpoint=0;" : "PRAGMA wal_autocheckpoint=1000;") + WalSizeLimit;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
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

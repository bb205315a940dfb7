using System.Data.Common;
using System.Threading.Channels;

namespace Alignak.Persistence;

/// <summary>
/// Group commit: writes from many callers queue here, and one loop commits everything that waited while the
/// previous transaction ran, in one transaction. On SQLite (one fsync per commit) and PostgreSQL (one round trip
/// and flush per commit) this is what lets thousands of small writes per second through. Each caller's task
/// completes once its rows are durable, or fails with the commit's error, on the loop's thread (its continuation
/// must be short).
/// </summary>
public sealed class GroupCommit<TRow> : IAsyncDisposable
{
    /// <summary>Writes waiting for a commit; when full, callers wait (their producers slow down).</summary>
    public const int QueueBound = 20_000;
    /// <summary>At most this many writes share one transaction, so one commit stays short.</summary>
    public const int MaxWritesPerCommit = 2_000;

    private sealed record Pending(IReadOnlyList<TRow> Rows, TaskCompletionSource Done);

    private readonly DatabaseOptions _database;
    private readonly Func<DbConnection, DbTransaction, IEnumerable<TRow>, Task> _write;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueBound) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _loop;
    private readonly KeyValuePair<string, object?> _store;
    private readonly IAsyncDisposable _checkpoints;

    /// <param name="write">Writes the rows with the connection and transaction it is given (no commit).</param>
    /// <param name="owner">Names the store in the metrics: the file of the code that creates it (SqlJournal...).</param>
    public GroupCommit(DatabaseOptions database, Func<DbConnection, DbTransaction, IEnumerable<TRow>, Task> write,
        [System.Runtime.CompilerServices.CallerFilePath] string owner = "")
    {
        _store = new("store", Path.GetFileNameWithoutExtension(owner));
        _database = database;
        _write = write;
        _checkpoints = database.BackgroundCheckpoints();
        _loop = Task.Run(RunAsync);
    }

    public async Task WriteAsync(IReadOnlyList<TRow> rows)
    {
        // Completed on the loop's thread: a caller's continuation (a journal telling its actors) runs there at once
        // rather than as one more thread-pool wake per write; it must stay that short.
        var pending = new Pending(rows, new TaskCompletionSource());
        await _queue.Writer.WriteAsync(pending);
        await pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxWritesPerCommit);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxWritesPerCommit && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await _database.WriteAsync((connection, transaction) => _write(connection, transaction, batch.SelectMany(p => p.Rows)));
                PersistenceMetrics.GroupCommitSize.Record(batch.Count, _store);
                PersistenceMetrics.GroupCommitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, _store);
                foreach (var pending in batch) pending.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _checkpoints.DisposeAsync();
    }
}

/// <summary>
/// Batched reads by key: lookups from many callers (thousands of entities recovering at start-up) are answered by
/// one query per batch instead of one query each.
/// </summary>
public sealed class BatchedLookup<TKey, TResult> : IAsyncDisposable where TKey : notnull
{
    public const int MaxKeysPerQuery = 500;

    private sealed record Pending(TKey Key, TaskCompletionSource<TResult> Done);

    private readonly Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TResult>>> _query;
    private readonly TResult _missing;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="query">Answers a batch of distinct keys; keys it leaves out get <paramref name="missing"/>.</param>
    public BatchedLookup(Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TResult>>> query, TResult missing)
    {
        _query = query;
        _missing = missing;
        _loop = Task.Run(RunAsync);
    }

    public Task<TResult> GetAsync(TKey key)
    {
        var pending = new Pending(key, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) pending.Done.TrySetException(new ObjectDisposedException(nameof(BatchedLookup<TKey, TResult>)));
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxKeysPerQuery);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxKeysPerQuery && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                var found = await _query(batch.Select(p => p.Key).Distinct().ToList());
                foreach (var pending in batch) pending.Done.TrySetResult(found.TryGetValue(pending.Key, out var value) ? value : _missing);
            }
            catch (Exception e)
            {
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

using System.Threading.Channels;

namespace Alignak.Persistence.Journal;

/// <summary>One event as stored: who, which sequence number, and the serialized payload.</summary>
internal sealed record JournalRow(string PersistenceId, long SequenceNr, int SerializerId, string Manifest, byte[] Payload);

/// <summary>
/// Group commit: writes from every entity queue here and one loop commits all that waited while the previous
/// transaction ran, in one transaction. On SQLite (one fsync per commit) this is what makes thousands of
/// entities' events per second possible (STACK.md P8). Each caller's task completes once its rows are durable.
/// </summary>
internal sealed class JournalWriter : IAsyncDisposable
{
    /// <summary>Writes waiting for a commit; when full, callers wait (the entities' persists slow down).</summary>
    public const int QueueBound = 20_000;
    /// <summary>At most this many writes share one transaction, so one commit stays short.</summary>
    public const int MaxWritesPerCommit = 2_000;

    private sealed record Pending(IReadOnlyList<JournalRow> Rows, TaskCompletionSource Done);

    private readonly DatabaseOptions _database;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueBound) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _loop;

    public JournalWriter(DatabaseOptions database)
    {
        _database = database;
        _loop = Task.Run(RunAsync);
    }

    public async Task WriteAsync(IReadOnlyList<JournalRow> rows)
    {
        var pending = new Pending(rows, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
            try
            {
                await CommitAsync(batch);
                foreach (var pending in batch) pending.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var pending in batch) pending.Done.TrySetException(e);
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO alignak_journal (persistence_id, sequence_nr, serializer_id, manifest, payload, deleted) " +
            "VALUES (@pid, @seq, @serializer, @manifest, @payload, 0)";
        var (pid, seq, serializer, manifest, payload) = (insert.Parameter("@pid"), insert.Parameter("@seq"),
            insert.Parameter("@serializer"), insert.Parameter("@manifest"), insert.Parameter("@payload"));
        foreach (var pending in batch)
            foreach (var row in pending.Rows)
            {
                pid.Value = row.PersistenceId;
                seq.Value = row.SequenceNr;
                serializer.Value = row.SerializerId;
                manifest.Value = row.Manifest;
                payload.Value = row.Payload;
                await insert.ExecuteNonQueryAsync();
            }
        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}

using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Alignak.Actors.Live;
using Alignak.Persistence.Logs;

namespace Alignak.Persistence.Journal;

/// <summary>
/// The entities' event journal (table <c>alignak_journal</c>, SQLite or PostgreSQL). Writes of all entities are
/// group-committed (Akka.Persistence.Sql's journal commits one transaction per event on SQLite: STACK.md P8), and
/// the reads of entities recovering together are batched into one query per few hundred entities. The contract is
/// Akka's: an event is acknowledged once durable, replay is in order, deletes keep the highest sequence number.
/// <para>
/// It speaks Akka's journal protocol itself rather than through <c>AsyncWriteJournal</c>: that base class sends every
/// acknowledgement of the node through one resequencer actor and wraps each write in a circuit breaker with a timer
/// (about 1 KiB allocated per check result between them). The resequencer only orders replies across concurrent
/// writes; here each write's replies are told in order from the commit loop, and an entity never has two writes in
/// flight (Akka's <c>Eventsourced</c> waits for the first).
/// </para>
/// </summary>
public sealed class SqlJournal : ActorBase
{
    public const string PluginId = "akka.persistence.journal.alignak";

    /// <param name="Logs">Log rows that come with the event (<see cref="LiveStateRecorded.Logs"/>): same transaction.</param>
    /// <param name="DeleteUpTo">Not an event: the entity's events up to this number are deleted (after a snapshot).</param>
    private sealed record Row(string PersistenceId, long SequenceNr, int SerializerId, string Manifest, byte[] Payload, bool Deleted,
        IReadOnlyList<LogDocument>? Logs = null, bool DeleteUpTo = false);

    private readonly DatabaseOptions _database;
    private readonly GroupCommit<Row> _writes;
    private readonly BatchedLookup<string, IReadOnlyList<Row>> _reads;
    private readonly Akka.Serialization.Serialization _serialization;

    public SqlJournal(Config config)
    {
        _database = SqlPlugins.Database(config);
        _writes = new GroupCommit<Row>(_database, InsertAsync);
        _reads = new BatchedLookup<string, IReadOnlyList<Row>>(ReadAsync, []);
        _serialization = Context.System.Serialization;
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WriteMessages write:
                _ = WriteAsync(write);
                return true;
            case ReplayMessages replay:
                _ = ReplayAsync(replay);
                return true;
            case DeleteMessagesTo delete:
                _ = DeleteAsync(delete);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Commits the events of a write and tells its actor, in Akka's order: the write's outcome, then one reply per
    /// event (with the event's sender, whom the actor's handler sees as <c>Sender</c>). An atomic write whose events
    /// cannot be serialized is rejected alone (never stored); a failed commit fails every event of the write.
    /// </summary>
    private async Task WriteAsync(WriteMessages write)
    {
        var rows = new List<Row>(1);
        Dictionary<AtomicWrite, Exception>? rejected = null;
        foreach (var envelope in write.Messages)
        {
            if (envelope is not AtomicWrite atomic) continue;
            var events = (IImmutableList<IPersistentRepresentation>)atomic.Payload;
            try
            {
                var serialized = new List<Row>(events.Count);
                foreach (var message in events) serialized.Add(Serialize(message));
                rows.AddRange(serialized);
            }
            catch (Exception e) { (rejected ??= [])[atomic] = e; }
        }
        Exception? failed = null;
        try
        {
            if (rows.Count > 0) await _writes.WriteAsync(rows);
        }
        catch (Exception e) { failed = e; }
        var actor = write.PersistentActor;
        var instance = write.ActorInstanceId;
        actor.Tell(failed is null ? WriteMessagesSuccessful.Instance : new WriteMessagesFailed(failed, write.Messages.OfType<AtomicWrite>().Count()),
            ActorRefs.NoSender);
        foreach (var envelope in write.Messages)
        {
            if (envelope is not AtomicWrite atomic)
            {
                actor.Tell(new LoopMessageSuccess(envelope.Payload, instance), envelope.Sender);
                continue;
            }
            var rejection = rejected?.GetValueOrDefault(atomic);
            foreach (var message in (IImmutableList<IPersistentRepresentation>)atomic.Payload)
                actor.Tell(failed is not null ? new WriteMessageFailure(message, failed, instance)
                    : rejection is not null ? new WriteMessageRejected(message, rejection, instance)
                    : new WriteMessageSuccess(message, instance), message.Sender);
        }
    }

    private Row Serialize(IPersistentRepresentation message)
    {
        var serializer = _serialization.FindSerializerFor(message.Payload);
        return new Row(message.PersistenceId, message.SequenceNr, serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, message.Payload), serializer.ToBinary(message.Payload), false,
            (message.Payload as LiveStateRecorded)?.Logs);
    }

    /// <summary>
    /// The stored events of the range, at most <c>Max</c>, in order, then the highest sequence number ever written
    /// (kept by deletes), which the actor continues from.
    /// </summary>
    private async Task ReplayAsync(ReplayMessages replay)
    {
        var actor = replay.PersistentActor;
        try
        {
            var rows = await _reads.GetAsync(replay.PersistenceId);
            var highest = rows.Count == 0 ? 0 : rows[^1].SequenceNr;
            var replayed = 0L;
            foreach (var row in rows)
            {
                if (replayed >= replay.Max) break;
                if (row.Deleted || row.SequenceNr < replay.FromSequenceNr || row.SequenceNr > replay.ToSequenceNr) continue;
                var payload = _serialization.Deserialize(row.Payload, row.SerializerId, row.Manifest);
                actor.Tell(new ReplayedMessage(new Persistent(payload, row.SequenceNr, replay.PersistenceId)), ActorRefs.NoSender);
                replayed++;
            }
            actor.Tell(new RecoverySuccess(highest), ActorRefs.NoSender);
        }
        catch (Exception e)
        {
            actor.Tell(new ReplayMessagesFailure(e), ActorRefs.NoSender);
        }
    }

    /// <summary>
    /// Deletes the events up to <c>ToSequenceNr</c>; the highest one stays as a tombstone so that sequence numbers
    /// never restart (one small row per entity at most). Group-committed with the events: each entity deletes after
    /// every snapshot, and a transaction of its own per delete (a sync each on SQLite) took the writer from the check
    /// results a hundred times a second at a few thousand results per second.
    /// </summary>
    private async Task DeleteAsync(DeleteMessagesTo delete)
    {
        try
        {
            await _writes.WriteAsync([new Row(delete.PersistenceId, delete.ToSequenceNr, 0, "", [], false, DeleteUpTo: true)]);
            delete.PersistentActor.Tell(new DeleteMessagesSuccess(delete.ToSequenceNr), ActorRefs.NoSender);
        }
        catch (Exception e)
        {
            delete.PersistentActor.Tell(new DeleteMessagesFailure(e, delete.ToSequenceNr), ActorRefs.NoSender);
        }
    }

    private static readonly string[] Columns = ["persistence_id", "sequence_nr", "serializer_id", "manifest", "payload", "deleted"];

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, IEnumerable<Row> rows)
    {
        var all = rows as IReadOnlyList<Row> ?? rows.ToList();
        await Sql.InsertRowsAsync(connection, transaction, "alignak_journal", Columns,
            all.Where(r => !r.DeleteUpTo).Select(r => new object?[] { r.PersistenceId, r.SequenceNr, r.SerializerId, r.Manifest, r.Payload, (short)0 }));
        foreach (var log in all.Where(r => r.Logs is not null).SelectMany(r => r.Logs!).GroupBy(l => l.Resource))
            await SqlLogStore.InsertRowsAsync(connection, transaction, log.Key,
                log.Select(l => new LogRow(l.Id, l.Created, l.Host, l.Service, null, l.Type, l.Json)), CancellationToken.None);
        // After the inserts: an entity's newest event may be in this commit, and it stays.
        foreach (var delete in all.Where(r => r.DeleteUpTo))
            await DeleteRowsAsync(connection, transaction, delete.PersistenceId, delete.SequenceNr);
    }

    /// <summary>Every stored row of a batch of entities (their journals are pruned by snapshots, so they are short).</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<Row>>> ReadAsync(IReadOnlyList<string> persistenceIds)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText =
            "SELECT persistence_id, sequence_nr, serializer_id, manifest, payload, deleted FROM alignak_journal " +
            $"WHERE persistence_id IN ({SqlPlugins.InList(select, persistenceIds)}) ORDER BY persistence_id, sequence_nr";
        var rows = new Dictionary<string, IReadOnlyList<Row>>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3),
                (byte[])reader.GetValue(4), Convert.ToInt32(reader.GetValue(5)) != 0);
            if (!rows.TryGetValue(row.PersistenceId, out var list)) rows[row.PersistenceId] = list = new List<Row>();
            ((List<Row>)list).Add(row);
        }
        return rows;
    }

    private static async Task DeleteRowsAsync(DbConnection connection, DbTransaction transaction, string persistenceId, long toSequenceNr)
    {
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText =
            "DELETE FROM alignak_journal WHERE persistence_id = @pid AND sequence_nr <= @to AND sequence_nr < " +
            "(SELECT MAX(sequence_nr) FROM alignak_journal WHERE persistence_id = @pid)";
        delete.Parameter("@pid").Value = persistenceId;
        delete.Parameter("@to").Value = toSequenceNr;
        await delete.ExecuteNonQueryAsync();
        await using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = "UPDATE alignak_journal SET deleted = 1 WHERE persistence_id = @pid AND sequence_nr <= @to";
        mark.Parameter("@pid").Value = persistenceId;
        mark.Parameter("@to").Value = toSequenceNr;
        await mark.ExecuteNonQueryAsync();
    }

    protected override void PostStop()
    {
        Task.WhenAll(_writes.DisposeAsync().AsTask(), _reads.DisposeAsync().AsTask()).Wait(TimeSpan.FromSeconds(10));
        base.PostStop();
    }
}

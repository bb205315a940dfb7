using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace Alignak.Persistence.Journal;

/// <summary>
/// The entities' event journal (table <c>alignak_journal</c>, SQLite or PostgreSQL) with group commit across
/// entities. Akka.Persistence.Sql's journal commits one transaction per event on SQLite (STACK.md P8), far from
/// what check-result ingestion needs; this plugin keeps the same contract (an event is acknowledged once
/// durable, replay in order, deletes keep the highest sequence number).
/// </summary>
public sealed class SqlJournal : AsyncWriteJournal
{
    public const string PluginId = "akka.persistence.journal.alignak";

    private readonly DatabaseOptions _database;
    private readonly JournalWriter _writer;
    private readonly Akka.Serialization.Serialization _serialization;

    public SqlJournal(Config config)
    {
        var provider = config.GetString("provider") == "postgresql" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;
        _database = new DatabaseOptions(provider, config.GetString("connection-string"));
        _writer = new JournalWriter(_database);
        _serialization = Context.System.Serialization;
    }

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var rows = new List<JournalRow>();
        foreach (var write in messages)
            foreach (var message in (IImmutableList<IPersistentRepresentation>)write.Payload)
            {
                var serializer = _serialization.FindSerializerFor(message.Payload);
                rows.Add(new JournalRow(message.PersistenceId, message.SequenceNr, serializer.Identifier,
                    Akka.Serialization.Serialization.ManifestFor(serializer, message.Payload), serializer.ToBinary(message.Payload)));
            }
        await _writer.WriteAsync(rows);
        // All or nothing: a failed commit throws, and Akka fails every write of the call.
        return null!;
    }

    public override async Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr,
        long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        if (max <= 0) return;
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText =
            "SELECT sequence_nr, serializer_id, manifest, payload FROM alignak_journal " +
            "WHERE persistence_id = @pid AND sequence_nr >= @from AND sequence_nr <= @to AND deleted = 0 " +
            "ORDER BY sequence_nr LIMIT @max";
        select.Parameter("@pid").Value = persistenceId;
        select.Parameter("@from").Value = fromSequenceNr;
        select.Parameter("@to").Value = toSequenceNr;
        select.Parameter("@max").Value = max;
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var payload = _serialization.Deserialize((byte[])reader.GetValue(3), reader.GetInt32(1), reader.GetString(2));
            recoveryCallback(new Persistent(payload, reader.GetInt64(0), persistenceId));
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT MAX(sequence_nr) FROM alignak_journal WHERE persistence_id = @pid";
        select.Parameter("@pid").Value = persistenceId;
        return await select.ExecuteScalarAsync() is long highest ? highest : 0;
    }

    /// <summary>
    /// Deletes the events up to <paramref name="toSequenceNr"/>; the highest one stays as a tombstone so that
    /// sequence numbers never restart (one small row per entity at most).
    /// </summary>
    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
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
        await transaction.CommitAsync();
    }

    protected override void PostStop()
    {
        _writer.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        base.PostStop();
    }
}

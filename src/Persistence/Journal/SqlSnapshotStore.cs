using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;

namespace Alignak.Persistence.Journal;

/// <summary>
/// The entities' snapshots (table <c>alignak_snapshots</c>): only the latest per entity is kept (a newer one
/// replaces it), saves are group-committed and the loads of entities recovering together are batched.
/// </summary>
public sealed class SqlSnapshotStore : SnapshotStore
{
    public const string PluginId = "akka.persistence.snapshot-store.alignak";

    private sealed record Row(string PersistenceId, long SequenceNr, long Timestamp, int SerializerId, string Manifest, byte[] Payload);

    private readonly DatabaseOptions _database;
    private readonly GroupCommit<Row> _writes;
    private readonly BatchedLookup<string, Row?> _reads;
    private readonly Akka.Serialization.Serialization _serialization;

    public SqlSnapshotStore(Config config)
    {
        _database = SqlPlugins.Database(config);
        _writes = new GroupCommit<Row>(_database, UpsertAsync);
        _reads = new BatchedLookup<string, Row?>(ReadAsync, null);
        _serialization = Context.System.Serialization;
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var row = await _reads.GetAsync(persistenceId);
        if (row is null || !Matches(row, criteria)) return null;
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, row.SequenceNr, new DateTime(row.Timestamp, DateTimeKind.Utc)),
            _serialization.Deserialize(row.Payload, row.SerializerId, row.Manifest));
    }

    private static bool Matches(Row row, SnapshotSelectionCriteria criteria) =>
        row.SequenceNr <= criteria.MaxSequenceNr && row.SequenceNr >= criteria.MinSequenceNr
        && row.Timestamp <= criteria.MaxTimeStamp.Ticks && row.Timestamp >= criteria.MinTimestamp.GetValueOrDefault().Ticks;

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var serializer = _serialization.FindSerializerFor(snapshot);
        await _writes.WriteAsync([new Row(metadata.PersistenceId, metadata.SequenceNr, metadata.Timestamp.Ticks, serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, snapshot), serializer.ToBinary(snapshot))]);
    }

    private static async Task UpsertAsync(DbConnection connection, DbTransaction transaction, IEnumerable<Row> rows)
    {
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText =
            "INSERT INTO alignak_snapshots (persistence_id, sequence_nr, created, serializer_id, manifest, payload) " +
            "VALUES (@pid, @seq, @created, @serializer, @manifest, @payload) ON CONFLICT (persistence_id) DO UPDATE SET " +
            "sequence_nr = excluded.sequence_nr, created = excluded.created, serializer_id = excluded.serializer_id, " +
            "manifest = excluded.manifest, payload = excluded.payload WHERE alignak_snapshots.sequence_nr <= excluded.sequence_nr";
        var (pid, seq, created, serializer, manifest, payload) = (upsert.Parameter("@pid"), upsert.Parameter("@seq"),
            upsert.Parameter("@created"), upsert.Parameter("@serializer"), upsert.Parameter("@manifest"), upsert.Parameter("@payload"));
        foreach (var row in rows)
        {
            pid.Value = row.PersistenceId;
            seq.Value = row.SequenceNr;
            created.Value = row.Timestamp;
            serializer.Value = row.SerializerId;
            manifest.Value = row.Manifest;
            payload.Value = row.Payload;
            await upsert.ExecuteNonQueryAsync();
        }
    }

    private async Task<IReadOnlyDictionary<string, Row?>> ReadAsync(IReadOnlyList<string> persistenceIds)
    {
        await using var connection = _database.CreateConnection();
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT persistence_id, sequence_nr, created, serializer_id, manifest, payload FROM alignak_snapshots " +
                             $"WHERE persistence_id IN ({SqlPlugins.InList(select, persistenceIds)})";
        var rows = new Dictionary<string, Row?>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows[reader.GetString(0)] = new Row(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3),
                reader.GetString(4), (byte[])reader.GetValue(5));
        return rows;
    }

    protected override Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken) =>
        DeleteAsync("sequence_nr = @seq", metadata.PersistenceId, ("@seq", metadata.SequenceNr));

    /// <summary>The entity's snapshot when it matches every bound of the criteria (<see cref="Matches"/>, in SQL).</summary>
    protected override Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        DeleteAsync("sequence_nr <= @max_seq AND sequence_nr >= @min_seq AND created <= @max_time AND created >= @min_time", persistenceId,
            ("@max_seq", criteria.MaxSequenceNr), ("@min_seq", criteria.MinSequenceNr),
            ("@max_time", criteria.MaxTimeStamp.Ticks), ("@min_time", criteria.MinTimestamp.GetValueOrDefault().Ticks));

    private Task DeleteAsync(string condition, string persistenceId, params (string Name, long Value)[] bounds) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = $"DELETE FROM alignak_snapshots WHERE persistence_id = @pid AND {condition}";
            delete.Parameter("@pid").Value = persistenceId;
            foreach (var (name, value) in bounds) delete.Parameter(name).Value = value;
            await delete.ExecuteNonQueryAsync();
        });

    protected override void PostStop()
    {
        Task.WhenAll(_writes.DisposeAsync().AsTask(), _reads.DisposeAsync().AsTask()).Wait(TimeSpan.FromSeconds(10));
        base.PostStop();
    }
}

/// <summary>What the journal and snapshot plugins share: their database from HOCON, and IN lists.</summary>
internal static class SqlPlugins
{
    public static DatabaseOptions Database(Config config) => new(
        config.GetString("provider") == "postgresql" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite,
        config.GetString("connection-string"));

    /// <summary>"@k0, @k1, ..." with the values bound on <paramref name="command"/>.</summary>
    public static string InList(DbCommand command, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++) command.Parameter($"@k{i}").Value = values[i];
        return string.Join(", ", values.Select((_, i) => $"@k{i}"));
    }
}

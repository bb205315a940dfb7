namespace Alignak.Persistence.Journal;

/// <summary>An entity's latest stored state: the payload of its highest event, or of its snapshot when that is newer.</summary>
public sealed record LatestState(string PersistenceId, long SequenceNr, int SerializerId, string Manifest, byte[] Payload);

/// <summary>
/// Every entity's latest state in two scans (of <c>alignak_journal</c> and <c>alignak_snapshots</c>), read at start-up so
/// the index shows every live state before the entities have recovered. The highest event of an entity is always in the
/// journal (a delete leaves it as a tombstone, payload kept), and a snapshot is never newer; the snapshot is read too so
/// that the answer holds whatever the journal's pruning did.
/// </summary>
public static class LatestStates
{
    public static async Task<IReadOnlyList<LatestState>> ReadAsync(DatabaseOptions database, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, LatestState>(StringComparer.Ordinal);
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in new[]
        {
            "SELECT j.persistence_id, j.sequence_nr, j.serializer_id, j.manifest, j.payload FROM alignak_journal j " +
            "JOIN (SELECT persistence_id, MAX(sequence_nr) AS highest FROM alignak_journal GROUP BY persistence_id) h " +
            "ON j.persistence_id = h.persistence_id AND j.sequence_nr = h.highest",
            "SELECT persistence_id, sequence_nr, serializer_id, manifest, payload FROM alignak_snapshots",
        })
        {
            await using var select = connection.CreateCommand();
            select.CommandText = sql;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new LatestState(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetString(3), (byte[])reader.GetValue(4));
                // The journal is read first: on a tie its event and the snapshot hold the same state.
                if (!latest.TryGetValue(row.PersistenceId, out var known) || known.SequenceNr < row.SequenceNr) latest[row.PersistenceId] = row;
            }
        }
        return latest.Values.ToList();
    }
}

using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Live;

/// <summary>
/// Livesynthesis counters per realm (spec 2.13), derived from the index: every host or service document change
/// (configuration or live state) moves that item's contribution from its old buckets to its new ones. The
/// counters are therefore always a recount of the index (the original's incremental rules drifted: issues 437,
/// 444). The <c>livesynthesis</c> documents are written into the index on <see cref="Flush"/>; clients read them.
/// </summary>
public sealed class LiveSynthesis
{
    public static readonly string[] HostStates = ["up", "down", "unreachable"];
    public static readonly string[] ServiceStates = ["ok", "warning", "critical", "unknown", "unreachable"];

    /// <summary>Counter names in the schema's order.</summary>
    public static readonly string[] Counters = [.. CountersOf("hosts", HostStates), .. CountersOf("services", ServiceStates)];

    private static readonly Dictionary<string, int> Position =
        Counters.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

    private readonly DocumentIndex _index;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long[]> _byRealm = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedRealms = new(StringComparer.Ordinal);

    public LiveSynthesis(DocumentIndex index)
    {
        _index = index;
        index.Changed += OnChanged;
    }

    private static IEnumerable<string> CountersOf(string prefix, string[] states) =>
        new[] { $"{prefix}_total", $"{prefix}_not_monitored" }
            .Concat(states.SelectMany(s => new[] { $"{prefix}_{s}_hard", $"{prefix}_{s}_soft" }))
            .Concat([$"{prefix}_acknowledged", $"{prefix}_in_downtime", $"{prefix}_flapping"]);

    /// <summary>
    /// The counters one item adds to its realm: total; then not monitored, or acknowledged, or in downtime, or its
    /// state bucket, the first that applies: one bucket per item, so UIs may add them up (the original's hooks move
    /// a downtimed item that is not acknowledged out of its state bucket).
    /// </summary>
    public static IEnumerable<int> Contribution(string resource, StoredDocument document)
    {
        if ((bool?)document["_is_template"] == true) yield break;
        var positions = resource == "host" ? HostPositions : ServicePositions;
        yield return positions.Total;
        var monitored = (bool?)document["active_checks_enabled"] != false || (bool?)document["passive_checks_enabled"] != false;
        if (!monitored)
        {
            yield return positions.NotMonitored;
            yield break;
        }
        // The entity's state is read as it is (its fields are only made for a reader that asks for them).
        var live = document.Live;
        var acknowledged = live?.Acknowledged ?? (bool?)document["ls_acknowledged"] == true;
        var downtimed = live?.Downtimed ?? (bool?)document["ls_downtimed"] == true;
        var state = live?.State ?? (string?)document["ls_state"] ?? "";
        var type = live?.StateType ?? (string?)document["ls_state_type"] ?? "HARD";
        if (acknowledged) yield return positions.Acknowledged;
        else if (downtimed) yield return positions.InDowntime;
        else if (positions.Buckets.TryGetValue((state, type), out var bucket)) yield return bucket;
    }

    /// <summary>A kind's counter positions, the state buckets by (state, state type) whatever their case.</summary>
    private sealed record Positions(int Total, int NotMonitored, int Acknowledged, int InDowntime, Dictionary<(string, string), int> Buckets);

    private static readonly Positions HostPositions = PositionsOf("hosts", HostStates);
    private static readonly Positions ServicePositions = PositionsOf("services", ServiceStates);

    private static Positions PositionsOf(string prefix, string[] states) => new(
        Position[$"{prefix}_total"], Position[$"{prefix}_not_monitored"], Position[$"{prefix}_acknowledged"], Position[$"{prefix}_in_downtime"],
        states.SelectMany(s => new[] { "hard", "soft" }.Select(t => (s, t)))
            .ToDictionary(p => p, p => Position[$"{prefix}_{p.s}_{p.t}"], new CaseInsensitivePair()));

    private sealed class CaseInsensitivePair : IEqualityComparer<(string, string)>
    {
        public bool Equals((string, string) x, (string, string) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && StringComparer.OrdinalIgnoreCase.Equals(x.Item2, y.Item2);

        public int GetHashCode((string, string) pair) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(pair.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(pair.Item2));
    }

    private void OnChanged(IndexChange change)
    {
        var (resource, before, after) = (change.Resource, change.Before, change.After);
        if (resource == "realm")
        {
            lock (_gate)
            {
                var id = (string?)(after ?? before)?["_id"];
                if (id is null) return;
                if (after is null)
                {
                    _byRealm.Remove(id);
                    _deletedRealms.Add(id);
                }
                else if (_byRealm.TryAdd(id, new long[Counters.Length])) _dirty.Add(id);
            }
            return;
        }
        if (resource is not ("host" or "service")) return;
        lock (_gate)
        {
            if (before is not null) Move(before, resource, -1);
            if (after is not null) Move(after, resource, +1);
        }
    }

    private void Move(StoredDocument document, string resource, int delta)
    {
        if ((string?)document["_realm"] is not { } realm) return;
        if (!_byRealm.TryGetValue(realm, out var counters)) _byRealm[realm] = counters = new long[Counters.Length];
        foreach (var position in Contribution(resource, document)) counters[position] += delta;
        _dirty.Add(realm);
    }

    /// <summary>The current counters of a realm (zeros for a realm without items).</summary>
    public IReadOnlyDictionary<string, long> Of(string realmId)
    {
        lock (_gate)
        {
            return Named(_byRealm.GetValueOrDefault(realmId) ?? new long[Counters.Length]);
        }
    }

    /// <summary>The counters recounted from scratch over the index (what <see cref="Of"/> must always equal).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Recount(DocumentIndex index)
    {
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var realm in index.Collection("realm").Read(v => v.All().Select(r => (string)r["_id"]!).ToList()))
            result[realm] = new long[Counters.Length];
        foreach (var resource in new[] { "host", "service" })
            index.Collection(resource).Read(view =>
            {
                foreach (var document in view.All())
                {
                    if ((string?)document["_realm"] is not { } realm) continue;
                    if (!result.TryGetValue(realm, out var counters)) result[realm] = counters = new long[Counters.Length];
                    foreach (var position in Contribution(resource, document)) counters[position]++;
                }
                return 0;
            });
        return result.ToDictionary(p => p.Key, p => Named(p.Value));
    }

    private static IReadOnlyDictionary<string, long> Named(long[] counters) =>
        Counters.Select((name, i) => (name, counters[i])).ToDictionary(p => p.name, p => p.Item2, StringComparer.Ordinal);

    /// <summary>Writes the changed realms' livesynthesis documents into the index (one per realm, id = the realm's id).</summary>
    public void Flush()
    {
        List<DocumentChange> changes;
        lock (_gate)
        {
            if (_dirty.Count == 0 && _deletedRealms.Count == 0) return;
            changes = new List<DocumentChange>(_dirty.Count + _deletedRealms.Count);
            foreach (var realm in _dirty)
                if (_byRealm.TryGetValue(realm, out var counters)) changes.Add(Document(realm, counters));
            foreach (var realm in _deletedRealms) changes.Add(new DocumentChange("livesynthesis", realm, Revisions.Next(), null));
            _dirty.Clear();
            _deletedRealms.Clear();
        }
        _index.Apply(changes);
    }

    private static DocumentChange Document(string realm, long[] counters)
    {
        var document = new JsonObject { ["_id"] = realm, ["_realm"] = realm };
        for (var i = 0; i < Counters.Length; i++) document[Counters[i]] = counters[i];
        // Never inserted by a client: the original served such documents with the epoch as creation date.
        document["_created"] = Rfc1123.Format(DateTimeOffset.UnixEpoch);
        document["_updated"] = Rfc1123.Format(Rfc1123.Now());
        document["_etag"] = ETags.Compute(document);
        return new DocumentChange("livesynthesis", realm, Revisions.Next(), document.ToJsonString());
    }
}

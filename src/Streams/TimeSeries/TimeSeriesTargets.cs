using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Microsoft.Extensions.Logging;

namespace Alignak.Streams.TimeSeries;

/// <summary>A statsd item a graphite or influxdb item is linked to: its metrics go there instead (spec 2.14).</summary>
public sealed record StatsdEndpoint(string Address, int Port);

/// <summary>A time-series database item (<c>graphite</c> or <c>influxdb</c> resource), as configured now.</summary>
public abstract record TimeSeriesTarget(string Resource, string Id, string Name, StatsdEndpoint? Statsd)
{
    /// <summary>What a client needs to know to reconnect: when it changes, the target's client is rebuilt.</summary>
    public abstract string Endpoint { get; }
}

/// <param name="RealmsPrefix">Whether paths start with the realm path (the item's <c>realms_prefix</c>).</param>
public sealed record GraphiteTarget(string Id, string Name, string Address, int Port, string Prefix, bool RealmsPrefix,
    StatsdEndpoint? Statsd) : TimeSeriesTarget("graphite", Id, Name, Statsd)
{
    public override string Endpoint => Statsd is { } s ? $"statsd:{s.Address}:{s.Port}" : $"carbon:{Address}:{Port}";
}

/// <summary>
/// An influxdb item. With a <paramref name="Token"/> it is an InfluxDB 2.x (or any server of the v2 write API):
/// points go to <paramref name="Bucket"/> (default: the item's database) of <paramref name="Organization"/>;
/// without one, to the 1.x <c>/write</c> of the database with login and password.
/// </summary>
public sealed record InfluxTarget(string Id, string Name, string Address, int Port, string Database, string Login,
    string Password, StatsdEndpoint? Statsd, string Token = "", string Organization = "", string Bucket = "")
    : TimeSeriesTarget("influxdb", Id, Name, Statsd)
{
    public bool V2 => Token.Length > 0;
    public string V2Bucket => Bucket.Length > 0 ? Bucket : Database;
    public override string Endpoint => Statsd is { } s ? $"statsd:{s.Address}:{s.Port}" : $"influx{(V2 ? "2" : "")}:{Address}:{Port}";
}

/// <summary>
/// The time-series databases of each realm (spec 2.14): the graphite and influxdb items of the realm, and those of
/// an ancestor realm with <c>_sub_realm</c> true. Read from the in-memory index and cached per realm; any change of a
/// graphite, influxdb, statsd or realm document drops the cache, so a new, changed or deleted item counts from the
/// next check result on.
/// </summary>
public sealed class TimeSeriesTargets
{
    public static readonly string[] Resources = ["graphite", "influxdb"];
    private static readonly HashSet<string> Watched = new(StringComparer.Ordinal) { "graphite", "influxdb", "statsd", "realm" };

    private readonly DocumentIndex _index;
    private readonly ILogger? _log;
    /// <summary>Versions (id and ETag) of unusable documents already logged: each is logged once, not at every rebuild.</summary>
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, IReadOnlyList<TimeSeriesTarget>> _byRealm = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, IReadOnlyList<string>> _realmNames = new(StringComparer.Ordinal);

    public TimeSeriesTargets(DocumentIndex index, ILogger? log = null)
    {
        _index = index;
        _log = log;
        index.Changed += change =>
        {
            if (!Watched.Contains(change.Resource)) return;
            // Called under the index's write lock: only swap the cache, rebuild lazily.
            _byRealm = new ConcurrentDictionary<string, IReadOnlyList<TimeSeriesTarget>>(StringComparer.Ordinal);
            _realmNames = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            Changed?.Invoke();
        };
    }

    /// <summary>Raised after a graphite, influxdb, statsd or realm document changed (under the index's lock: be quick).</summary>
    public event Action? Changed;

    public IReadOnlyList<TimeSeriesTarget> ForRealm(string realmId) => _byRealm.GetOrAdd(realmId, Build);

    /// <summary>Every configured target, whatever its realm.</summary>
    public IReadOnlyList<TimeSeriesTarget> All() =>
        Resources.SelectMany(r => _index.Collection(r).Read(view => view.All().ToList()).Select(d => Usable(r, d)).OfType<TimeSeriesTarget>()).ToList();

    public TimeSeriesTarget? Find(string resource, string id) =>
        _index.Collection(resource).Get(id) is { } document ? Usable(resource, document) : null;

    /// <summary>Realm names from the root, joined by dots (<c>All.North</c>), as the original's realms prefix.</summary>
    public IReadOnlyList<string> RealmNames(string realmId) => _realmNames.GetOrAdd(realmId, BuildRealmNames);

    private List<string> BuildRealmNames(string realmId)
    {
        var realms = _index.Collection("realm");
        if (realms.Get(realmId) is not { } realm) return [];
        var names = new List<string>();
        foreach (var parent in DocumentIds.In(realm["_tree_parents"]))
            if (realms.Get(parent) is { } ancestor) names.Add((string?)ancestor["name"] ?? "");
        names.Add((string?)realm["name"] ?? "");
        return names;
    }

    private IReadOnlyList<TimeSeriesTarget> Build(string realmId)
    {
        var ancestors = _index.Collection("realm").Get(realmId) is { } realm ? DocumentIds.In(realm["_tree_parents"]).ToHashSet() : [];
        var targets = new List<TimeSeriesTarget>();
        foreach (var resource in Resources)
        {
            targets.AddRange(_index.Collection(resource).Read(view => view.All()
                .Where(d => (string?)d["_realm"] is { } owner
                    && (owner == realmId || (ancestors.Contains(owner) && (bool?)d["_sub_realm"] != false)))
                .ToList()).Select(d => Usable(resource, d)).OfType<TimeSeriesTarget>());
        }
        return targets;
    }

    /// <summary>
    /// The target, or null for a stored document it cannot be made of (a port past 32 bits, a number where a name
    /// is expected: written before validation refused such values, or straight into the database): logged and
    /// skipped, so one such item never stops the pipeline or the server's start.
    /// </summary>
    private TimeSeriesTarget? Usable(string resource, StoredDocument document)
    {
        try
        {
            return Target(resource, document);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            var key = $"{resource}/{document["_id"]?.ToJsonString()}/{document["_etag"]?.ToJsonString()}";
            if (_reported.TryAdd(key, true))
                _log?.LogWarning("{Resource} {Id} is skipped: its fields cannot make a time-series target ({Problem})",
                    resource, document["_id"]?.ToJsonString(), e.Message);
            return null;
        }
    }

    private TimeSeriesTarget Target(string resource, StoredDocument document)
    {
        var id = (string)document["_id"]!;
        var name = (string?)document["name"] ?? id;
        var statsd = (string?)(document["statsd"] as JsonValue) is { } statsdId && _index.Collection("statsd").Get(statsdId) is { } s
            ? new StatsdEndpoint((string?)s["address"] ?? "", (int?)s["port"] ?? StatsdLines.DefaultPort)
            : null;
        if (resource == "graphite")
            return new GraphiteTarget(id, name, (string?)document["carbon_address"] ?? "", (int?)document["carbon_port"] ?? CarbonPickle.DefaultPort,
                (string?)document["prefix"] ?? "", (bool?)document["realms_prefix"] ?? true, statsd);
        return new InfluxTarget(id, name, (string?)document["address"] ?? "", (int?)document["port"] ?? InfluxLineProtocol.DefaultPort,
            (string?)document["database"] ?? "alignak", (string?)document["login"] ?? "", (string?)document["password"] ?? "", statsd,
            (string?)document["token"] ?? "", (string?)document["organization"] ?? "", (string?)document["bucket"] ?? "");
    }
}

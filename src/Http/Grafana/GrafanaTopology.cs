using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Resources;

namespace Alignak.Http.Grafana;

/// <summary>
/// A time-series database linked to a Grafana: what its datasource and its dashboards' targets are made of.
/// <paramref name="TsPrefix"/> is its own prefix, <paramref name="StatsdPrefix"/> that of the StatsD it sends through.
/// </summary>
public sealed record TimeSeriesLink(string Id, string Type, string Name, JsonObject Document, string TsPrefix, string StatsdPrefix, bool RealmsPrefix)
{
    /// <summary>The name the backend gives its datasource in Grafana.</summary>
    public string DatasourceName => $"alignak-{Type}-{Name}";

    /// <summary>Grafana's datasource creation request: proxied, never the default datasource.</summary>
    public JsonObject DatasourceRequest()
    {
        var request = new JsonObject { ["name"] = DatasourceName, ["type"] = Type };
        if (Type == "influxdb")
        {
            request["typeLogoUrl"] = "";
            request["access"] = "proxy";
            request["url"] = $"http://{(string?)Document["address"]}:{(int?)Document["port"] ?? 8086}";
            request["password"] = (string?)Document["password"];
            request["user"] = (string?)Document["login"];
            request["database"] = (string?)Document["database"];
        }
        else
        {
            request["access"] = "proxy";
            request["url"] = $"http://{(string?)Document["graphite_address"]}:{(int?)Document["graphite_port"] ?? 8080}";
        }
        request["basicAuth"] = false;
        request["basicAuthUser"] = "";
        request["basicAuthPassword"] = "";
        request["withCredentials"] = false;
        request["isDefault"] = false;
        request["jsonData"] = new JsonObject();
        return request;
    }
}

/// <summary>
/// What one <c>grafana</c> item covers (API.md 2.15): its realm (and, with <c>_sub_realm</c>, every realm below),
/// and per realm the graphite or influxdb pointing to it. A database with <c>_sub_realm</c> also serves the covered
/// realms below its own; the first database found for a realm keeps it (graphites before influxdbs, in id order).
/// </summary>
public sealed class GrafanaTopology
{
    private readonly Dictionary<string, TimeSeriesLink> _byRealm = new(StringComparer.Ordinal);

    public IReadOnlySet<string> Realms { get; }

    private GrafanaTopology(IReadOnlySet<string> realms) => Realms = realms;

    public TimeSeriesLink? For(string? realm) => realm is not null ? _byRealm.GetValueOrDefault(realm) : null;

    public IEnumerable<TimeSeriesLink> Databases => _byRealm.Values.DistinctBy(link => link.Id);

    public static GrafanaTopology Build(JsonObject grafana, DocumentIndex index, ILogger log)
    {
        var realms = index.Collection(ResourceNames.Realm);
        var grafanaId = (string)grafana["_id"]!;
        var topology = new GrafanaTopology(Covered(realms.Get((string?)grafana["_realm"] ?? ""), (bool?)grafana["_sub_realm"] ?? true));
        foreach (var type in new[] { ResourceNames.Graphite, ResourceNames.InfluxDb })
        {
            var linked = index.Collection(type).Read(view => view.All().Where(d => (string?)d["grafana"] == grafanaId).Select(d => d.ToJsonObject()).ToList());
            foreach (var database in linked)
            {
                try
                {
                    Link(topology, grafana, type, database, index, log);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
                {
                    // A stored document whose fields do not have their schema's types: logged and left out.
                    log.LogWarning("Grafana {Grafana}: {Type} {Id} is skipped: {Problem}", grafana["name"], type, database["_id"], e.Message);
                }
            }
        }
        return topology;
    }

    private static void Link(GrafanaTopology topology, JsonObject grafana, string type, JsonObject database, DocumentIndex index, ILogger log)
    {
        var realms = index.Collection(ResourceNames.Realm);
        var name = (string)database["name"]!;
        var realm = (string?)database["_realm"];
        if (realm is null || !topology.Realms.Contains(realm))
        {
            log.LogWarning("Grafana {Grafana}: {Type} {Name} is in none of its realms", grafana["name"], type, name);
            return;
        }
        var statsdPrefix = "";
        if ((string?)database["statsd"] is { } statsdId && index.Collection(ResourceNames.Statsd).Get(statsdId) is { } statsd)
        {
            if (!topology.Realms.Contains((string?)statsd["_realm"] ?? ""))
            {
                log.LogWarning("Grafana {Grafana}: the StatsD of {Type} {Name} is in none of its realms", grafana["name"], type, name);
                return;
            }
            statsdPrefix = (string?)statsd["prefix"] ?? "";
        }
        var link = new TimeSeriesLink((string)database["_id"]!, type, name, database, (string?)database["prefix"] ?? "", statsdPrefix,
            (bool?)database["realms_prefix"] ?? true);
        _ = link.DatasourceRequest(); // reads the address fields: a port past 32 bits fails here, not mid-run
        foreach (var served in Covered(realms.Get(realm), (bool?)database["_sub_realm"] ?? true).Where(topology.Realms.Contains))
            topology._byRealm.TryAdd(served, link);
    }

    private static HashSet<string> Covered(StoredDocument? realm, bool subRealms)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        if (realm is null) return covered;
        covered.Add((string)realm["_id"]!);
        if (subRealms && realm["_all_children"] is JsonArray children)
            covered.UnionWith(children.Select(c => (string?)c).OfType<string>());
        return covered;
    }
}

using System.Text.Json.Nodes;
using Alignak.Streams.PerfData;
using Alignak.Actors.Resources;

namespace Alignak.Http.Grafana;

/// <summary>A panel of a host's dashboard and the host or service it graphs.</summary>
public sealed record DashboardPanel(string Resource, string Id, string Name, int PanelId);

/// <summary>
/// A host's Grafana dashboard (API.md 2.15): one row with one graph panel for the host's own perfdata
/// ("Host &lt;name&gt; check alive", panel 1), then one per service (panels 2, 3, …). Each metric is a target,
/// with its warning, critical, min and max as extra series drawn without fill or legend.
/// </summary>
/// <remarks>
/// Series paths are built from the same sanitised names the time-series writer stores (<see cref="MetricNames"/>),
/// so a label such as <c>/tmp</c> finds its series <c>_tmp</c>; the original sanitised the whole path its own way
/// and missed it. Prefixes are Grafana variables (<c>$statsd_prefix</c>, <c>$ts_prefix</c>) set in the templating.
/// </remarks>
public static class HostDashboard
{
    private const string RefIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>The companion series of a metric: suffix, legend mark, ref-id mark, colour.</summary>
    private static readonly (string Suffix, string Mark, string RefMark, string Colour, Func<PerfMetric, double?> Value)[] Thresholds =
    [
        ("_warning", "w", "-w", "#CCA300", m => m.Warning),
        ("_critical", "c", "-c", "#890F02", m => m.Critical),
        ("_min", "min", "-m", "#447EBC", m => m.Min),
        ("_max", "max", "-M", "#447EBC", m => m.Max),
    ];

    /// <param name="realmPath">Realm names from the root, dot-joined (the host's realm).</param>
    /// <param name="services">The host's services that have perfdata and a last check, in order.</param>
    public static (JsonObject Request, IReadOnlyList<DashboardPanel> Panels) Build(JsonObject grafana, JsonObject host,
        IReadOnlyList<JsonObject> services, TimeSeriesLink timeSeries, string datasource, string realmPath)
    {
        var hostName = (string)host["name"]!;
        var panels = new List<DashboardPanel> { new(ResourceNames.Host, (string)host["_id"]!, hostName, 1) };
        var rows = new JsonArray(Row($"Host {hostName} check alive", 1, host, null, hostName, timeSeries, datasource, realmPath));
        foreach (var service in services)
        {
            var serviceName = (string)service["name"]!;
            var panelId = panels.Count + 1;
            panels.Add(new DashboardPanel(ResourceNames.Service, (string)service["_id"]!, $"{hostName}/{serviceName}", panelId));
            rows.Add(Row(serviceName, panelId, service, serviceName, hostName, timeSeries, datasource, realmPath));
        }

        var dashboard = new JsonObject
        {
            ["id"] = null,
            ["title"] = "Host: " + hostName,
            ["tags"] = new JsonArray("alignak", "host"),
            ["style"] = "dark",
            ["timezone"] = (string?)grafana["timezone"] ?? "browser",
            ["refresh"] = (string?)grafana["refresh"] ?? "1m",
            ["editable"] = true,
            ["hideControls"] = false,
            ["graphTooltip"] = 1,
            ["rows"] = rows,
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["timepicker"] = new JsonObject
            {
                ["time_options"] = Strings("30m", "1h", "6h", "12h", "24h", "2d", "7d", "30d"),
                ["refresh_intervals"] = Strings("5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h"),
            },
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(
                    Variable("ts_prefix", "Time series prefix", timeSeries.TsPrefix),
                    Variable("statsd_prefix", "StatsD prefix", timeSeries.StatsdPrefix)),
            },
            ["annotations"] = new JsonObject { ["list"] = new JsonArray() },
            ["schemaVersion"] = 7,
            ["version"] = 0,
            ["links"] = new JsonArray(),
        };
        return (new JsonObject { ["dashboard"] = dashboard, ["overwrite"] = true }, panels);
    }

    private static JsonObject Row(string title, int panelId, JsonObject item, string? serviceName, string hostName,
        TimeSeriesLink timeSeries, string datasource, string realmPath)
    {
        var tags = new JsonArray(Tag("host", MetricNames.Sanitize(hostName), first: true));
        if (serviceName is not null) tags.Add(Tag("service", MetricNames.Sanitize(serviceName), first: false));
        var targets = new JsonArray();
        var overrides = new JsonArray();
        var number = 0;
        foreach (var metric in PerfDataParser.Parse((string?)item["ls_perf_data"]).Metrics)
        {
            var name = MetricNames.For(metric.Label);
            if (name.Length == 0) continue; // nothing was stored under this label
            var refId = number < RefIds.Length ? RefIds[number].ToString() : "";
            number++;
            var path = SeriesPath(timeSeries, realmPath, hostName, serviceName, name);
            targets.Add(Target(name, refId, Alias(path, metric.Label), tags, datasource));
            foreach (var threshold in Thresholds)
            {
                if (threshold.Value(metric) is null) continue;
                var label = $"{metric.Label} ({threshold.Mark})";
                targets.Add(Target(name + threshold.Suffix, refId + threshold.RefMark, Alias(path + threshold.Suffix, label), tags, datasource));
                overrides.Add(new JsonObject { ["alias"] = label, ["fill"] = 0, ["legend"] = false, ["color"] = threshold.Colour });
            }
        }

        var panel = new JsonObject
        {
            ["title"] = title,
            ["error"] = false,
            ["span"] = 12,
            ["editable"] = true,
            ["datasource"] = datasource,
            ["type"] = "graph",
            ["id"] = panelId,
            ["targets"] = targets,
            ["lines"] = true,
            ["fill"] = 1,
            ["linewidth"] = 2,
            ["points"] = false,
            ["pointradius"] = 5,
            ["bars"] = false,
            ["stack"] = false,
            ["percentage"] = false,
            ["legend"] = new JsonObject
            {
                ["avg"] = true, ["current"] = true, ["max"] = true, ["min"] = true, ["show"] = true, ["total"] = false,
                ["values"] = true, ["alignAsTable"] = true,
            },
            ["nullPointMode"] = "connected",
            ["steppedLine"] = false,
            ["tooltip"] = new JsonObject { ["value_type"] = "cumulative", ["shared"] = true, ["sort"] = 0, ["msResolution"] = false },
            ["timeFrom"] = null,
            ["timeShift"] = null,
            ["aliasColors"] = new JsonObject(),
            ["seriesOverrides"] = overrides,
            ["thresholds"] = new JsonArray(),
            ["links"] = new JsonArray(),
        };
        return new JsonObject
        {
            ["collapse"] = false, ["editable"] = true, ["title"] = title, ["height"] = "250px", ["panels"] = new JsonArray(panel),
        };
    }

    /// <summary>
    /// <c>[$statsd_prefix.][$ts_prefix.][realm path.]host[.service].metric</c>: a prefix only when the database has one,
    /// the realm path when the database keeps <c>realms_prefix</c>.
    /// </summary>
    public static string SeriesPath(TimeSeriesLink timeSeries, string realmPath, string hostName, string? serviceName, string metric)
    {
        var parts = new List<string>();
        if (timeSeries.StatsdPrefix.Length > 0) parts.Add("$statsd_prefix");
        if (timeSeries.TsPrefix.Length > 0) parts.Add("$ts_prefix");
        if (timeSeries.RealmsPrefix && realmPath.Length > 0) parts.Add(MetricNames.Sanitize(realmPath));
        parts.Add(MetricNames.Sanitize(hostName));
        if (serviceName is not null) parts.Add(MetricNames.Sanitize(serviceName));
        parts.Add(metric);
        return string.Join('.', parts);
    }

    private static string Alias(string path, string label) => $"alias({path}, '{label.Replace("'", "", StringComparison.Ordinal)}')";

    /// <summary>A target Graphite reads by <c>target</c> and InfluxDB by measurement and tags.</summary>
    private static JsonObject Target(string measurement, string refId, string target, JsonArray tags, string datasource) => new()
    {
        ["dsType"] = datasource,
        ["measurement"] = measurement,
        ["resultFormat"] = "time_series",
        ["policy"] = "default",
        ["tags"] = tags.DeepClone(),
        ["groupBy"] = new JsonArray(
            new JsonObject { ["type"] = "time", ["params"] = Strings("auto") },
            new JsonObject { ["type"] = "fill", ["params"] = Strings("null") }),
        ["select"] = new JsonArray(new JsonArray(
            new JsonObject { ["type"] = "field", ["params"] = Strings("value") },
            new JsonObject { ["type"] = "mean", ["params"] = new JsonArray() })),
        ["target"] = target,
        ["refId"] = refId,
    };

    private static JsonObject Tag(string key, string value, bool first)
    {
        var tag = new JsonObject { ["key"] = key, ["operator"] = "=", ["value"] = value };
        if (!first) tag["condition"] = "AND";
        return tag;
    }

    /// <summary>A constant dashboard variable, hidden when empty.</summary>
    private static JsonObject Variable(string name, string label, string value) => new()
    {
        ["allValue"] = null,
        ["current"] = new JsonObject { ["text"] = value, ["value"] = value },
        ["hide"] = value.Length > 0 ? 0 : 1,
        ["includeAll"] = false,
        ["label"] = label,
        ["multi"] = false,
        ["name"] = name,
        ["options"] = new JsonArray(new JsonObject { ["text"] = value, ["value"] = value, ["selected"] = true }),
        ["query"] = value,
        ["type"] = "custom",
        ["datasource"] = null,
        ["allFormat"] = "glob",
    };

    private static JsonArray Strings(params string[] values) => new(values.Select(v => (JsonNode?)v).ToArray());
}

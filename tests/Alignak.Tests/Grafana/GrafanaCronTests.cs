using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Alignak.Tests.Api;
using Alignak.Tests.Support;

namespace Alignak.Tests.Grafana;

/// <summary>
/// <c>GET /cron_grafana</c> against <see cref="GrafanaStandIn"/>, on SQLite and PostgreSQL: datasources checked and created, a dashboard per
/// host with perfdata, <c>ls_grafana</c>/<c>ls_grafana_panelid</c> visible in REST afterwards. Each test works in
/// realms of its own (a grafana covers only its realms) and reads only its grafana's entry of the report.
/// </summary>
public abstract class GrafanaCronTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private EveClient Admin => fixture.Admin;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private async Task<JsonObject> Create(string resource, JsonObject document) => await fixture.CreateAsync(resource, document);

    private async Task<JsonObject> Get(string resource, JsonObject document) =>
        (await Admin.GetAsync($"/{resource}/{document["_id"]}")).Body!.AsObject();

    private async Task<JsonObject> Realm(string name, string? parent = null)
    {
        var realm = new JsonObject { ["name"] = name };
        if (parent is not null) realm["_parent"] = parent;
        return await Create("realm", realm);
    }

    private async Task<JsonObject> Grafana(string realm, int port, string apiKey = "secret") => await Create("grafana", new JsonObject
    {
        ["name"] = Unique("grafana-"), ["address"] = "127.0.0.1", ["port"] = port, ["apikey"] = apiKey,
        ["_realm"] = realm, ["_sub_realm"] = true, ["timezone"] = "utc", ["refresh"] = "5m",
    });

    private async Task<JsonObject> Host(string name, string realm) =>
        await Create("host", new JsonObject { ["name"] = name, ["_realm"] = realm });

    private async Task<JsonObject> Service(JsonObject host, string name) =>
        await Create("service", new JsonObject { ["name"] = name, ["host"] = (string)host["_id"]!, ["_realm"] = host["_realm"]!.DeepClone() });

    private async Task Check(JsonObject host, string? service, string perfData)
    {
        var result = new JsonObject { ["host_name"] = (string)host["name"]!, ["exit_status"] = 0, ["output"] = "fine", ["perf_data"] = perfData };
        if (service is not null) result["service_name"] = service;
        var (status, body) = await Admin.PostAsync("/checkresult", result);
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
    }

    private async Task<JsonObject> Cron(JsonObject grafana, string query = "")
    {
        using var anonymous = fixture.Backend.Client();
        var (status, body) = await anonymous.GetAsync("/cron_grafana" + query);
        Assert.True(status == HttpStatusCode.OK, $"{status} {body?.ToJsonString()}");
        return body![(string)grafana["name"]!]!.AsObject();
    }

    private static string[] Created(JsonObject report) => report["created_dashboards"]!.AsArray().Select(n => (string)n!).ToArray();

    private static (bool, int) Graphed(JsonObject item) => ((bool)item["ls_grafana"]!, (int)item["ls_grafana_panelid"]!);

    /// <summary>A realm with a graphite (behind a StatsD) and a sub-realm with an InfluxDB, both linked to one grafana.</summary>
    private sealed record Setup(GrafanaStandIn Grafana, JsonObject Item, JsonObject Realm, JsonObject SubRealm, JsonObject Graphite, JsonObject Influx);

    private async Task<Setup> CreateSetup(GrafanaStandIn standIn)
    {
        var realm = await Realm(Unique("gr"));
        var subRealm = await Realm(Unique("sub"), (string)realm["_id"]!);
        var grafana = await Grafana((string)realm["_id"]!, standIn.Port);
        var statsd = await Create("statsd", new JsonObject
        {
            ["name"] = Unique("statsd-"), ["address"] = "127.0.0.1", ["prefix"] = "sd", ["_realm"] = (string)realm["_id"]!,
        });
        var graphite = await Create("graphite", new JsonObject
        {
            ["name"] = Unique("graphite-"), ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1", ["graphite_port"] = 8081,
            ["prefix"] = "carbon", ["grafana"] = (string)grafana["_id"]!, ["statsd"] = (string)statsd["_id"]!,
            ["_realm"] = (string)realm["_id"]!, ["_sub_realm"] = false,
        });
        var influx = await Create("influxdb", new JsonObject
        {
            ["name"] = Unique("influx-"), ["address"] = "127.0.0.1", ["port"] = 8087, ["database"] = "alignak", ["login"] = "writer",
            ["password"] = "pw", ["grafana"] = (string)grafana["_id"]!, ["_realm"] = (string)subRealm["_id"]!,
        });
        return new Setup(standIn, grafana, realm, subRealm, graphite, influx);
    }

    [Fact]
    public async Task Cron_creates_missing_datasources_and_a_dashboard_per_host_and_marks_hosts_and_services()
    {
        await using var standIn = await GrafanaStandIn.StartAsync("secret");
        var setup = await CreateSetup(standIn);
        var graphiteDatasource = $"alignak-graphite-{setup.Graphite["name"]}";
        var influxDatasource = $"alignak-influxdb-{setup.Influx["name"]}";
        var realmName = (string)setup.Realm["name"]!;
        var subRealmName = (string)setup.SubRealm["name"]!;

        var web = await Host(Unique("web-"), (string)setup.Realm["_id"]!);
        var load = await Service(web, "load");
        var quiet = await Service(web, "quiet");
        var db = await Host(Unique("db-"), (string)setup.SubRealm["_id"]!);
        var silent = await Host(Unique("silent-"), (string)setup.Realm["_id"]!);
        var elsewhere = await Host(Unique("elsewhere-"), (string)(await Realm(Unique("other")))["_id"]!);
        await Check(web, null, "rta=14.5ms;100;200;0 pl=0%;20;60;0;100");
        await Check(web, "load", "load1=0.36;15;30;0 load5=0.42;10;25;0");
        await Check(web, "quiet", "");
        await Check(db, null, "'/var space'=4660MB;5904;6642;0;7381");
        await Check(silent, null, "");
        await Check(elsewhere, null, "rta=1ms");
        var webUpdated = (string?)(await Get("host", web))["_updated"];

        var report = await Cron(setup.Item);
        Assert.True((bool)report["connection"]!);
        Assert.Equal([(string)web["name"]!, (string)db["name"]!], Created(report));

        // Datasources: listed with the API key; the graphite one created as well as the influx one.
        var requests = standIn.Requests;
        Assert.All(requests, r => Assert.Equal("Bearer secret", r.Authorization));
        Assert.Equal(("GET", "/api/datasources"), (requests[0].Method, requests[0].Path));
        var created = requests.Where(r => r is { Method: "POST", Path: "/api/datasources" }).Select(r => r.Body!.AsObject()).ToList();
        Assert.Equal(2, created.Count);
        Assert.Equal(
            $$$"""{"name":"{{{graphiteDatasource}}}","type":"graphite","access":"proxy","url":"http://127.0.0.1:8081","basicAuth":false,"basicAuthUser":"","basicAuthPassword":"","withCredentials":false,"isDefault":false,"jsonData":{}}""",
            created[0].ToJsonString());
        Assert.Equal(
            $$$"""{"name":"{{{influxDatasource}}}","type":"influxdb","typeLogoUrl":"","access":"proxy","url":"http://127.0.0.1:8087","password":"pw","user":"writer","database":"alignak","basicAuth":false,"basicAuthUser":"","basicAuthPassword":"","withCredentials":false,"isDefault":false,"jsonData":{}}""",
            created[1].ToJsonString());

        // The web host's dashboard: its own panel, then one per service with perfdata.
        var dashboards = standIn.Dashboards.Select(r => r.Body!.AsObject()).ToList();
        Assert.Equal(2, dashboards.Count);
        var webDashboard = dashboards[0];
        Assert.True((bool)webDashboard["overwrite"]!);
        var dashboard = webDashboard["dashboard"]!;
        Assert.Equal(($"Host: {web["name"]}", """["alignak","host"]""", "utc", "5m"),
            ((string?)dashboard["title"], dashboard["tags"]!.ToJsonString(), (string?)dashboard["timezone"], (string?)dashboard["refresh"]));
        var variables = dashboard["templating"]!["list"]!.AsArray();
        Assert.Equal(("ts_prefix", "carbon", 0), ((string?)variables[0]!["name"], (string?)variables[0]!["query"], (int?)variables[0]!["hide"]));
        Assert.Equal(("statsd_prefix", "sd"), ((string?)variables[1]!["name"], (string?)variables[1]!["query"]));

        var rows = dashboard["rows"]!.AsArray();
        Assert.Equal([$"Host {web["name"]} check alive", "load"], rows.Select(r => (string?)r!["title"]));
        var hostPanel = rows[0]!["panels"]![0]!;
        Assert.Equal(("graph", 1, graphiteDatasource), ((string?)hostPanel["type"], (int?)hostPanel["id"], (string?)hostPanel["datasource"]));
        var path = $"$statsd_prefix.$ts_prefix.All.{realmName}.{web["name"]}";
        Assert.Equal(
            [
                ("A", "rta", $"alias({path}.rta, 'rta')"),
                ("A-w", "rta_warning", $"alias({path}.rta_warning, 'rta (w)')"),
                ("A-c", "rta_critical", $"alias({path}.rta_critical, 'rta (c)')"),
                ("A-m", "rta_min", $"alias({path}.rta_min, 'rta (min)')"),
                ("B", "pl", $"alias({path}.pl, 'pl')"),
                ("B-w", "pl_warning", $"alias({path}.pl_warning, 'pl (w)')"),
                ("B-c", "pl_critical", $"alias({path}.pl_critical, 'pl (c)')"),
                ("B-m", "pl_min", $"alias({path}.pl_min, 'pl (min)')"),
                ("B-M", "pl_max", $"alias({path}.pl_max, 'pl (max)')"),
            ],
            hostPanel["targets"]!.AsArray().Select(t => ((string)t!["refId"]!, (string)t["measurement"]!, (string)t["target"]!)));
        Assert.Equal($$"""[{"key":"host","operator":"=","value":"{{web["name"]}}"}]""", hostPanel["targets"]![0]!["tags"]!.ToJsonString());
        Assert.Contains(hostPanel["seriesOverrides"]!.AsArray(), o => o!.ToJsonString() == """{"alias":"rta (w)","fill":0,"legend":false,"color":"#CCA300"}""");
        Assert.Contains(hostPanel["seriesOverrides"]!.AsArray(), o => o!.ToJsonString() == """{"alias":"rta (c)","fill":0,"legend":false,"color":"#890F02"}""");

        var servicePanel = rows[1]!["panels"]![0]!;
        Assert.Equal(2, (int?)servicePanel["id"]);
        var serviceTargets = servicePanel["targets"]!.AsArray();
        Assert.Equal($"alias({path}.load.load1, 'load1')", (string?)serviceTargets[0]!["target"]);
        Assert.Equal($"alias({path}.load.load5_critical, 'load5 (c)')", (string?)serviceTargets.Single(t => (string?)t!["refId"] == "B-c")!["target"]);
        Assert.Equal($$"""[{"key":"host","operator":"=","value":"{{web["name"]}}"},{"key":"service","operator":"=","value":"load","condition":"AND"}]""",
            serviceTargets[0]!["tags"]!.ToJsonString());

        // The sub-realm's host graphs through InfluxDB, with the names the time-series writer stores.
        var dbPanel = dashboards[1]["dashboard"]!["rows"]![0]!["panels"]![0]!;
        Assert.Equal(influxDatasource, (string?)dbPanel["datasource"]);
        Assert.Equal($"alias(All.{realmName}.{subRealmName}.{db["name"]}._var_space, '/var space')", (string?)dbPanel["targets"]![0]!["target"]);
        Assert.Equal("_var_space", (string?)dbPanel["targets"]![0]!["measurement"]);

        // Marked in REST, with _updated kept (a live-field change).
        Assert.Equal((true, 1), Graphed(await Get("host", web)));
        Assert.Equal(webUpdated, (string?)(await Get("host", web))["_updated"]);
        Assert.Equal((true, 2), Graphed(await Get("service", load)));
        Assert.Equal((false, 0), Graphed(await Get("service", quiet)));
        Assert.Equal((true, 1), Graphed(await Get("host", db)));
        Assert.Equal((false, 0), Graphed(await Get("host", silent)));
        Assert.Equal((false, 0), Graphed(await Get("host", elsewhere)));

        // Nothing new: nothing posted. Then a service gains perfdata: its host's dashboard again.
        Assert.Empty(Created(await Cron(setup.Item)));
        Assert.Equal(2, standIn.Dashboards.Count());
        await Check(web, "quiet", "users=3;5;10");
        Assert.Equal([$"{web["name"]}/quiet"], Created(await Cron(setup.Item)));
        Assert.Equal(3, standIn.Dashboards.Last().Body!["dashboard"]!["rows"]!.AsArray().Count);
        Assert.Equal((true, 3), Graphed(await Get("service", quiet)));
        // The datasources now exist: listed, not created again.
        Assert.Equal(2, standIn.Requests.Count(r => r is { Method: "POST", Path: "/api/datasources" }));

        // forcegenerate: every host of the grafana's realms that has a time-series database.
        Assert.Equal([(string)web["name"]!, (string)db["name"]!, (string)silent["name"]!], Created(await Cron(setup.Item, "?forcegenerate")));
    }

    [Fact]
    public async Task An_existing_datasource_is_used_as_it_is()
    {
        var realm = await Realm(Unique("gr"));
        var graphiteName = Unique("graphite-");
        await using var standIn = await GrafanaStandIn.StartAsync("secret", $"alignak-graphite-{graphiteName}");
        var grafana = await Grafana((string)realm["_id"]!, standIn.Port);
        await Create("graphite", new JsonObject
        {
            ["name"] = graphiteName, ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1",
            ["grafana"] = (string)grafana["_id"]!, ["_realm"] = (string)realm["_id"]!, ["realms_prefix"] = false,
        });
        var host = await Host(Unique("web-"), (string)realm["_id"]!);
        await Check(host, null, "rta=14.5ms");

        Assert.Equal([(string)host["name"]!], Created(await Cron(grafana)));
        Assert.DoesNotContain(standIn.Requests, r => r is { Method: "POST", Path: "/api/datasources" });
        // No prefixes, no realm path.
        var target = standIn.Dashboards.Single().Body!["dashboard"]!["rows"]![0]!["panels"]![0]!["targets"]![0]!;
        Assert.Equal($"alias({host["name"]}.rta, 'rta')", (string?)target["target"]);
    }

    [Fact]
    public async Task A_grafana_that_does_not_answer_is_reported_without_connection()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var realm = await Realm(Unique("gr"));
        var grafana = await Grafana((string)realm["_id"]!, closedPort);
        await Create("graphite", new JsonObject
        {
            ["name"] = Unique("graphite-"), ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1",
            ["grafana"] = (string)grafana["_id"]!, ["_realm"] = (string)realm["_id"]!,
        });
        var host = await Host(Unique("web-"), (string)realm["_id"]!);
        await Check(host, null, "rta=14.5ms");

        var report = await Cron(grafana);
        Assert.Equal("""{"connection":false,"created_dashboards":[]}""", report.ToJsonString());
        Assert.Equal((false, 0), Graphed(await Get("host", host)));
    }

    [Fact]
    public async Task A_grafana_address_that_makes_no_url_is_reported_without_connection()
    {
        var realm = await Realm(Unique("gr"));
        var grafana = await Grafana((string)realm["_id"]!, port: 70000);
        Assert.Equal("""{"connection":false,"created_dashboards":[]}""", (await Cron(grafana)).ToJsonString());
    }

    [Fact]
    public async Task A_refused_api_key_creates_nothing()
    {
        await using var standIn = await GrafanaStandIn.StartAsync("secret");
        var realm = await Realm(Unique("gr"));
        var grafana = await Grafana((string)realm["_id"]!, standIn.Port, apiKey: "wrong");
        await Create("graphite", new JsonObject
        {
            ["name"] = Unique("graphite-"), ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1",
            ["grafana"] = (string)grafana["_id"]!, ["_realm"] = (string)realm["_id"]!,
        });
        var host = await Host(Unique("web-"), (string)realm["_id"]!);
        await Check(host, null, "rta=14.5ms");

        Assert.Equal("""{"connection":true,"created_dashboards":[]}""", (await Cron(grafana)).ToJsonString());
        Assert.Equal(["GET /api/datasources"], standIn.Requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal((false, 0), Graphed(await Get("host", host)));
    }
}

public sealed class SqliteGrafanaCronTests(SqliteFixture fixture) : GrafanaCronTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresGrafanaCronTests(PostgresFixture fixture) : GrafanaCronTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

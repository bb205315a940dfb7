using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Http.Eve;
using Alignak.Http.Grafana;
using Alignak.Http.Settings;
using Alignak.Tests.Api;
using Alignak.Tests.Support;

namespace Alignak.Tests.Grafana;

/// <summary>
/// The SimpleJSON datasource routes (API.md 2.16) on a real backend, on SQLite and PostgreSQL: tables from the live documents, annotations
/// from the history log and the live state, the original's 404 messages and its CORS headers on these routes.
/// The fixture is shared: every test makes its own hosts and looks only at their rows.
/// </summary>
public abstract class GrafanaDatasourceTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private EveClient Admin => fixture.Admin;

    /// <summary>No token: the datasource routes are public, as in the original.</summary>
    private EveClient Anonymous => fixture.Backend.Client();

    private sealed record Site(string Prefix, JsonObject Up, JsonObject Down, JsonObject UpService, JsonObject DownService, long CheckTime);

    /// <summary>
    /// Two hosts and a service on each, checked through the native /checkresult: one host UP with an OK service,
    /// the other DOWN with a CRITICAL service (one attempt, so HARD at once).
    /// </summary>
    private async Task<Site> CreateSite()
    {
        var prefix = "g" + Guid.NewGuid().ToString("N")[..10];
        var realm = (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = prefix }))["_id"]!;
        async Task<JsonObject> Host(string suffix, string alias, params string[] tags) => await fixture.CreateAsync("host", new JsonObject
        {
            ["name"] = $"{prefix}-{suffix}", ["alias"] = alias, ["_realm"] = realm, ["max_check_attempts"] = 1,
            ["business_impact"] = 5, ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray()),
        });
        async Task<JsonObject> Service(JsonObject host) => await fixture.CreateAsync("service", new JsonObject
        {
            ["name"] = "load", ["host"] = (string)host["_id"]!, ["_realm"] = realm, ["max_check_attempts"] = 1,
        });
        var up = await Host("up", "Server up", "t1", "t2");
        var down = await Host("down", "Server down", "t2");
        var upService = await Service(up);
        var downService = await Service(down);

        var checkTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30;
        JsonObject Result(JsonObject host, string? service, int status, string output) => new()
        {
            ["host_name"] = (string)host["name"]!, ["service_name"] = service, ["exit_status"] = status, ["output"] = output,
            ["perf_data"] = "load1=0.5;1;2;0", ["check_time"] = checkTime,
        };
        var (status, body) = await Admin.PostAsync("/checkresult", new JsonArray(
            Result(up, null, 0, "alive"), Result(down, null, 2, "no answer"),
            Result(up, "load", 0, "fine"), Result(down, "load", 2, "overloaded")));
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        // A host's overall state follows its services' through a message between entities: wait for it (bounded).
        for (var i = 0; i < 100 && (int?)(await Get("host", up))["_overall_state_id"] != 0; i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        return new Site(prefix, await Get("host", up), await Get("host", down), await Get("service", upService), await Get("service", downService), checkTime);
    }

    private async Task<JsonObject> Get(string resource, JsonObject document) =>
        (await Admin.GetAsync($"/{resource}/{document["_id"]}")).Body!.AsObject();

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Query(JsonNode body) => await Anonymous.PostAsync("/query", body);

    private static JsonObject Targets(params string[] targets) => new()
    {
        ["range"] = new JsonObject { ["from"] = "2015-12-22T03:06:13.851Z", ["to"] = "2015-12-22T06:48:24.137Z" },
        ["interval"] = "5s",
        ["targets"] = new JsonArray(targets.Select((t, i) => (JsonNode?)new JsonObject { ["refId"] = ((char)('A' + i)).ToString(), ["target"] = t }).ToArray()),
        ["format"] = "json",
    };

    /// <summary>The one table of a successful /query.</summary>
    private async Task<JsonObject> Table(string target)
    {
        var (status, body) = await Query(Targets(target));
        Assert.True(status == HttpStatusCode.OK, $"{target}: {status} {body?.ToJsonString()}");
        return Assert.Single(body!.AsArray())!.AsObject();
    }

    /// <summary>Rows of this site only (first cell of a host table is its name, of a service table its host's).</summary>
    private static List<JsonArray> RowsOf(JsonObject table, Site site) =>
        table["rows"]!.AsArray().Select(r => r!.AsArray()).Where(r => ((string?)r[0])!.StartsWith(site.Prefix + "-", StringComparison.Ordinal)).ToList();

    private static string Date(long epochSeconds) => Rfc1123.Format(DateTimeOffset.FromUnixTimeSeconds(epochSeconds));

    [Fact]
    public async Task Search_lists_the_named_queries_sorted_and_nothing_for_a_metric_search()
    {
        string[] expected =
        [
            "Hosts", "Hosts down", "Hosts problems", "Hosts unreachable", "Hosts up",
            "Services", "Services critical", "Services ok", "Services problems", "Services unreachable", "Services warning",
        ];
        foreach (var body in new[] { new JsonObject(), new JsonObject { ["target"] = "" } })
        {
            var (status, names) = await Anonymous.PostAsync("/search", body);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(expected, names!.AsArray().Select(n => (string?)n));
        }
        var (_, none) = await Anonymous.PostAsync("/search", new JsonObject { ["target"] = "Hosts" });
        Assert.Empty(none!.AsArray());
    }

    [Fact]
    public async Task Named_queries_answer_tables_of_live_hosts_and_services()
    {
        var site = await CreateSite();

        var hosts = await Table("Hosts");
        Assert.Equal("table", (string?)hosts["type"]);
        Assert.Equal(
            """[{"text":"Host name","type":"string"},{"text":"Alias","type":"string"},{"text":"Business impact","type":"integer"},{"text":"Tags","type":"list"},{"text":"Active checks enabled","type":"boolean"},{"text":"Passive checks enabled","type":"boolean"},{"text":"Element overall state","type":"integer"},{"text":"State","type":"string"},{"text":"State identifier","type":"integer"},{"text":"State type","type":"string"},{"text":"Last check time","type":"integer"},{"text":"Acknowledged","type":"boolean"},{"text":"Downtimed","type":"boolean"},{"text":"Grafana identifier","type":"integer"}]""",
            hosts["columns"]!.ToJsonString());
        var date = Date(site.CheckTime);
        Assert.Equal(
            $$"""[["{{site.Prefix}}-up","Server up",5,"t1,t2",true,true,0,"UP",0,"HARD","{{date}}",false,false,0],["{{site.Prefix}}-down","Server down",5,"t2",true,true,4,"DOWN",1,"HARD","{{date}}",false,false,0]]""",
            new JsonArray(RowsOf(hosts, site).Select(r => (JsonNode?)r.DeepClone()).ToArray()).ToJsonString());

        var services = await Table("Services");
        Assert.Equal(15, services["columns"]!.AsArray().Count);
        Assert.Equal("""{"text":"Linked host","type":"objectid"}""", services["columns"]![0]!.ToJsonString());
        Assert.Equal("""{"text":"Service name","type":"string"}""", services["columns"]![1]!.ToJsonString());
        Assert.Equal(
            $$"""[["{{site.Prefix}}-up","load","load",2,"",true,true,0,"OK",0,"HARD","{{date}}",false,false,0],["{{site.Prefix}}-down","load","load",2,"",true,true,4,"CRITICAL",2,"HARD","{{date}}",false,false,0]]""",
            new JsonArray(RowsOf(services, site).Select(r => (JsonNode?)r.DeepClone()).ToArray()).ToJsonString());

        // The file's queries filter on live fields.
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table("Hosts down"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table("Hosts problems"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-up"], RowsOf(await Table("Hosts up"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table("Services critical"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-up"], RowsOf(await Table("Services ok"), site).Select(r => (string?)r[0]));
        Assert.Empty(RowsOf(await Table("Services warning"), site));
        // Templates are not monitored items.
        Assert.DoesNotContain((await Table("Hosts"))["rows"]!.AsArray(), r => (string?)r![0] == "_dummy");
    }

    [Fact]
    public async Task Endpoint_field_value_targets_filter_by_typed_value_or_regex()
    {
        var site = await CreateSite();
        Assert.Equal([$"{site.Prefix}-up"], RowsOf(await Table($"host:name:{site.Prefix}-up"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table("host:ls_state_id:1"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-up"], RowsOf(await Table("host:tags:t1"), site).Select(r => (string?)r[0]));
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table("service:ls_acknowledged:false"), site)
            .Where(r => (string?)r[8] == "CRITICAL").Select(r => (string?)r[0]));
        // A value starting with a slash is a regular expression the field contains.
        var regex = await Table($"host:name:/{site.Prefix}-(up|down)/");
        Assert.Equal([$"{site.Prefix}-up", $"{site.Prefix}-down"], RowsOf(regex, site).Select(r => (string?)r[0]));
        Assert.Equal(2, regex["rows"]!.AsArray().Count);
        Assert.Equal([$"{site.Prefix}-up"], RowsOf(await Table($"host:alias:/ver u"), site).Select(r => (string?)r[0]));
        // A service's host is compared by id, shown by name.
        Assert.Equal([$"{site.Prefix}-down"], RowsOf(await Table($"service:host:{site.Down["_id"]}"), site).Select(r => (string?)r[0]));
    }

    [Fact]
    public async Task Query_errors_are_404s_with_the_original_messages()
    {
        async Task AssertError(JsonNode body, string message)
        {
            var (status, reply) = await Query(body);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(new JsonObject { ["_status"] = "ERR", ["_error"] = new JsonObject { ["code"] = 404, ["message"] = message } }.ToJsonString(),
                reply!.ToJsonString());
        }

        var noTargets = Targets();
        noTargets.Remove("targets");
        await AssertError(noTargets, "Only one target is supported by this datasource.");
        await AssertError(Targets(), "Only one target is supported by this datasource.");
        await AssertError(Targets("Hosts", "Services"), "Only one target is supported by this datasource.");
        await AssertError(Targets("host"), "Bad format for query: host. Query must be something like endpoint:field:value.");
        await AssertError(Targets("host:name"), "Bad format for query: host:name. Query must be something like endpoint:field:value.");
        await AssertError(Targets("user:name:admin"), "Bad endpoint for query: user:name:admin. Only host and service are available.");
        await AssertError(Targets("host:colour:red"), "Bad field name for query: host:colour:red. The host endpoint has no field colour.");
        await AssertError(Targets("host:business_impact:high"), "Bad value for query: host:business_impact:high. The field business_impact is of type integer.");
        await AssertError(Targets("host:active_checks_enabled:maybe"), "Bad value for query: host:active_checks_enabled:maybe. The field active_checks_enabled is of type boolean.");
        var (status, reply) = await Query(Targets("host:name:/(unclosed/"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.StartsWith("Bad value for query: host:name:/(unclosed/.", (string?)reply!["_error"]!["message"]);
    }

    [Fact]
    public async Task Bodies_of_another_shape_get_the_envelope_never_a_500()
    {
        async Task<(HttpStatusCode, string?)> Post(string path, string body, string contentType = "application/json")
        {
            using var response = await Anonymous.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));
            var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, (string?)(reply as JsonObject)?["_error"]?["message"]);
        }

        Assert.Equal(HttpStatusCode.OK, (await Post("/search", "[]")).Item1);
        Assert.Equal((HttpStatusCode.NotFound, "Only one target is supported by this datasource."), await Post("/query", "[1]"));
        Assert.Equal((HttpStatusCode.NotFound, "Only one target is supported by this datasource."), await Post("/query", """{"targets": "Hosts"}"""));
        Assert.Equal((HttpStatusCode.NotFound, "Bad format for query: . Query must be something like endpoint:field:value."),
            await Post("/query", """{"targets": [5]}"""));
        Assert.Equal((HttpStatusCode.NotFound, "Bad format for query: . Query must be something like endpoint:type:target."),
            await Post("/annotations", """{"annotation": "history:monitoring.alert:x"}"""));
        Assert.Equal(HttpStatusCode.OK, (await Post("/annotations", """{"annotation": {"query": "history:monitoring.alert:x"}, "range": "today"}""")).Item1);
        Assert.Equal((HttpStatusCode.BadRequest, RequestBody.BadRequestMessage), await Post("/query", "{not json"));
        Assert.Equal((HttpStatusCode.BadRequest, RequestBody.NoContentTypeMessage), await Post("/annotations", "{}", "text/plain"));
    }

    private static JsonObject AnnotationRequest(string query, JsonNode? from, JsonNode? to) => new()
    {
        ["range"] = new JsonObject { ["from"] = from, ["to"] = to, ["raw"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" } },
        ["rangeRaw"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
        ["annotation"] = new JsonObject
        {
            ["query"] = query, ["iconColor"] = "rgba(255, 96, 96, 1)", ["enable"] = true, ["name"] = "Host alerts", ["datasource"] = "Backend",
        },
    };

    private async Task<JsonArray> Annotations(JsonObject request)
    {
        var (status, body) = await Anonymous.PostAsync("/annotations", request);
        Assert.True(status == HttpStatusCode.OK, $"{status} {body?.ToJsonString()}");
        return body!.AsArray();
    }

    [Fact]
    public async Task History_annotations_are_the_events_of_a_type_for_hosts_and_services_within_the_range()
    {
        var site = await CreateSite();
        var (up, down) = ((string)site.Up["name"]!, (string)site.Down["name"]!);
        foreach (var (host, service, message) in new[] { (up, "load", "first alert"), (down, null, "second alert") })
        {
            var evt = new JsonObject { ["host_name"] = host, ["type"] = "monitoring.alert", ["message"] = message };
            if (service is not null) evt["service_name"] = service;
            var (status, body) = await Admin.PostAsync("/history", evt);
            Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
        }
        var events = await Admin.AllAsync("history", "where=" + Uri.EscapeDataString($$"""{"type":"monitoring.alert","host":"{{site.Up["_id"]}}"}"""));
        var firstUpdated = (string?)Assert.Single(events)["_updated"];

        var now = DateTimeOffset.UtcNow;
        var iso = (DateTimeOffset t) => (JsonNode)t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var request = AnnotationRequest($"history:monitoring.alert:{{{up},{down}}}", iso(now.AddMinutes(-5)), iso(now.AddMinutes(1)));
        var both = await Annotations(request);
        Assert.Equal(2, both.Count);
        Assert.Equal(request["annotation"]!.ToJsonString(), both[0]!["annotation"]!.ToJsonString());
        Assert.Equal(firstUpdated, (string?)both[0]!["time"]);
        Assert.Equal($"{up}/load - first alert", (string?)both[0]!["title"]);
        Assert.Equal("""["monitoring.alert"]""", both[0]!["tags"]!.ToJsonString());
        Assert.Equal("first alert", (string?)both[0]!["text"]);
        Assert.Equal($"{down} - second alert", (string?)both[1]!["title"]);

        // One host (its service events included), one service, an unknown type, a range in the past (RFC 1123 bounds).
        Assert.Equal(["first alert"], (await Annotations(AnnotationRequest($"history:monitoring.alert:{up}", iso(now.AddMinutes(-5)), iso(now.AddMinutes(1)))))
            .Select(a => (string?)a!["text"]));
        Assert.Equal(["first alert"], (await Annotations(AnnotationRequest($"history:monitoring.alert:{{{up},{down}}}:load", iso(now.AddMinutes(-5)), null)))
            .Select(a => (string?)a!["text"]));
        Assert.Empty(await Annotations(AnnotationRequest($"history:monitoring.notification:{up}", iso(now.AddMinutes(-5)), iso(now.AddMinutes(1)))));
        Assert.Empty(await Annotations(AnnotationRequest($"history:monitoring.alert:{up}",
            Rfc1123.Format(now.AddHours(-2)), Rfc1123.Format(now.AddHours(-1)))));

        // The check results' own events.
        var checks = await Annotations(AnnotationRequest($"history:check.result:{down}:load", null, null));
        Assert.Equal($"{down}/load - CRITICAL[HARD] (False/False): overloaded", (string?)Assert.Single(checks)!["title"]);
    }

    [Fact]
    public async Task Livestate_annotations_show_each_hosts_current_state()
    {
        var site = await CreateSite();
        var (up, down) = ((string)site.Up["name"]!, (string)site.Down["name"]!);
        var annotations = await Annotations(AnnotationRequest($"livestate:whatever:{{{up},{down},no-such-host}}", "2015-12-22T03:06:13.851Z", null));
        Assert.Equal(2, annotations.Count);
        Assert.Equal(("Server up", """["t1","t2"]""", $"{up}: UP (HARD) - alive", Date(site.CheckTime)),
            ((string?)annotations[0]!["title"], annotations[0]!["tags"]!.ToJsonString(), (string?)annotations[0]!["text"], (string?)annotations[0]!["time"]));
        Assert.Equal(("Server down", """["t2"]""", $"{down}: DOWN (HARD) - no answer"),
            ((string?)annotations[1]!["title"], annotations[1]!["tags"]!.ToJsonString(), (string?)annotations[1]!["text"]));
        Assert.Equal(up, (string?)Assert.Single(await Annotations(AnnotationRequest($"livestate:x:{up}", null, null)))!["text"]!.ToString().Split(':')[0]);
    }

    [Fact]
    public async Task Annotation_errors_are_404s_with_the_original_messages()
    {
        async Task AssertError(JsonObject request, string message)
        {
            var (status, reply) = await Anonymous.PostAsync("/annotations", request);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal(("ERR", 404, message), ((string?)reply!["_status"], (int?)reply["_error"]!["code"], (string?)reply["_error"]!["message"]));
        }

        await AssertError(AnnotationRequest("fake", null, null), "Bad format for query: fake. Query must be something like endpoint:type:target.");
        await AssertError(new JsonObject(), "Bad format for query: . Query must be something like endpoint:type:target.");
        await AssertError(AnnotationRequest("fake:whatever:{srv001}", null, null),
            "Bad endpoint for query: fake:whatever:{srv001}. Only history and livestate are available.");
        await AssertError(AnnotationRequest("history:monitoring.alert:srv001", "yesterday", null), "Bad range for annotations: from and to must be dates.");
    }

    [Fact]
    public async Task Datasource_routes_answer_with_the_original_cors_headers_and_the_eve_routes_keep_theirs()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/query");
        preflight.Headers.Add("Origin", "http://grafana.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var preflightResponse = await Anonymous.Http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, preflightResponse.StatusCode);
        AssertDatasourceCors(preflightResponse, "http://grafana.example");

        using var search = new HttpRequestMessage(HttpMethod.Post, "/search") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        search.Headers.Add("Origin", "http://grafana.example");
        using var searchResponse = await Anonymous.Http.SendAsync(search);
        AssertDatasourceCors(searchResponse, "http://grafana.example");

        // Without an Origin, the original's Python None; errors get the headers too.
        using var bad = await Anonymous.Http.PostAsync("/query", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
        AssertDatasourceCors(bad, "None");

        // Other routes: the Eve answer, with If-Match allowed, and nothing without an Origin.
        using var version = new HttpRequestMessage(HttpMethod.Get, "/version");
        version.Headers.Add("Origin", "http://grafana.example");
        using var versionResponse = await Anonymous.Http.SendAsync(version);
        Assert.Contains("If-Match", versionResponse.Headers.GetValues("Access-Control-Allow-Headers").Single());
        using var plain = await Anonymous.Http.GetAsync("/version");
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static void AssertDatasourceCors(HttpResponseMessage response, string origin)
    {
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("Content-Type,Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("GET,PUT,POST,DELETE,OPTIONS", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }
}

public sealed class SqliteGrafanaDatasourceTests(SqliteFixture fixture) : GrafanaDatasourceTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresGrafanaDatasourceTests(PostgresFixture fixture) : GrafanaDatasourceTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

/// <summary>One backend with the other Grafana settings: datasource off, IP_CRON set, the dashboards job every second.</summary>
public sealed class GrafanaSettingsFixture : IAsyncLifetime
{
    private TestDatabase _database = null!;
    public InProcessBackend Backend { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        var settings = InProcessBackend.SettingsFor(_database);
        settings.GrafanaDatasource = false;
        settings.IpCron = ["192.0.2.1"];
        settings.SchedulerGrafanaActive = true;
        settings.SchedulerGrafanaPeriod = 1;
        Backend = await InProcessBackend.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>GRAFANA_DATASOURCE off, IP_CRON, SCHEDULER_GRAFANA_ACTIVE, and the queries and tables files.</summary>
public sealed class GrafanaSettingsTests(GrafanaSettingsFixture fixture) : IClassFixture<GrafanaSettingsFixture>
{
    [Fact]
    public async Task Without_the_datasource_setting_its_routes_do_not_exist()
    {
        using var client = fixture.Backend.Client();
        foreach (var path in DatasourceEndpoints.Paths)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            request.Headers.Add("Origin", "http://grafana.example");
            using var response = await client.Http.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("If-Match", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        }
    }

    [Fact]
    public async Task The_api_document_leaves_out_the_datasource_routes_when_they_are_off()
    {
        using var client = fixture.Backend.Client();
        var paths = (await client.GetAsync("/openapi/v1.json")).Body!["paths"]!.AsObject();
        Assert.DoesNotContain(DatasourceEndpoints.Paths, paths.ContainsKey);
        Assert.True(paths.ContainsKey("/cron_grafana"));
    }

    [Fact]
    public async Task Cron_callers_outside_IP_CRON_are_refused_with_the_original_text()
    {
        using var client = fixture.Backend.Client();
        using var response = await client.Http.GetAsync("/cron_grafana");
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(CronEndpoint.DeniedMessage, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_scheduled_job_generates_dashboards_without_a_call()
    {
        await using var standIn = await GrafanaStandIn.StartAsync("secret");
        using var admin = await fixture.Backend.AdminAsync();
        async Task<JsonObject> Create(string resource, JsonObject document)
        {
            var (status, body) = await admin.PostAsync("/" + resource, document);
            Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
            return body!.AsObject();
        }
        var realm = (string)(await admin.FindAsync("realm", "All"))!["_id"]!;
        var grafana = await Create("grafana", new JsonObject
        {
            ["name"] = "scheduled", ["address"] = "127.0.0.1", ["port"] = standIn.Port, ["apikey"] = "secret", ["_realm"] = realm,
        });
        await Create("graphite", new JsonObject
        {
            ["name"] = "scheduled", ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1", ["grafana"] = (string)grafana["_id"]!, ["_realm"] = realm,
        });
        var host = await Create("host", new JsonObject { ["name"] = "scheduled-web", ["_realm"] = realm });
        var (checkStatus, _) = await admin.PostAsync("/checkresult", new JsonObject { ["host_name"] = "scheduled-web", ["exit_status"] = 0, ["perf_data"] = "rta=1ms" });
        Assert.Equal(HttpStatusCode.Created, checkStatus);

        // The job runs every second: wait for its mark on the host (bounded), then look at what Grafana received.
        JsonNode? stored = null;
        for (var i = 0; i < 300 && (bool?)stored?["ls_grafana"] != true; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            stored = (await admin.GetAsync($"/host/{host["_id"]}")).Body;
        }
        Assert.Equal(true, (bool?)stored!["ls_grafana"]);
        Assert.Equal("Host: scheduled-web", (string?)standIn.Dashboards.First().Body!["dashboard"]!["title"]);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("10.0.0.2", "127.0.0.1,10.0.0.2", true)]
    [InlineData("10.0.0.3", "", true)]
    public void IP_CRON_lists_the_callers_allowed_and_an_empty_list_allows_all(string caller, string ipCron, bool allowed) =>
        Assert.Equal(allowed, CronEndpoint.Allowed(IPAddress.Parse(caller), ipCron.Split(',', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void Queries_and_tables_files_replace_the_defaults_and_a_malformed_one_is_a_settings_error()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-grafana-").FullName;
        try
        {
            var queries = Path.Combine(folder, "queries.json");
            var tables = Path.Combine(folder, "tables.json");
            File.WriteAllText(queries, """
                /* one query of our own */
                {"Flapping hosts": {"endpoint": "host", "query": {"ls_state_type": "SOFT"}}}
                """);
            File.WriteAllText(tables, """{"host": ["name", "ls_output"], "service": ["host", "name"]}""");
            var config = DatasourceConfig.Load(new BackendSettings { GrafanaDatasourceQueries = queries, GrafanaDatasourceTables = tables });
            Assert.Equal(["Flapping hosts", "Hosts", "Services"], config.Queries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["name", "ls_output"], config.Tables["host"]);
            Assert.Equal(queries, config.QueriesFile);

            // Not found: the original's shipped defaults.
            var defaults = DatasourceConfig.Load(new BackendSettings { GrafanaDatasourceQueries = Path.Combine(folder, "missing.json") });
            Assert.Equal(11, defaults.Queries.Count);
            Assert.Null(defaults.QueriesFile);

            File.WriteAllText(queries, """{"Broken": {"endpoint": "user", "query": {}}}""");
            var error = Assert.Throws<SettingsException>(() => DatasourceConfig.Load(new BackendSettings { GrafanaDatasourceQueries = queries }));
            Assert.Contains("Broken", error.Message);
            File.WriteAllText(tables, """{"host": ["name", "colour"]}""");
            error = Assert.Throws<SettingsException>(() => DatasourceConfig.Load(new BackendSettings { GrafanaDatasourceTables = tables }));
            Assert.Contains("'colour' is not a field of host", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

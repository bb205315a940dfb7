using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Operations;

/// <summary>Health, metrics, logs and the config check of a real server process, read as an operator's tools would.</summary>
public sealed partial class OperabilityTests
{
    [Fact]
    public async Task Health_endpoints_answer_without_a_token_with_each_check_and_nothing_sensitive()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = await ServerProcess.StartAsync(database);
        using var http = new HttpClient { BaseAddress = server.Address };

        var live = await http.GetAsync("/health/live", TestContext.Current.CancellationToken);
        var ready = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var liveBody = JsonNode.Parse(await live.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var readyText = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var readyBody = JsonNode.Parse(readyText)!;

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (string?)liveBody["status"]);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", (string?)readyBody["status"]);
        var checks = readyBody["checks"]!.AsObject();
        foreach (var name in new[] { "lifecycle", "database", "journal-and-snapshot-store", "akka.cluster.join", "akka.actorsystem" })
            Assert.Equal("Healthy", (string?)checks[name]?["status"]);
        Assert.DoesNotContain(database.ConnectionString, readyText, StringComparison.Ordinal);
        Assert.DoesNotContain("Data Source", readyText, StringComparison.Ordinal);
        // A REST route beside them does need the token: the health routes are open on purpose.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/realm", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Readiness_fails_when_the_database_is_gone_while_liveness_stays_up()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        await using var server = await ServerProcess.StartAsync(database);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

        await database.DropNowAsync();

        var ready = await http.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (string?)body["checks"]!["database"]!["status"]);
        Assert.Equal("Healthy", (string?)body["checks"]!["lifecycle"]!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>One sample line of the Prometheus text format: name, optional labels, value, optional timestamp.</summary>
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (?<value>NaN|[+-]Inf|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?: -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped)|EOF)$""")]
    private static partial Regex CommentLine();

    [GeneratedRegex(""""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"""")]
    private static partial Regex Label();

    /// <summary>Every line parsed strictly; samples keyed by name and sorted labels (the exporter's own scope label left out).</summary>
    private static Dictionary<string, double> ParsePrometheus(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                Assert.Matches(CommentLine(), line);
                if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    Assert.True(types.TryAdd(parts[2], parts[3]), $"TYPE twice for {parts[2]}");
                }
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value)
                .Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Value))
                .Where(l => l.Name != "otel_scope_name" && l.Name != "otel_scope_version")
                .OrderBy(l => l.Name, StringComparer.Ordinal)
                .Select(l => $"{l.Name}={l.Value}");
            var key = $"{match.Groups["name"].Value}{{{string.Join(',', labels)}}}";
            samples[key] = double.Parse(match.Groups["value"].Value.Replace("Inf", "Infinity"), CultureInfo.InvariantCulture);
        }
        Assert.NotEmpty(types);
        return samples;
    }

    private static double Sum(Dictionary<string, double> samples, string name, params string[] labels) =>
        samples.Where(s => s.Key.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => s.Key.Contains(l, StringComparison.Ordinal)))
            .Sum(s => s.Value);

    [Fact]
    public async Task Metrics_are_served_in_Prometheus_text_and_count_what_happened()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = await ServerProcess.StartAsync(database);
        using var client = await server.Client().AsAsync();
        var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "m1" });
        var (created, _) = await client.PostAsync("/service", new JsonArray(Enumerable.Range(0, 3)
            .Select(i => (JsonNode)new JsonObject { ["name"] = $"s{i}", ["host"] = (string)host!["_id"]! }).ToArray()));
        Assert.Equal(HttpStatusCode.Created, created);
        // A live push client sees the results' state messages, which the push counter counts by type.
        await using var live = await LiveClient.ConnectAsync(server.Address, client.Token!);
        await live.SubscribeAsync("all");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/checkresult", new JsonObject
                { ["host_name"] = "m1", ["service_name"] = $"s{i}", ["exit_status"] = 2, ["output"] = "down" })).Status);
        // A list of two in one request: two results, one request.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/checkresult", new JsonArray(
            new JsonObject { ["host_name"] = "m1", ["exit_status"] = 0 }, new JsonObject { ["host_name"] = "m1", ["service_name"] = "s0", ["exit_status"] = 0 }))).Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.PostAsync("/checkresult", new JsonObject
            { ["host_name"] = "m1", ["exit_status"] = 9 })).Status);

        await live.NextAsync(m => (string?)m["type"] == "state", "a state message");
        using var http = new HttpClient { BaseAddress = server.Address };
        var response = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = ParsePrometheus(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(5, Sum(samples, "alignak_checkresults_accepted_total"));
        Assert.True(Sum(samples, "alignak_push_messages_total", "type=state") >= 1);
        Assert.Equal(0, Sum(samples, "alignak_push_messages_total", "type=resync"));
        Assert.Equal(4, Sum(samples, "alignak_checkresult_requests_total", "outcome=accepted"));
        Assert.Equal(1, Sum(samples, "alignak_checkresult_requests_total", "outcome=invalid"));
        Assert.Equal(4, Sum(samples, "alignak_checkresult_duration_seconds_count", "outcome=accepted"));
        Assert.Equal(4, Sum(samples, "alignak_checkresult_duration_seconds_bucket", "outcome=accepted", "le=+Inf"));
        Assert.Equal(0, Sum(samples, "alignak_checkresult_in_flight"));
        Assert.Equal((await client.AllAsync("realm")).Count, Sum(samples, "alignak_index_documents", "resource=realm"));
        Assert.True(Sum(samples, "alignak_index_documents", "resource=service") >= 3);
        Assert.True(Sum(samples, "alignak_index_documents", "resource=host") >= 1);
        Assert.True(Sum(samples, "alignak_group_commit_size_count", "store=SqlJournal") >= 1);
        Assert.True(Sum(samples, "alignak_group_commit_size_sum", "store=SqlJournal") >= 5);
        Assert.Equal(0, Sum(samples, "alignak_timeseries_points_sent_total"));
        // ASP.NET Core's own meter: HTTP requests by route and status.
        Assert.Equal(4, Sum(samples, "http_server_request_duration_seconds_count", "http_route=/checkresult", "http_response_status_code=201"));
        Assert.Equal(1, Sum(samples, "http_server_request_duration_seconds_count", "http_route=/checkresult", "http_response_status_code=422"));
        // The runtime's meter comes with it.
        Assert.Contains(samples.Keys, k => k.StartsWith("process_runtime_dotnet_gc_collections_count_total{", StringComparison.Ordinal)
                                           || k.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task METRICS_false_turns_the_endpoint_off()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = await ServerProcess.StartAsync(database, new Dictionary<string, string> { ["ALIGNAK_BACKEND_METRICS"] = "false" });
        using var client = await server.Client().AsAsync();
        var http = client.Http;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", TestContext.Current.CancellationToken)).StatusCode);
        // With a token, so the answer is the API's own 404 for a route it does not serve.
        var metrics = await http.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.DoesNotContain("# TYPE", await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LOG_FORMAT_json_writes_one_JSON_object_per_line_and_the_access_log_never_shows_a_token_or_password()
    {
        await using var database = TestDatabase.Sqlite();
        const string password = "S3cret-pw!";
        string token;
        await using var server = await ServerProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_LOG_FORMAT"] = "json", ["ALIGNAK_BACKEND_ACCESS_LOG"] = "true",
        });
        using (var admin = await server.Client().AsAsync())
        {
            var (status, _) = await admin.PostAsync("/user", new JsonObject { ["name"] = "ops", ["password"] = password });
            Assert.Equal(HttpStatusCode.Created, status);
        }
        using (var ops = await server.Client().AsAsync("ops", password))
        {
            token = ops.Token!;
            Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/realm")).Status);
            // A token in the query string (as the live push takes it) stays out of the log too.
            Assert.Equal(HttpStatusCode.OK, (await ops.Http.GetAsync($"/health/live?access_token={token}", TestContext.Current.CancellationToken)).StatusCode);
        }
        await server.TerminateAsync(TimeSpan.FromSeconds(10));

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Once its loggers have stopped, the actor system may still print its last lines ("Remoting shut down") in its
        // own text format: that is the only exception, and only after the host logged that it is stopping.
        var stopping = Array.FindIndex(lines, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        Assert.True(stopping > 0, "the stop was logged");
        var entries = lines.Where((line, n) => n < stopping || line.StartsWith('{')).Select(line =>
        {
            try { return JsonNode.Parse(line)!.AsObject(); }
            catch (JsonException e) { throw new Xunit.Sdk.XunitException($"not a JSON log line: {line} ({e.Message})"); }
        }).ToList();
        Assert.All(lines.Skip(stopping).Where(l => !l.StartsWith('{')), l => Assert.Matches(@"^\[(DEBUG|INFO|WARNING|ERROR)\]\[", l));
        var access = entries.Where(e => (string?)e["Category"] == "Alignak.Access").Select(e => (string)e["Message"]!).ToList();
        Assert.Contains(access, m => m.StartsWith("GET /realm 200 ", StringComparison.Ordinal) && m.EndsWith(" ms ops", StringComparison.Ordinal));
        Assert.Contains(access, m => m.StartsWith("POST /login 200 ", StringComparison.Ordinal));
        Assert.Contains(access, m => m.StartsWith("GET /health/live 200 ", StringComparison.Ordinal));
        Assert.Contains(entries, e => ((string?)e["Category"])?.StartsWith("Akka", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(token, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, server.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> CheckAsync(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "alignak-actors.dll"), "--check"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ALIGNAK_BACKEND_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Check_of_good_settings_exits_0_and_reports_the_schema_version()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSql);
        var environment = new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = "postgresql", ["ALIGNAK_BACKEND_DATABASE"] = database.ConnectionString,
        };
        var (emptyCode, emptyOutput, _) = await CheckAsync(environment);
        Assert.Equal(0, emptyCode);
        Assert.Contains("no tables yet", emptyOutput, StringComparison.Ordinal);

        // Once a server created the tables, the check reports their version (and changes nothing).
        await (await ServerProcess.StartAsync(database)).DisposeAsync();
        var (code, output, errors) = await CheckAsync(environment);
        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Contains($"Database: postgresql, reachable, schema version {SchemaMigrations.LatestVersion} (current)", output, StringComparison.Ordinal);
        Assert.Contains("Configuration OK", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_of_bad_settings_exits_2_listing_every_problem()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-check-").FullName;
        try
        {
            var file = Path.Combine(folder, "settings.json");
            await File.WriteAllTextAsync(file, """
                // two bad values in the file
                { "PORT": "http", "DATABASE_PROVIDER": "mongodb", "MONGO_URI": "mongodb://old" }
                """, TestContext.Current.CancellationToken);
            var (code, _, errors) = await CheckAsync(new Dictionary<string, string>
            {
                ["ALIGNAK_BACKEND_CONFIGURATION_FILE"] = file, ["ALIGNAK_BACKEND_PAGINATION_LIMIT"] = "0",
            });
            Assert.Equal(2, code);
            Assert.Contains("Configuration has 3 problems:", errors, StringComparison.Ordinal);
            Assert.Contains("PORT in", errors, StringComparison.Ordinal);
            Assert.Contains("DATABASE_PROVIDER in", errors, StringComparison.Ordinal);
            Assert.Contains("ALIGNAK_BACKEND_PAGINATION_LIMIT", errors, StringComparison.Ordinal);

            // Good values, but a file they name is broken and the database refuses the password: both are listed.
            var broken = Path.Combine(folder, "queries.json");
            await File.WriteAllTextAsync(broken, "{ not json", TestContext.Current.CancellationToken);
            var (dbCode, _, dbErrors) = await CheckAsync(new Dictionary<string, string>
            {
                ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = "postgresql",
                ["ALIGNAK_BACKEND_DATABASE"] = "Host=127.0.0.1;Port=5432;Database=alignak;Username=alignak;Password=wrong-password;Timeout=5",
                ["ALIGNAK_BACKEND_GRAFANA_DATASOURCE_QUERIES"] = broken,
            });
            Assert.Equal(2, dbCode);
            Assert.Contains("DATABASE: cannot connect (postgresql)", dbErrors, StringComparison.Ordinal);
            Assert.Contains("queries.json", dbErrors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

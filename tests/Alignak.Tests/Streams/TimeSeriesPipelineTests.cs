using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Http.Settings;
using Microsoft.Extensions.DependencyInjection;
using Alignak.Tests.Support;

namespace Alignak.Tests.Streams;

/// <summary>
/// A backend on SQLite with its own carbon-cache and influxd (loopback, temp folders, stopped by PID). Parks are
/// small (<see cref="ParkLimit"/> points per database) so an overflow is quick to provoke.
/// </summary>
public sealed class TimeSeriesFixture : IAsyncLifetime
{
    public const int ParkLimit = 100;
    public const string InfluxDatabase = "alignak_test";

    private TestDatabase _database = null!;
    public InProcessBackend Backend { get; private set; } = null!;
    public EveClient Admin { get; private set; } = null!;
    public CarbonServer Carbon { get; } = new();
    public InfluxServer Influx { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Task.WhenAll(Carbon.StartAsync(), Influx.StartWithDatabaseAsync(InfluxDatabase));
        _database = TestDatabase.Sqlite();
        var settings = InProcessBackend.SettingsFor(_database);
        settings.SchedulerTimeseriesPeriod = 1;
        settings.SchedulerTimeseriesLimit = 1000;
        settings.TimeseriesBatchMilliseconds = 100;
        settings.TimeseriesRetentionLimit = ParkLimit;
        settings.TimeseriesTimeout = 2;
        Backend = await InProcessBackend.StartAsync(settings);
        Admin = await Backend.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Backend.DisposeAsync();
        await _database.DisposeAsync();
        await Carbon.DisposeAsync();
        await Influx.DisposeAsync();
    }
}

public sealed class TimeSeriesPipelineTests(TimeSeriesFixture fixture) : IClassFixture<TimeSeriesFixture>
{
    private EveClient Admin => fixture.Admin;
    private CarbonServer Carbon => fixture.Carbon;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task<JsonObject> Create(string resource, JsonObject document)
    {
        var (status, body) = await Admin.PostAsync("/" + resource, document);
        Assert.True(status == HttpStatusCode.Created, $"POST /{resource}: {status} {body?.ToJsonString()}");
        return (await Admin.GetAsync($"/{resource}/{body!["_id"]}")).Body!.AsObject();
    }

    /// <summary>A realm of its own under All (so no other test's database sees its points), its name.</summary>
    private async Task<(string Id, string Name)> Realm()
    {
        var name = $"r{Guid.NewGuid():N}"[..12];
        return ((string)(await Create("realm", new JsonObject { ["name"] = name }))["_id"]!, name);
    }

    private async Task<(JsonObject Host, JsonObject Service)> HostAndService(string realm, string hostName, string serviceName,
        bool hostPerfData = true, bool servicePerfData = true)
    {
        var host = await Create("host", new JsonObject { ["name"] = hostName, ["_realm"] = realm, ["process_perf_data"] = hostPerfData });
        var service = await Create("service", new JsonObject
        {
            ["name"] = serviceName, ["host"] = (string)host["_id"]!, ["_realm"] = realm, ["process_perf_data"] = servicePerfData,
        });
        return (host, service);
    }

    private Task<JsonObject> Graphite(string realm, int port, string prefix = "") => Create("graphite", new JsonObject
    {
        ["name"] = $"g-{Guid.NewGuid():N}", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = port,
        ["graphite_address"] = "127.0.0.1", ["prefix"] = prefix, ["_realm"] = realm,
    });

    private Task<JsonObject> Influx(string realm, string password = InfluxServer.Password) => Create("influxdb", new JsonObject
    {
        ["name"] = $"i-{Guid.NewGuid():N}", ["address"] = "127.0.0.1", ["port"] = fixture.Influx.HttpPort,
        ["database"] = TimeSeriesFixture.InfluxDatabase, ["login"] = InfluxServer.Admin, ["password"] = password, ["_realm"] = realm,
    });

    private async Task PostResults(params JsonObject[] results)
    {
        var (status, reply) = await Admin.PostAsync("/checkresult", new JsonArray(results.Select(r => (JsonNode)r).ToArray()));
        Assert.True(status == HttpStatusCode.Created, $"{status} {reply?.ToJsonString()}");
    }

    private static JsonObject Result(JsonObject service, int exitStatus, string perfData, long checkTime) => new()
    {
        ["host"] = (string)service["host"]!, ["service"] = (string)service["_id"]!, ["exit_status"] = exitStatus,
        ["output"] = "output", ["perf_data"] = perfData, ["check_time"] = checkTime,
    };

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    private async Task<IReadOnlyList<(long Time, double Value)>> WhisperPoints(string path, long from, long until, int expected)
    {
        IReadOnlyList<(long Time, double Value)> points = [];
        await Eventually(async () => (points = await CarbonServer.FetchAsync(Carbon.FileOf(path), from, until)).Count >= expected,
            $"{expected} points in {path} ({points.Count} so far)\n{Carbon.Output}");
        return points;
    }

    /// <summary>The target's parked points, oldest first (timeseriesretention has no route: read from the index).</summary>
    private Task<List<StoredDocument>> Parked(string resource, string id, string? name = null) => Task.FromResult(
        fixture.Backend.Services.GetRequiredService<DocumentIndex>().Collection("timeseriesretention").Read(view => view.All()
            .Where(d => (string?)d[resource] == id && (name is null || (string?)d["name"] == name)).ToList()));

    private async Task<JsonObject> Status() => (await Admin.GetAsync("/cron_timeseries")).Body!.AsObject();

    [Fact]
    public async Task Points_reach_carbon_through_pickle_with_original_names_values_and_timestamps()
    {
        var (realm, realmName) = await Realm();
        var (host, service) = await HostAndService(realm, "srv 01", "Disk C:");
        await Graphite(realm, Carbon.PicklePort, prefix: ".alignak.");
        var t = Now - 30;

        await PostResults(Result(service, 1, "'/tmp'=4660MB;5904;6642;0;7381 load1=0.42 bad=abc", t));
        // The Alignak-compatible path: a stored logcheckresult (a host's own check).
        var (status, body) = await Admin.PostAsync("/logcheckresult", new JsonObject
        {
            ["host"] = (string)host["_id"]!, ["state"] = "UP", ["state_type"] = "HARD", ["state_id"] = 0,
            ["last_state_type"] = "HARD", ["output"] = "ok", ["perf_data"] = "rta=0.5ms;100;500;0", ["last_check"] = t + 1,
        });
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());

        var service_ = $"alignak.All.{realmName}.srv_01.Disk_C";
        var expected = new Dictionary<string, double>
        {
            ["_tmp"] = 4660, ["_tmp_warning"] = 5904, ["_tmp_critical"] = 6642, ["_tmp_min"] = 0, ["_tmp_max"] = 7381,
            ["load1"] = 0.42, ["alignak_state_id"] = 1,
        };
        foreach (var (metric, value) in expected)
            Assert.Equal([(t, value)], await WhisperPoints($"{service_}.{metric}", t - 5, t + 5, 1));
        Assert.False(Directory.Exists(Path.Combine(Carbon.WhisperFolder, "alignak", "All", realmName, "srv_01", "Disk_C", "bad")));

        var hostPath = $"alignak.All.{realmName}.srv_01";
        Assert.Equal([(t + 1, 0.5)], await WhisperPoints($"{hostPath}.rta", t - 5, t + 5, 1));
        Assert.Equal([(t + 1, 100.0)], await WhisperPoints($"{hostPath}.rta_warning", t - 5, t + 5, 1));
        Assert.Equal([(t + 1, 0.0)], await WhisperPoints($"{hostPath}.alignak_state_id", t - 5, t + 5, 1));
    }

    [Fact]
    public async Task Points_reach_influxdb_with_measurement_tags_values_and_timestamps_and_a_wrong_password_parks_them()
    {
        var (realm, realmName) = await Realm();
        var hostName = $"web-{Guid.NewGuid():N}"[..16];
        var (_, service) = await HostAndService(realm, hostName, "http");
        await Influx(realm);
        var wrong = await Influx(realm, password: "not-the-password");
        var t = Now - 40;

        await PostResults(Result(service, 0, "time=0.25s;1;2;0 size=345B;;;0", t), Result(service, 2, "time=1.5s;1;2;0 size=12B;;;0", t + 1));

        IReadOnlyList<JsonObject> rows = [];
        var query = $"SELECT * FROM \"time\" WHERE host = '{hostName}' ORDER BY time";
        await Eventually(async () => (rows = await fixture.Influx.RowsAsync(query, TimeSeriesFixture.InfluxDatabase)).Count == 2,
            $"two points of 'time' ({rows.Count})");
        Assert.Equal([(t, 0.25), (t + 1, 1.5)], rows.Select(r => ((long)r["time"]!, (double)r["value"]!)));
        Assert.All(rows, r => Assert.Equal(($"All.{realmName}", "http"), ((string?)r["realm"], (string?)r["service"])));

        var sizes = await fixture.Influx.RowsAsync($"SELECT value FROM size WHERE host = '{hostName}' ORDER BY time", TimeSeriesFixture.InfluxDatabase);
        Assert.Equal([345.0, 12.0], sizes.Select(r => (double)r["value"]!));
        var states = await fixture.Influx.RowsAsync($"SELECT value FROM alignak_state_id WHERE host = '{hostName}' ORDER BY time", TimeSeriesFixture.InfluxDatabase);
        Assert.Equal([0.0, 2.0], states.Select(r => (double)r["value"]!));

        // InfluxDB refused the other item's credentials: its points wait in the park, none was lost.
        await Eventually(async () => (await Parked("influxdb", (string)wrong["_id"]!, "time")).Count == 2, "two points parked");
        var parked = await Parked("influxdb", (string)wrong["_id"]!, "time");
        Assert.Equal([(t, "0.25"), (t + 1, "1.5")], parked.Select(d => ((long)d["timestamp"]!, (string)d["value"]!)));
    }

    [Fact]
    public async Task Fixing_an_influxdb_password_replays_its_parked_points_without_a_restart()
    {
        var (realm, _) = await Realm();
        var hostName = $"fix-{Guid.NewGuid():N}"[..16];
        var (_, service) = await HostAndService(realm, hostName, "db");
        var influx = await Influx(realm, password: "wrong");
        var id = (string)influx["_id"]!;
        var t = Now - 70;

        await PostResults(Result(service, 0, "v=1.25", t), Result(service, 0, "v=2.25", t + 1));
        await Eventually(async () => (await Parked("influxdb", id, "v")).Count == 2, "two points parked");

        var (status, body) = await Admin.PatchAsync($"/influxdb/{id}", new JsonObject { ["password"] = InfluxServer.Password }, (string?)influx["_etag"]);
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());

        var query = $"SELECT value FROM v WHERE host = '{hostName}' ORDER BY time";
        IReadOnlyList<JsonObject> rows = [];
        await Eventually(async () => (rows = await fixture.Influx.RowsAsync(query, TimeSeriesFixture.InfluxDatabase)).Count == 2, "two points replayed");
        Assert.Equal([(t, 1.25), (t + 1, 2.25)], rows.Select(r => ((long)r["time"]!, (double)r["value"]!)));
        await Eventually(async () => (await Parked("influxdb", id)).Count == 0, "the park emptied");
    }

    [Fact]
    public async Task Carbon_outage_parks_points_and_replays_every_one_once_in_order_when_it_is_back()
    {
        var (realm, realmName) = await Realm();
        var (_, service) = await HostAndService(realm, "outage", "cpu");
        var graphite = await Graphite(realm, Carbon.PicklePort);
        var path = $"All.{realmName}.outage.cpu.v";
        var t0 = Now - 100;

        for (var i = 0; i < 3; i++) await PostResults(Result(service, 0, $"v={i}.5", t0 + i));
        await WhisperPoints(path, t0, t0 + 20, 3);

        await Carbon.StopAsync();
        try
        {
            for (var i = 3; i < 7; i++) await PostResults(Result(service, 0, $"v={i}.5", t0 + i));
            await Eventually(async () => (await Parked("graphite", (string)graphite["_id"]!, "v")).Count == 4, "four points parked");
            var parked = await Parked("graphite", (string)graphite["_id"]!, "v");
            Assert.Equal(Enumerable.Range(3, 4).Select(i => (t0 + i, $"{i}.5")), parked.Select(d => ((long)d["timestamp"]!, (string)d["value"]!)));
            Assert.True((bool?)(await Status())["targets"]!.AsArray().Single(s => (string?)s!["_id"] == (string?)graphite["_id"])!["down"]);
        }
        finally
        {
            await Carbon.StartAsync();
        }
        // Results keep flowing once it is back: they come after the parked ones.
        await PostResults(Result(service, 0, "v=7.5", t0 + 7));

        var points = await WhisperPoints(path, t0, t0 + 20, 8);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (t0 + i, i + 0.5)), points);
        await Eventually(async () => (await Parked("graphite", (string)graphite["_id"]!)).Count == 0, "the park emptied");
        await Eventually(async () => (bool?)(await Status())["targets"]!.AsArray()
            .Single(s => (string?)s!["_id"] == (string?)graphite["_id"])!["down"] == false, "the target up again");
    }

    [Fact]
    public async Task A_full_park_drops_the_oldest_points_and_counts_them_and_a_deleted_target_drops_its_park()
    {
        var (realm, _) = await Realm();
        var (_, service) = await HostAndService(realm, "nobody-listens", "cpu");
        var t0 = Now - 200;
        // Before any database: the service is OK from now on, so the realm's counters stay as they are.
        await PostResults(Result(service, 0, "v=-1", t0 - 1));
        var graphite = await Graphite(realm, OwnServer.FreePort());
        var id = (string)graphite["_id"]!;
        // The realm's livesynthesis counters are sent once to the new database: they are the oldest parked points.
        var counters = Alignak.Actors.Live.LiveSynthesis.Counters.Length;
        await Eventually(async () => (await Parked("graphite", id)).Count == counters, $"{counters} livesynthesis counters parked");
        var before = (long)(await Status())["points_dropped_from_park"]!;

        // 40 results of 3 points (v, alignak_state_id, alignak_overall_state_id): with the counters, 56 too many.
        await PostResults(Enumerable.Range(0, 40).Select(i => Result(service, 0, $"v={i}", t0 + i)).ToArray());

        var excess = counters + 40 * 3 - TimeSeriesFixture.ParkLimit;
        await Eventually(async () => (long)(await Status())["points_dropped_from_park"]! - before == excess, $"{excess} points dropped");
        var parked = await Parked("graphite", id);
        Assert.Equal(TimeSeriesFixture.ParkLimit, parked.Count);
        // The oldest went: the counters, then 20 points: results 0 to 5 and the first two of result 6.
        Assert.DoesNotContain(parked, d => (string?)d["host"] == "alignak_livesynthesis");
        Assert.Equal(Enumerable.Range(7, 33).Select(i => (t0 + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            parked.Where(d => (string?)d["name"] == "v").Select(d => ((long)d["timestamp"]!, (string)d["value"]!)));
        Assert.Equal(t0 + 6, (long)parked[0]["timestamp"]!);
        Assert.Equal("alignak_overall_state_id", (string?)parked[0]["name"]);

        var (status, _) = await Admin.DeleteAsync($"/graphite/{id}", (string?)graphite["_etag"]);
        Assert.Equal(HttpStatusCode.NoContent, status);
        await Eventually(async () => (await Parked("graphite", id)).Count == 0, "the deleted target's park dropped");
        await Eventually(async () => (long)(await Status())["points_dropped_from_park"]! - before == excess + TimeSeriesFixture.ParkLimit,
            "the deleted park counted as dropped");
    }

    [Fact]
    public async Task Targets_created_and_deleted_at_runtime_take_effect_at_once()
    {
        var (realm, realmName) = await Realm();
        var hostName = $"rt-{Guid.NewGuid():N}"[..14];
        var (_, service) = await HostAndService(realm, hostName, "cpu");
        var path = $"All.{realmName}.{hostName}.cpu.v";
        var t0 = Now - 300;
        // Positive control for what must not arrive: InfluxDB in the same realm gets every result.
        await Influx(realm);
        var influxQuery = $"SELECT value FROM v WHERE host = '{hostName}' ORDER BY time";
        async Task WaitInflux(int count) => await Eventually(
            async () => (await fixture.Influx.RowsAsync(influxQuery, TimeSeriesFixture.InfluxDatabase)).Count == count, $"{count} points in influxdb");

        await PostResults(Result(service, 0, "v=1", t0));
        await WaitInflux(1);

        var graphite = await Graphite(realm, Carbon.PicklePort);
        await PostResults(Result(service, 0, "v=2", t0 + 1));
        Assert.Equal([(t0 + 1, 2.0)], await WhisperPoints(path, t0, t0 + 10, 1));

        var (status, _) = await Admin.DeleteAsync($"/graphite/{graphite["_id"]}", (string?)graphite["_etag"]);
        Assert.Equal(HttpStatusCode.NoContent, status);
        await PostResults(Result(service, 0, "v=3", t0 + 2));
        await WaitInflux(3);
        await Task.Delay(500); // carbon writes what it gets at once; give a wrongly sent point its chance to show
        Assert.Equal([(t0 + 1, 2.0)], await CarbonServer.FetchAsync(Carbon.FileOf(path), t0, t0 + 10));
    }

    [Fact]
    public async Task Items_with_process_perf_data_false_send_nothing()
    {
        var (realm, realmName) = await Realm();
        var (quietHost, quietHostService) = await HostAndService(realm, "quiet-host", "cpu", hostPerfData: false);
        var (_, quietService) = await HostAndService(realm, "loud-host", "quiet", servicePerfData: false);
        var loud = await Create("service", new JsonObject { ["name"] = "loud", ["host"] = (string)quietService["host"]!, ["_realm"] = realm });
        await Graphite(realm, Carbon.PicklePort);
        var t = Now - 50;

        await PostResults(
            new JsonObject { ["host"] = (string)quietHost["_id"]!, ["exit_status"] = 0, ["perf_data"] = "v=1", ["check_time"] = t },
            Result(quietHostService, 0, "v=2", t), Result(quietService, 0, "v=3", t), Result(loud, 0, "v=4", t));

        Assert.Equal([(t, 4.0)], await WhisperPoints($"All.{realmName}.loud-host.loud.v", t - 5, t + 5, 1));
        await Task.Delay(500);
        Assert.False(Directory.Exists(Path.Combine(Carbon.WhisperFolder, "All", realmName, "quiet-host")));
        Assert.False(Directory.Exists(Path.Combine(Carbon.WhisperFolder, "All", realmName, "loud-host", "quiet")));
    }

    [Fact]
    public async Task Databases_of_an_ancestor_realm_get_the_points_only_with_sub_realm_true()
    {
        var (parent, parentName) = await Realm();
        var childName = $"c{Guid.NewGuid():N}"[..12];
        var child = (string)(await Create("realm", new JsonObject { ["name"] = childName, ["_parent"] = parent }))["_id"]!;
        var (_, service) = await HostAndService(child, "deep", "cpu");
        await Create("graphite", new JsonObject
        {
            ["name"] = $"g-{Guid.NewGuid():N}", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = Carbon.PicklePort,
            ["graphite_address"] = "127.0.0.1", ["prefix"] = "nosub", ["_realm"] = parent, ["_sub_realm"] = false,
        });
        await Graphite(parent, Carbon.PicklePort, prefix: "sub");
        await Graphite(child, Carbon.PicklePort, prefix: "own");
        var t = Now - 60;

        await PostResults(Result(service, 0, "v=7", t));

        var path = $"All.{parentName}.{childName}.deep.cpu.v";
        Assert.Equal([(t, 7.0)], await WhisperPoints($"sub.{path}", t - 5, t + 5, 1));
        Assert.Equal([(t, 7.0)], await WhisperPoints($"own.{path}", t - 5, t + 5, 1));
        await Task.Delay(500);
        // (The parent realm's own livesynthesis counters do reach it.)
        Assert.False(Directory.Exists(Path.Combine(Carbon.WhisperFolder, "nosub", "All", parentName, childName)));
    }

    [Fact]
    public async Task A_graphite_linked_to_a_statsd_sends_statsd_lines_over_udp_instead_of_carbon()
    {
        using var statsd = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)statsd.Client.LocalEndPoint!).Port;
        var (realm, realmName) = await Realm();
        var (_, service) = await HostAndService(realm, "udp", "web");
        var statsdItem = await Create("statsd", new JsonObject
        {
            ["name"] = $"s-{Guid.NewGuid():N}", ["address"] = "127.0.0.1", ["port"] = port, ["_realm"] = realm,
        });
        await Create("graphite", new JsonObject
        {
            ["name"] = $"g-{Guid.NewGuid():N}", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = Carbon.PicklePort,
            ["graphite_address"] = "127.0.0.1", ["prefix"] = "st", ["statsd"] = (string)statsdItem["_id"]!, ["_realm"] = realm,
        });

        await PostResults(Result(service, 0, "time=0.5s temp=-3 hits=12h", Now - 10));

        // The realm's livesynthesis counters go to the same StatsD whenever they change: only the service's lines count.
        var key = $"st.All.{realmName}.udp.web";
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(Patience);
        while (lines.Count < 4)
        {
            var datagram = await statsd.ReceiveAsync(timeout.Token);
            lines.AddRange(System.Text.Encoding.UTF8.GetString(datagram.Buffer).Split('\n').Where(line => line.StartsWith(key + ".", StringComparison.Ordinal)));
        }
        Assert.Equal([$"{key}.time:0.500000|ms", $"{key}.temp:0|g", $"{key}.temp:-3|g", $"{key}.hits:12|c"], lines);
        Assert.False(Directory.Exists(Path.Combine(Carbon.WhisperFolder, "st")));
    }

    [Fact]
    public async Task Livesynthesis_counters_of_a_realm_with_a_database_are_sent_as_host_alignak_livesynthesis()
    {
        var (realm, realmName) = await Realm();
        await Graphite(realm, Carbon.PicklePort, prefix: "ls");
        var (_, service) = await HostAndService(realm, "counted", "cpu", servicePerfData: false);
        await PostResults(Result(service, 2, "", Now - 5));

        var path = $"ls.All.{realmName}.alignak_livesynthesis";
        async Task<double?> Latest(string counter) =>
            (await CarbonServer.FetchAsync(Carbon.FileOf($"{path}.{counter}"), Now - 600, Now + 1)).Select(p => (double?)p.Value).LastOrDefault();
        // One attempt (the default max_check_attempts): CRITICAL HARD at once. Counters are sent each second when changed.
        // Carbon writes each counter's file on its own, so each is awaited, not only the first.
        foreach (var (counter, value) in new[] { ("services_critical_hard", 1), ("hosts_total", 1), ("services_total", 1), ("services_ok_hard", 0) })
            await Eventually(async () => await Latest(counter) == value, $"{counter} = {value} in {path}");
    }

    [Fact]
    public async Task Cron_timeseries_answers_the_counters_in_the_envelope_world_not_a_500()
    {
        var (status, body) = await fixture.Backend.Client().GetAsync("/cron_timeseries");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("ERR", (string?)body?["_status"]);
        var counters = await Status();
        Assert.Equal(TimeSeriesFixture.ParkLimit, (int?)counters["park_limit"]);
        Assert.NotNull(counters["points_sent"]);
    }
}

/// <summary>The settings of the pipeline read from their keys.</summary>
public sealed class TimeSeriesSettingsTests
{
    [Fact]
    public void Timeseries_keys_are_read_and_checked()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-settings-").FullName;
        try
        {
            var file = Path.Combine(folder, "settings.json");
            File.WriteAllText(file, """{"TIMESERIES_RETENTION_LIMIT": 7, "TIMESERIES_QUEUE_SIZE": 9, "TIMESERIES_BATCH_SIZE": 11, "TIMESERIES_BATCH_MILLISECONDS": 13, "TIMESERIES_TIMEOUT": 3, "SCHEDULER_TIMESERIES_LIMIT": 5, "SCHEDULER_TIMESERIES_PERIOD": 4}""");
            var settings = SettingsLoader.Load(new Dictionary<string, string> { [SettingsLoader.FileVariable] = file }, []);
            var options = Http.TimeSeries.TimeSeriesFeed.Options(settings);
            Assert.Equal((7, 9, 11, 13.0, 3.0, 5, 4.0), (settings.TimeseriesRetentionLimit, options.QueueSize, options.BatchSize,
                options.Interval.TotalMilliseconds, options.WriteTimeout.TotalSeconds, options.ReplayChunk, options.MaxBackoff.TotalSeconds));

            File.WriteAllText(file, """{"TIMESERIES_RETENTION_LIMIT": 0}""");
            var error = Assert.Throws<SettingsException>(() => SettingsLoader.Load(new Dictionary<string, string> { [SettingsLoader.FileVariable] = file }, []));
            Assert.Contains("TIMESERIES_RETENTION_LIMIT", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

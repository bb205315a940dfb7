using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Operations;

/// <summary>
/// An influxdb item with a token goes through InfluxDB.Client's v2 write API. Tested against VictoriaMetrics, which
/// accepts <c>/api/v2/write</c> (no InfluxDB 2.x in Debian): values and timestamps read back, an outage parked and replayed.
/// </summary>
public sealed class InfluxV2Tests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"not after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Points_reach_a_v2_server_with_values_and_timestamps_and_an_outage_is_parked_then_replayed()
    {
        await using var victoria = new VictoriaMetricsServer();
        await victoria.StartAsync();
        await using var database = TestDatabase.Sqlite();
        var settings = InProcessBackend.SettingsFor(database);
        settings.SchedulerTimeseriesPeriod = 1;
        settings.TimeseriesBatchMilliseconds = 100;
        settings.TimeseriesTimeout = 2;
        await using var backend = await InProcessBackend.StartAsync(settings);
        using var admin = await backend.AdminAsync();

        var realm = (string)(await admin.FindAsync("realm", "All"))!["_id"]!;
        var (status, influx) = await admin.PostAsync("/influxdb", new JsonObject
        {
            ["name"] = "v2", ["address"] = "127.0.0.1", ["port"] = victoria.HttpPort, ["database"] = "alignak",
            ["login"] = "unused", ["password"] = "unused", ["_realm"] = realm,
            ["token"] = "a-v2-token", ["organization"] = "monitoring", ["bucket"] = "perf",
        });
        Assert.True(status == HttpStatusCode.Created, influx?.ToJsonString());
        var (_, host) = await admin.PostAsync("/host", new JsonObject { ["name"] = "v2host" });
        var (_, service) = await admin.PostAsync("/service", new JsonObject { ["name"] = "http", ["host"] = (string)host!["_id"]! });
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;

        async Task Post(string perfData, long time)
        {
            var (code, reply) = await admin.PostAsync("/checkresult", new JsonObject
            {
                ["host_name"] = "v2host", ["service_name"] = "http", ["exit_status"] = 0, ["perf_data"] = perfData, ["check_time"] = time,
            });
            Assert.True(code == HttpStatusCode.Created, reply?.ToJsonString());
        }

        await Post("time=0.25s;1;2;0", t);
        await Post("time=1.5s;1;2;0", t + 1);
        const string selector = """{__name__="time_value",host="v2host",service="http"}""";
        IReadOnlyList<(long Time, double Value)> points = [];
        await Eventually(async () => (points = await victoria.ExportAsync(selector)).Count == 2, $"two points ({points.Count})\n{victoria.Output}");
        Assert.Equal([(t, 0.25), (t + 1, 1.5)], points);

        // Outage: the points are parked in timeseriesretention, and sent once the server is back (same port, same data).
        await victoria.StopAsync();
        await Post("time=2.75s;1;2;0", t + 2);
        await Post("time=3.5s;1;2;0", t + 3);
        await Eventually(async () => (int?)(await admin.GetAsync("/cron_timeseries")).Body!["points_parked"] >= 2, "points parked");
        Assert.True(backend.Services.GetRequiredService<Alignak.Actors.Documents.DocumentIndex>().Collection("timeseriesretention").Count >= 2);

        await victoria.StartAsync();
        await Eventually(async () => (points = await victoria.ExportAsync(selector)).Count == 4, $"four points after the replay ({points.Count})");
        Assert.Equal([(t, 0.25), (t + 1, 1.5), (t + 2, 2.75), (t + 3, 3.5)], points);
        await Eventually(async () => (int?)(await admin.GetAsync("/cron_timeseries")).Body!["points_replayed"] >= 2, "points counted as replayed");

        // The per-database counters at /metrics (the name "v2" is this test's own).
        var metrics = await admin.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        foreach (var (outcome, atLeast) in new[] { ("sent", 2), ("parked", 2), ("replayed", 2) })
        {
            var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith("alignak_timeseries_database_points_total{", StringComparison.Ordinal)
                && l.Contains("database=\"v2\"", StringComparison.Ordinal) && l.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal));
            Assert.True(line is not null, $"no {outcome} line for v2 in:\n{metrics}");
            Assert.True(double.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture) >= atLeast, line);
        }
    }
}

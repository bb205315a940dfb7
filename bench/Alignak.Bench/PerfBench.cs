using System.Diagnostics;
using System.Text.Json.Nodes;
using Alignak.Http.Settings;
using Alignak.Http.TimeSeries;
using Alignak.Streams.TimeSeries;
using Alignak.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Performance data (issue 7): points/s from check results to carbon (pickle) and to InfluxDB 1.x through the
/// pipeline alone, its CPU and allocations per point, and check-result ingestion over HTTP without and with both
/// databases configured. Starts its own carbon-cache and influxd on loopback ports, stops them by PID. Bounded: a fixed
/// number of rounds and seconds per phase.
/// </summary>
public static class PerfBench
{
    private const string Database = "alignak_bench";
    /// <summary>Bound of one pipeline phase, whatever happens.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static async Task RunAsync(BackendSettings settings, int hosts, int services, int seconds, int rounds)
    {
        await using var carbon = new CarbonServer(retentions: "1s:10m");
        await using var influx = new InfluxServer();
        await Task.WhenAll(carbon.StartAsync(), influx.StartWithDatabaseAsync(Database));

        var (app, http) = await BenchHttp.StartAsync(settings);
        var realm = (string)(await BenchHttp.Get(http, "/realm?where=" + Uri.EscapeDataString("""{"name":"All"}""")))["_items"]![0]!["_id"]!;
        var perHost = Math.Max(1, services / hosts);
        var hostIds = new List<string>();
        for (var start = 0; start < hosts; start += 1000)
            hostIds.AddRange((await BenchHttp.Post(http, "/host", new JsonArray(Enumerable.Range(start, Math.Min(1000, hosts - start))
                .Select(i => (JsonNode)new JsonObject { ["name"] = $"host-{i:D5}", ["_realm"] = realm }).ToArray())))["_items"]!
                .AsArray().Select(r => (string)r!["_id"]!));
        var items = new List<(string Host, string Service)>();
        for (var start = 0; start < services; start += 1000)
        {
            var range = Enumerable.Range(start, Math.Min(1000, services - start)).ToList();
            var created = (await BenchHttp.Post(http, "/service", new JsonArray(range.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = $"svc-{i:D5}", ["host"] = hostIds[i / perHost % hostIds.Count], ["_realm"] = realm,
            }).ToArray())))["_items"]!.AsArray();
            items.AddRange(range.Select((i, k) => (hostIds[i / perHost % hostIds.Count], (string)created[k]!["_id"]!)));
        }
        Console.WriteLine($"setup: {hosts} hosts, {services} services; carbon pickle port {carbon.PicklePort}, influxd port {influx.HttpPort}");

        var feed = app.Services.GetRequiredService<TimeSeriesFeed>();
        var pipeline = feed.Pipeline!;
        // Timestamps one per round, inside carbon's 10 minutes, all distinct per series.
        var firstTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 500;

        await Ingest(http, items, seconds, "without targets", firstTime + rounds + 10);

        var graphite = await BenchHttp.Post(http, "/graphite", new JsonObject
        {
            ["name"] = "bench-carbon", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = carbon.PicklePort,
            ["graphite_address"] = "127.0.0.1", ["_realm"] = realm,
        });
        await PipelineAlone(pipeline, items, rounds, firstTime, "carbon (pickle)", carbon);
        // Carbon has every point in its cache; writing 30k new whisper files takes it a while longer.
        var written = Stopwatch.StartNew();
        var probe = carbon.FileOf($"All.host-{hosts - 1:D5}.svc-{services - 1:D5}.v");
        while ((await CarbonServer.FetchAsync(probe, firstTime, firstTime + rounds)).Count < rounds && written.Elapsed < TimeSpan.FromSeconds(180))
            await Task.Delay(500);
        Console.WriteLine($"  check: the last series has {(await CarbonServer.FetchAsync(probe, firstTime, firstTime + rounds)).Count} of {rounds} points in whisper, " +
            $"{written.Elapsed.TotalSeconds:F0} s after the pipeline was done (carbon creating its files)");
        await Delete(http, "graphite", graphite);

        var influxItem = await BenchHttp.Post(http, "/influxdb", new JsonObject
        {
            ["name"] = "bench-influx", ["address"] = "127.0.0.1", ["port"] = influx.HttpPort, ["database"] = Database,
            ["login"] = InfluxServer.Admin, ["password"] = InfluxServer.Password, ["_realm"] = realm,
        });
        await PipelineAlone(pipeline, items, rounds, firstTime, "influxdb (/write)", influx);
        var count = await influx.QueryAsync("SELECT count(value) FROM v", Database);
        Console.WriteLine($"  check: InfluxDB counts {count["series"]?[0]?["values"]?[0]?[1]} points of v ({rounds * items.Count} sent)");

        graphite = await BenchHttp.Post(http, "/graphite", new JsonObject
        {
            ["name"] = "bench-carbon-2", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = carbon.PicklePort,
            ["graphite_address"] = "127.0.0.1", ["_realm"] = realm,
        });
        var before = Snapshot(pipeline);
        var databasesCpu = carbon.ProcessorTime + influx.ProcessorTime;
        await Ingest(http, items, seconds, "with carbon and influxdb", firstTime + rounds + 100);
        Console.WriteLine($"  carbon and influxd used {(carbon.ProcessorTime + influx.ProcessorTime - databasesCpu).TotalSeconds / seconds:F2} cores meanwhile (same 2 cores)");
        var drain = Stopwatch.StartNew();
        // Drained once nothing moved for a second (bounded).
        for (var last = Snapshot(pipeline); drain.Elapsed < TimeSpan.FromSeconds(120);)
        {
            await Task.Delay(1000);
            var now = Snapshot(pipeline);
            if (now == last) break;
            last = now;
        }
        var after = Snapshot(pipeline);
        Console.WriteLine($"  pipeline after it: {after.Sent - before.Sent} points sent, {after.Parked - before.Parked} parked, " +
            $"{after.DroppedAtIngress - before.DroppedAtIngress} check results dropped at the queue; drained {drain.Elapsed.TotalSeconds:F1} s after the last reply");

        // The same ingestion once more without databases: the log tables have grown meanwhile, so this tells drift from cost.
        await Delete(http, "graphite", graphite);
        await Delete(http, "influxdb", influxItem);
        await Task.Delay(1000);
        await Ingest(http, items, seconds, "without targets, again", firstTime + rounds + 200);

        await app.StopAsync();
        await app.DisposeAsync();
        http.Dispose();
    }

    /// <summary>Counters of the pipeline at one moment.</summary>
    private sealed record Counters(long Offered, long Sent, long Parked, long DroppedAtIngress);

    private static Counters Snapshot(TimeSeriesPipeline pipeline) => new(Interlocked.Read(ref pipeline.Status.Offered),
        Interlocked.Read(ref pipeline.Status.PointsSent), Interlocked.Read(ref pipeline.Status.PointsParked),
        Interlocked.Read(ref pipeline.Status.DroppedAtIngress));

    /// <summary>
    /// Check results straight into the pipeline (no HTTP), <paramref name="rounds"/> per service, kept at most half a
    /// queue ahead of what was sent so nothing is dropped: sustained points/s, CPU and allocations of the pipeline.
    /// </summary>
    private static async Task PipelineAlone(TimeSeriesPipeline pipeline, List<(string Host, string Service)> items, int rounds,
        long firstTime, string target, OwnServer server)
    {
        var serverCpu = server.ProcessorTime;
        const int pointsPerCheck = 3; // v, alignak_state_id, alignak_overall_state_id
        var startSent = Interlocked.Read(ref pipeline.Status.PointsSent);
        var startParked = Interlocked.Read(ref pipeline.Status.PointsParked);
        var total = (long)rounds * items.Count;
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long offered = 0, peakHeap = 0;
        long Done() => (Interlocked.Read(ref pipeline.Status.PointsSent) - startSent + Interlocked.Read(ref pipeline.Status.PointsParked) - startParked) / pointsPerCheck;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (host, service) in items)
            {
                while (offered - Done() > 4_000 && watch.Elapsed < Limit) await Task.Delay(1);
                // False until the pipeline has seen the new target (a change is applied asynchronously).
                while (!pipeline.Offer(new PerfCheck(host, service, $"v={round}.{offered % 1000}", firstTime + round, 0)) && watch.Elapsed < Limit)
                    await Task.Delay(10);
                offered++;
            }
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
        }
        while (Done() < total && watch.Elapsed < Limit) await Task.Delay(5);
        var elapsed = watch.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var sent = Interlocked.Read(ref pipeline.Status.PointsSent) - startSent;
        var perPoint = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)Math.Max(1, sent);
        Console.WriteLine($"pipeline to {target}: {sent} points in {elapsed:F1} s = {sent / elapsed:F0} points/s " +
            $"({total} check results, {Interlocked.Read(ref pipeline.Status.PointsParked) - startParked} points parked); " +
            $"backend CPU {used / elapsed:F2} cores of 2 ({used * 1e6 / Math.Max(1, sent):F1} µs per point), the database's {(server.ProcessorTime - serverCpu).TotalSeconds / elapsed:F2}; " +
            $"allocated {perPoint:F0} B per point; managed heap {heapBefore / 1048576.0:F0} MiB before, peak {peakHeap / 1048576.0:F0} MiB");
    }

    /// <summary>Native check results over HTTP: batches of 100 from 4 connections for <paramref name="seconds"/>.</summary>
    private static async Task Ingest(HttpClient auth, List<(string Host, string Service)> items, int seconds, string name, long time)
    {
        var clients = Enumerable.Range(0, 4).Select(_ => new HttpClient { BaseAddress = auth.BaseAddress }).ToList();
        foreach (var client in clients) client.DefaultRequestHeaders.Authorization = auth.DefaultRequestHeaders.Authorization;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var next = -1;
        var results = 0L;
        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            while (wall.Elapsed.TotalSeconds < seconds)
            {
                var start = Interlocked.Add(ref next, 100) - 99;
                var batch = new JsonArray(Enumerable.Range(start, 100).Select(k =>
                {
                    var (host, service) = items[k % items.Count];
                    return (JsonNode)new JsonObject
                    {
                        ["host"] = host, ["service"] = service, ["exit_status"] = 0, ["output"] = "ok",
                        ["perf_data"] = $"v={k}", ["check_time"] = time + k / items.Count,
                    };
                }).ToArray());
                await BenchHttp.Post(client, "/checkresult", batch);
                Interlocked.Add(ref results, 100);
            }
        })));
        var elapsed = wall.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"ingestion {name}: {results / elapsed:F0} results/s (batches of 100, 4 connections, {elapsed:F0} s), CPU {used / elapsed:F2} cores of 2 (client included)");
        foreach (var client in clients) client.Dispose();
    }

    private static async Task Delete(HttpClient http, string resource, JsonNode item)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/{resource}/{item["_id"]}");
        request.Headers.TryAddWithoutValidation("If-Match", (string)item["_etag"]!);
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }
}

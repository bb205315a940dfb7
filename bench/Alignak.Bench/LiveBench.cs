using System.Diagnostics;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Http.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Live-state ingestion (issue 5): native check results in batches and one by one, visibility after the reply,
/// a state filter, CPU and memory, and the recovery of every entity on restart. Client and server share the
/// process (and the 2 cores), so the server's figures are pessimistic.
/// </summary>
public static class LiveBench
{
    public static async Task RunAsync(BackendSettings settings, int hosts, int services, int seconds)
    {
        var (app, http) = await BenchHttp.StartAsync(settings);
        var perHost = Math.Max(1, services / hosts);
        var watch = Stopwatch.StartNew();
        var hostIds = new List<string>();
        for (var start = 0; start < hosts; start += 1000)
        {
            var batch = new JsonArray(Enumerable.Range(start, Math.Min(1000, hosts - start))
                .Select(i => (JsonNode)new JsonObject { ["name"] = $"host-{i:D6}", ["max_check_attempts"] = 2 }).ToArray());
            hostIds.AddRange((await BenchHttp.Post(http, "/host", batch))["_items"]!.AsArray().Select(r => (string)r!["_id"]!));
        }
        var serviceIds = new List<(string Host, string Service)>();
        var batchSeconds = new List<double>();
        for (var start = 0; start < services; start += 1000)
        {
            var batchWatch = Stopwatch.StartNew();
            var range = Enumerable.Range(start, Math.Min(1000, services - start)).ToList();
            var batch = new JsonArray(range.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = $"svc-{i:D6}", ["host"] = hostIds[i / perHost % hostIds.Count], ["max_check_attempts"] = 3,
            }).ToArray());
            var created = (await BenchHttp.Post(http, "/service", batch))["_items"]!.AsArray();
            serviceIds.AddRange(range.Select((i, k) => (hostIds[i / perHost % hostIds.Count], (string)created[k]!["_id"]!)));
            batchSeconds.Add(batchWatch.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"setup: {hosts} hosts and {services} services with their entities in {watch.Elapsed.TotalSeconds:F1} s ({settings.DatabaseProvider}); " +
            $"bulk POSTs of 1000 services: first {batchSeconds[0]:F2} s, last {batchSeconds[^1]:F2} s");

        var index = app.Services.GetRequiredService<DocumentIndex>();
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1_000_000;
        var counter = 0L;
        JsonObject Result(int k)
        {
            var n = Interlocked.Increment(ref counter);
            var (host, service) = serviceIds[k % serviceIds.Count];
            return new JsonObject
            {
                ["host"] = host, ["service"] = service, ["exit_status"] = (int)(n / serviceIds.Count % 3), ["output"] = $"result {n}",
                ["perf_data"] = "time=0.012s;1;2;0 size=1234B", ["check_time"] = time + n / serviceIds.Count,
            };
        }

        // Batches of 100, four senders.
        await Measure(app, "batches of 100, 4 connections", seconds, 4, 100, http, async (client, i) =>
            await BenchHttp.Post(client, "/checkresult", new JsonArray(Enumerable.Range(i * 100, 100).Select(k => (JsonNode)Result(k)).ToArray())));
        // One result per request, eight connections.
        await Measure(app, "one per request, 8 connections", seconds, 8, 1, http, async (client, i) => await BenchHttp.Post(client, "/checkresult", Result(i)));

        // Visibility: the index holds the result when the reply arrives; a GET right after shows it.
        var visible = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var result = Result(i * 7919);
            await BenchHttp.Post(http, "/checkresult", result);
            var replied = Stopwatch.StartNew();
            var id = (string)result["service"]!;
            while ((string?)index.Collection("service").Get(id)?["ls_output"] != (string?)result["output"]) await Task.Yield();
            var shown = await BenchHttp.Get(http, $"/service/{id}");
            if ((string?)shown["ls_output"] != (string?)result["output"]) throw new InvalidOperationException("a replied result was not visible");
            visible.Add(replied.Elapsed.TotalMilliseconds);
        }
        visible.Sort();
        Console.WriteLine($"visible in GET after the reply (includes the GET): p50 {visible[100]:F2} ms, p99 {visible[198]:F2} ms");

        var filter = "/service?max_results=50&where=" + Uri.EscapeDataString("""{"ls_state":"CRITICAL"}""");
        var timings = new List<double>();
        for (var i = 0; i < 105; i++)
        {
            var w = Stopwatch.StartNew();
            await BenchHttp.Get(http, filter);
            if (i >= 5) timings.Add(w.Elapsed.TotalMilliseconds);
        }
        timings.Sort();
        Console.WriteLine($"state filter over {services} services (first page of 50): p50 {timings[50]:F2} ms, p99 {timings[98]:F2} ms");

        GC.Collect();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"memory: managed heap {heap / 1048576.0:F0} MiB = {heap / (double)(hosts + services) / 1024:F1} KiB per item (index, entities, everything); working set {Process.GetCurrentProcess().WorkingSet64 / 1048576.0:F0} MiB");

        await app.StopAsync();
        await app.DisposeAsync();
        http.Dispose();
        watch.Restart();
        (app, http) = await BenchHttp.StartAsync(settings);
        Console.WriteLine($"restart: ready with {hosts + services} entities recovered in {watch.Elapsed.TotalSeconds:F1} s");
        await app.StopAsync();
        await app.DisposeAsync();
        http.Dispose();
    }

    private static async Task Measure(WebApplication app, string name, int seconds, int connections, int perRequest, HttpClient auth,
        Func<HttpClient, int, Task> send)
    {
        var clients = Enumerable.Range(0, connections).Select(_ => new HttpClient { BaseAddress = auth.BaseAddress }).ToList();
        foreach (var client in clients) client.DefaultRequestHeaders.Authorization = auth.DefaultRequestHeaders.Authorization;
        var latencies = new List<double>[connections];
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            latencies[c] = [];
            while (wall.Elapsed.TotalSeconds < seconds)
            {
                var w = Stopwatch.StartNew();
                await send(clients[c], Interlocked.Increment(ref next));
                latencies[c].Add(w.Elapsed.TotalMilliseconds);
            }
        })));
        var elapsed = wall.Elapsed.TotalSeconds;
        var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine($"{name}: {all.Count * perRequest / elapsed:F0} results/s, request p50 {all[all.Count / 2]:F2} ms, p99 {all[all.Count * 99 / 100]:F2} ms, CPU {used / elapsed:F2} cores of 2 (client included), {all.Count} requests in {elapsed:F0} s");
        foreach (var client in clients) client.Dispose();
    }
}

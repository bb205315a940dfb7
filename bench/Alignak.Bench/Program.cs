using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Http.Settings;
using Alignak.Persistence;
using Microsoft.Extensions.DependencyInjection;

// Configuration benchmarks on a real server (Kestrel on 127.0.0.1, SQLite or PostgreSQL):
// - reads (default): loads hosts and services through the REST API, then times the queries clients make most;
// - templates (mode=templates): 1000 hosts from a host template with five service templates, then one
//   service-template edit propagated to the 1000 services made from it.
// - live (mode=live): check-result ingestion, visibility, state filter, memory and recovery (LiveBench.cs).
// - push (mode=push): live push delivery latency to many SignalR clients, server CPU and memory (PushBench.cs);
//   options clients=1000 rate=2000 seconds=20 light=0|1 (SQLite); the server and the clients run as child processes;
//   light=1 clients speak the protocol on bare WebSockets and only scan frames (the server's cost, not the clients').
// - sidebyside (mode=sidebyside): check-result ingestion against a private Icinga 2 on the same machine, with the same
//   wrk loads (SideBySideBench.cs); options hosts=1000 services=10 (per host) seconds=10 only=<load names, comma-separated>
//   trace=<folder> (perf CPU samples of our server during each of its runs) scale=1 (then filters over every service, a restart
//   until serving every live state, the configuration's POST rate: ScalePhase.cs).
// - perf (mode=perf): performance data to carbon and InfluxDB, ingestion without and with them (PerfBench.cs).
// - import (mode=import): a generated configuration imported with alignak-backend-import (ImportBench.cs);
//   hosts=1000 services=10000 (services bound to 10 hostgroups).
// Usage: dotnet run -c Release --project bench/Alignak.Bench -- [mode=reads|templates|live|push|perf|sidebyside|import] [hosts=10000]
//        [services=100000] [provider=sqlite|postgresql] [database=<connection string>] [runs=200] [seconds=20] [rounds=10]
var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
int Option(string key, int fallback) => options.TryGetValue(key, out var v) ? int.Parse(v) : fallback;
if (options.GetValueOrDefault("mode") == "push-clients")
{
    // The clients' process of mode=push, started by it.
    await PushBench.RunClientsAsync(new Uri(options["server"]), options["token"], Option("clients", 1000), options["shared"], Option("total", 0),
        Option("light", 0) == 1);
    return;
}
var hosts = Option("hosts", 10_000);
var services = Option("services", 100_000);
var runs = Option("runs", 200);
var provider = options.GetValueOrDefault("provider", "sqlite") == "postgresql" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;
var folder = Directory.CreateTempSubdirectory("alignak-bench-").FullName;
var connection = options.GetValueOrDefault("database", $"Data Source={Path.Combine(folder, "bench.db")}");

var settings = new BackendSettings
{
    Host = "127.0.0.1", Port = 0, DatabaseProvider = provider, Database = connection,
    PaginationLimit = 5000, PasswordHashIterations = 1000,
};
if (options.GetValueOrDefault("mode") == "sidebyside")
{
    await SideBySideBench.RunAsync(Option("hosts", 1000), Option("services", 10), Option("seconds", 10), options.GetValueOrDefault("only"),
        options.GetValueOrDefault("trace"), Option("scale", 0) == 1);
    Directory.Delete(folder, recursive: true);
    return;
}
if (options.GetValueOrDefault("mode") == "push")
{
    await PushBench.RunAsync(connection, Option("clients", 1000), Option("rate", 2000), Option("seconds", 20), Option("light", 0) == 1);
    Directory.Delete(folder, recursive: true);
    return;
}
if (options.GetValueOrDefault("mode") == "perf")
{
    await PerfBench.RunAsync(settings, hosts, services, Option("seconds", 10), Option("rounds", 10));
    if (provider == DatabaseProvider.Sqlite) Directory.Delete(folder, recursive: true);
    return;
}
if (options.GetValueOrDefault("mode") == "import")
{
    await ImportBench.RunAsync(settings, hosts, services);
    if (provider == DatabaseProvider.Sqlite) Directory.Delete(folder, recursive: true);
    return;
}
if (options.GetValueOrDefault("mode") == "live")
{
    await LiveBench.RunAsync(settings, hosts, services, Option("seconds", 20));
    if (provider == DatabaseProvider.Sqlite) Directory.Delete(folder, recursive: true);
    return;
}
var (app, http) = await BenchHttp.StartAsync(settings);

async Task StopAsync()
{
    http.Dispose();
    await app.StopAsync();
    await app.DisposeAsync();
    if (provider == DatabaseProvider.Sqlite) Directory.Delete(folder, recursive: true);
}

var index = app.Services.GetRequiredService<DocumentIndex>();
Task<JsonNode> Get(string path) => BenchHttp.Get(http, path);
Task<JsonNode> Post(string path, JsonNode body) => BenchHttp.Post(http, path, body);

var realm = (string)(await Get("/realm?where=" + Uri.EscapeDataString("""{"name":"All"}""")))["_items"]![0]!["_id"]!;

if (options.GetValueOrDefault("mode") == "templates")
{
    var template = (string)(await Post("/host", new JsonObject { ["name"] = "web-template", ["_is_template"] = true, ["_realm"] = realm }))["_id"]!;
    var serviceTemplates = new List<JsonObject>();
    foreach (var name in new[] { "http", "https", "disk", "load", "ping" })
        serviceTemplates.Add((await Post("/service", new JsonObject
        {
            ["name"] = name, ["host"] = template, ["_is_template"] = true, ["_templates_from_host_template"] = true, ["_realm"] = realm,
        })).AsObject());
    var templated = new JsonArray(Enumerable.Range(0, hosts).Select(i => (JsonNode)new JsonObject
    {
        ["name"] = $"web-{i:D5}", ["_templates"] = new JsonArray(template), ["_realm"] = realm,
    }).ToArray());
    var watch = Stopwatch.StartNew();
    await Post("/host", templated);
    var created = watch.Elapsed.TotalSeconds;
    var first = serviceTemplates[0];
    using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/service/{first["_id"]}")
    {
        Content = new StringContent("""{"notes":"edited"}""", Encoding.UTF8, "application/json"),
    };
    patch.Headers.TryAddWithoutValidation("If-Match", (string)first["_etag"]!);
    watch.Restart();
    (await http.SendAsync(patch)).EnsureSuccessStatusCode();
    var propagated = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"templates: {hosts} hosts + {hosts * 5} services in one POST {created:F2} s; one service template edit reaching {hosts} services {propagated:F2} s ({provider})");
    await StopAsync();
    return;
}
GC.Collect();
var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

// Load: bulk POSTs of 1000 items, as alignak-backend-import does in batches.
const int Batch = 1000;
var states = new[] { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
var hostIds = new List<string>(hosts);
var clock = Stopwatch.StartNew();
for (var start = 0; start < hosts; start += Batch)
{
    var batch = new JsonArray(Enumerable.Range(start, Math.Min(Batch, hosts - start))
        .Select(i => (JsonNode)new JsonObject { ["name"] = $"host-{i:D6}", ["_realm"] = realm, ["address"] = "127.0.0.1" }).ToArray());
    var result = await Post("/host", batch);
    hostIds.AddRange(result["_items"]!.AsArray().Select(r => (string)r!["_id"]!));
}
var hostSeconds = clock.Elapsed.TotalSeconds;
clock.Restart();
var perHost = Math.Max(1, services / Math.Max(1, hosts));
for (var start = 0; start < services; start += Batch)
{
    var batch = new JsonArray(Enumerable.Range(start, Math.Min(Batch, services - start)).Select(i => (JsonNode)new JsonObject
    {
        ["name"] = $"svc-{i % perHost:D3}-{i:D6}",
        ["host"] = hostIds[i / perHost % hostIds.Count],
        ["_realm"] = realm,
        ["ls_state"] = states[i % 20 == 0 ? 2 : i % 7 == 0 ? 1 : 0],
    }).ToArray());
    await Post("/service", batch);
}
var serviceSeconds = clock.Elapsed.TotalSeconds;
GC.Collect();
var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
var workingSet = Process.GetCurrentProcess().WorkingSet64;

Console.WriteLine($"load: {hosts} hosts in {hostSeconds:F1} s ({hosts / hostSeconds:F0}/s), {services} services in {serviceSeconds:F1} s ({services / serviceSeconds:F0}/s), bulk POSTs of {Batch}, {provider}");
Console.WriteLine($"memory: managed heap +{(heapAfter - heapBefore) / 1048576.0:F0} MiB for the load = {(heapAfter - heapBefore) / (double)(hosts + services) / 1024:F1} KiB per document; working set {workingSet / 1048576.0:F0} MiB");

var middleHost = hostIds[hostIds.Count / 2];
var queries = new (string Name, string Path)[]
{
    ("state+realm filter, 50 per page", "/service?max_results=50&where=" + Uri.EscapeDataString($$"""{"ls_state":"CRITICAL","_realm":"{{realm}}"}""")),
    ("state+realm filter, 1 per page (filter cost without rendering)", "/service?max_results=1&where=" + Uri.EscapeDataString($$"""{"ls_state":"CRITICAL","_realm":"{{realm}}"}""")),
    ("state only, 1 per page", "/service?max_results=1&where=" + Uri.EscapeDataString("""{"ls_state":"CRITICAL"}""")),
    ("no filter, 1 per page", "/service?max_results=1"),
    ("sort on name, first page", "/service?max_results=50&sort=name"),
    ("services of one host", "/service?where=" + Uri.EscapeDataString($$"""{"host":"{{middleHost}}"}""")),
    ("deep page (page 1500 of 50)", "/service?max_results=50&page=1500"),
    ("host by name", "/host?where=" + Uri.EscapeDataString("""{"name":"host-005000"}""")),
    ("regex on name, 50 per page", "/service?max_results=50&where=" + Uri.EscapeDataString("""{"name":{"$regex":"^svc-003-"}}""")),
};
foreach (var (name, path) in queries)
{
    for (var i = 0; i < 5; i++) await Get(path); // warm-up
    var timings = new List<double>(runs);
    byte[] last = [];
    for (var i = 0; i < runs; i++)
    {
        // Timed: the request and the whole response body read, as a client receives it; the client's own
        // JSON parsing (3-4 ms for a 300 KB page of services) is not the server's latency.
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        last = await response.Content.ReadAsByteArrayAsync();
        timings.Add(watch.Elapsed.TotalMilliseconds);
        response.EnsureSuccessStatusCode();
    }
    var total = (long?)JsonNode.Parse(last)!["_meta"]?["total"] ?? 0;
    timings.Sort();
    Console.WriteLine($"{name}: p50 {timings[runs / 2]:F2} ms, p90 {timings[runs * 9 / 10]:F2} ms, p99 {timings[Math.Min(runs - 1, runs * 99 / 100)]:F2} ms (total {total}, {runs} runs, HTTP on loopback)");
}
Console.WriteLine($"index: {index.Collection("service").Count} services, {index.Collection("host").Count} hosts");

await StopAsync();

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// Check-result ingestion side by side with Icinga 2 on this machine (issue 12): a private Icinga 2 instance (its
/// own config and TLS certificates in a temporary folder, API on 127.0.0.1, passive services) and our built server
/// (its own process, SQLite in the same folder) get the same hosts and services, then the same wrk loads (wrk runs in
/// its own process): one result per request at 1/8/32 connections (ours: <c>POST /logcheckresult</c> by name and
/// <c>POST /checkresult</c>; Icinga 2: <c>POST /v1/actions/process-check-result</c>), and lists of 100 (ours only: Icinga 2
/// has no bulk endpoint). Prints results/s, p50/p99, server CPU per result (from /proc), and RSS per object at rest;
/// with <c>scale</c>, then filters, a restart and the configuration rate (<see cref="ScalePhase"/>). Both servers are
/// stopped by their PID.
/// </summary>
public static class SideBySideBench
{
    private sealed record Load(string Name, string Target, string Kind, int Connections, int PerRequest);

    /// <param name="Switches">The servers' context switches (voluntary and not, every thread) per result.</param>
    /// <param name="Runtime">Ours only: bytes allocated and thread-pool work items per result (its /metrics).</param>
    private sealed record Run(double ResultsPerSecond, double P50Ms, double P99Ms, double CpuPerResultUs, long Errors, double Switches,
        (double Bytes, double WorkItems)? Runtime);

    /// <param name="only">A comma-separated list of load names to run (all when null).</param>
    /// <param name="trace">A folder: each of our measured runs is CPU-sampled with perf into it.</param>
    /// <param name="scale">Run the scale phase after the loads and the memory at rest.</param>
    public static async Task RunAsync(int hosts, int servicesPerHost, int seconds, string? only, string? trace, bool scale)
    {
        EnsureInstalled();
        var folder = Directory.CreateTempSubdirectory("alignak-sidebyside-").FullName;
        try
        {
            await RunInAsync(folder, hosts, servicesPerHost, seconds, only, trace, scale);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunInAsync(string folder, int hosts, int servicesPerHost, int seconds, string? only, string? trace, bool scale)
    {
        var objects = hosts + hosts * servicesPerHost;
        File.WriteAllText(Path.Combine(folder, "load.lua"), LuaScript);

        // Ours: the built server in its own process (restartable by the scale phase; the current process is stopped at the end).
        await using var ours = await RestartableChild.StartAsync(
            ["alignak-actors.dll"],
            new Dictionary<string, string>
            {
                ["ALIGNAK_BACKEND_HOST"] = "127.0.0.1", ["ALIGNAK_BACKEND_PORT"] = "0",
                ["ALIGNAK_BACKEND_DATABASE"] = $"Data Source={Path.Combine(folder, "alignak.db")}",
                ["ALIGNAK_BACKEND_PASSWORD_HASH_ITERATIONS"] = "1000", ["DOTNET_gcServer"] = Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "1",
                ["DOTNET_PerfMapEnabled"] = trace is null ? "0" : "1", ["DOTNET_EnableWriteXorExecute"] = trace is null ? "1" : "0",
            },
            PushBench.ListeningLine());
        var oursUrl = ours.Ready.TrimEnd('/');
        var oursEmptyRss = Rss([ours.Pid]);
        var watch = Stopwatch.StartNew();
        var token = await CreateOursAsync(oursUrl, hosts, servicesPerHost);
        var configSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"ours: {hosts} hosts and {hosts * servicesPerHost} services created in {watch.Elapsed.TotalSeconds:F1} s at {oursUrl} (PID {ours.Pid})");

        // Theirs: a private Icinga 2.
        watch.Restart();
        using var icinga = await Icinga.StartAsync(Path.Combine(folder, "icinga2"), hosts, servicesPerHost);
        Console.WriteLine($"icinga2: {hosts} hosts and {hosts * servicesPerHost} services configured and started in {watch.Elapsed.TotalSeconds:F1} s at {icinga.Url}");

        var ourAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":"));
        var theirAuth = "Basic " + Convert.ToBase64String("bench:bench"u8.ToArray());
        var loads = new List<Load>();
        foreach (var c in new[] { 1, 8, 32 })
        {
            loads.Add(new Load($"logcheckresult c={c}", "ours", "lcr", c, 1));
            loads.Add(new Load($"checkresult c={c}", "ours", "native", c, 1));
            loads.Add(new Load($"icinga2 c={c}", "icinga", "icinga", c, 1));
        }
        loads.Add(new Load("checkresult lists of 100 c=8", "ours", "native", 8, 100));
        if (only is not null)
        {
            // Only the named loads (a comma-separated list), with Icinga 2's at the same concurrencies for the ratio.
            var named = only.Split(',', StringSplitOptions.TrimEntries).ToHashSet();
            var concurrencies = loads.Where(l => named.Contains(l.Name) && l.PerRequest == 1).Select(l => l.Connections).ToHashSet();
            loads = loads.Where(l => named.Contains(l.Name) || (l.Target == "icinga" && concurrencies.Contains(l.Connections))).ToList();
        }

        // Warm-up (JIT, connection pools, SQLite pages), not counted.
        await WrkAsync(folder, oursUrl, ourAuth, new Load("warm-up", "ours", "native", 8, 1), hosts, servicesPerHost, 3, [ours.Pid], 0);
        await WrkAsync(folder, oursUrl, ourAuth, new Load("warm-up", "ours", "lcr", 8, 1), hosts, servicesPerHost, 3, [ours.Pid], 1);
        await WrkAsync(folder, icinga.Url, theirAuth, new Load("warm-up", "icinga", "icinga", 8, 1), hosts, servicesPerHost, 3, icinga.Pids(), 0);

        var runs = new Dictionary<string, Run>();
        var round = 2;
        foreach (var load in loads)
        {
            var (url, auth, pids) = load.Target == "icinga" ? (icinga.Url, theirAuth, icinga.Pids()) : (oursUrl, ourAuth, [ours.Pid]);
            using var sampling = trace is not null && load.Target == "ours" ? StartTrace(trace, load.Name, ours.Pid, seconds) : null;
            var run = await WrkAsync(folder, url, auth, load, hosts, servicesPerHost, seconds, pids, round++);
            sampling?.WaitForExit();
            runs[load.Name] = run;
            Console.WriteLine($"{load.Name}: {run.ResultsPerSecond:F0} results/s, request p50 {run.P50Ms:F2} ms, p99 {run.P99Ms:F2} ms, " +
                $"server CPU {run.CpuPerResultUs:F0} µs per result, {run.Switches:F1} context switches per result" +
                (run.Runtime is { } r ? $", {r.Bytes / 1024:F1} KiB allocated and {r.WorkItems:F1} thread-pool work items per result" : "") +
                $", non-2xx/errors {run.Errors}");
        }

        // Right after the loads, then at rest (BENCH_REST_SECONDS: longer, to take a heap dump of the server meanwhile):
        // 75 s give our server's memory release (after a quiet minute) its time.
        var oursLoadedRss = Rss([ours.Pid]);
        await Task.Delay(TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("BENCH_REST_SECONDS"), out var rest) ? rest : 75));
        var oursRss = Rss([ours.Pid]);
        var theirRss = Rss(icinga.Pids());
        Console.WriteLine();
        Console.WriteLine("| load | ours results/s | p50 / p99 ms | CPU/result | allocated / work items / switches per result | Icinga 2 results/s | p50 / p99 ms | CPU/result | switches/result | ratio |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var load in loads.Where(l => l.Target == "ours"))
        {
            var o = runs[load.Name];
            var theirs = load.PerRequest == 1 && runs.TryGetValue($"icinga2 c={load.Connections}", out var t) ? t : null;
            Console.WriteLine($"| {load.Name} | {o.ResultsPerSecond:N0} | {o.P50Ms:F2} / {o.P99Ms:F2} | {o.CpuPerResultUs:F0} µs | " +
                $"{o.Runtime?.Bytes / 1024:F1} KiB / {o.Runtime?.WorkItems:F1} / {o.Switches:F1} | " +
                (theirs is null ? "— | — | — | — | — |"
                    : $"{theirs.ResultsPerSecond:N0} | {theirs.P50Ms:F2} / {theirs.P99Ms:F2} | {theirs.CpuPerResultUs:F0} µs | {theirs.Switches:F1} | " +
                      $"{o.ResultsPerSecond / theirs.ResultsPerSecond:F2} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"RSS at rest after the loads, {objects} objects: ours {oursRss / 1048576.0:F0} MiB = {oursRss / (double)objects / 1024:F1} KiB per object " +
            $"({(oursRss - oursEmptyRss) / (double)objects / 1024:F1} KiB over the empty server's {oursEmptyRss / 1048576.0:F0} MiB); " +
            $"Icinga 2 {theirRss / 1048576.0:F0} MiB = {theirRss / (double)objects / 1024:F1} KiB per object (its processes together); " +
            $"ours right after the last load {oursLoadedRss / 1048576.0:F0} MiB = {oursLoadedRss / (double)objects / 1024:F1} KiB per object");

        if (scale) await ScalePhase.RunAsync(ours, ourAuth, icinga, theirAuth, objects, configSeconds, oursRss, theirRss);
    }

    /// <summary>Hosts host-NNNN with services svc-NN each; returns the admin's token.</summary>
    private static async Task<string> CreateOursAsync(string url, int hosts, int servicesPerHost)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        var token = (string)(await (await http.PostAsJsonAsync("/login", new { username = "admin", password = "admin" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":")));
        var hostIds = new List<string>(hosts);
        for (var start = 0; start < hosts; start += 1000)
            hostIds.AddRange((await BenchHttp.Post(http, "/host", new JsonArray(Enumerable.Range(start, Math.Min(1000, hosts - start))
                .Select(i => (JsonNode)new JsonObject { ["name"] = HostName(i), ["max_check_attempts"] = 2 }).ToArray())))["_items"]!
                .AsArray().Select(r => (string)r!["_id"]!));
        var services = hosts * servicesPerHost;
        for (var start = 0; start < services; start += 1000)
            await BenchHttp.Post(http, "/service", new JsonArray(Enumerable.Range(start, Math.Min(1000, services - start))
                .Select(i => (JsonNode)new JsonObject
                {
                    ["name"] = ServiceName(i % servicesPerHost), ["host"] = hostIds[i / servicesPerHost], ["max_check_attempts"] = 3,
                }).ToArray()));
        return token;
    }

    private static string HostName(int i) => $"host-{i:D5}";
    private static string ServiceName(int i) => $"svc-{i:D2}";

    /// <summary>One bounded wrk run (its own process); server CPU from /proc before and after.</summary>
    private static async Task<Run> WrkAsync(string folder, string url, string auth, Load load, int hosts, int servicesPerHost,
        int seconds, IReadOnlyList<int> serverPids, int round)
    {
        var path = load.Kind switch { "lcr" => "/logcheckresult", "native" => "/checkresult", _ => "/v1/actions/process-check-result" };
        var start = new ProcessStartInfo("wrk",
        [
            "-t", Math.Min(2, load.Connections).ToString(), "-c", load.Connections.ToString(), "-d", $"{seconds}s", "--timeout", "5s",
            "-s", Path.Combine(folder, "load.lua"), url + path,
        ])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["BENCH_KIND"] = load.Kind;
        start.Environment["BENCH_AUTH"] = auth;
        start.Environment["BENCH_HOSTS"] = hosts.ToString();
        start.Environment["BENCH_SERVICES"] = servicesPerHost.ToString();
        start.Environment["BENCH_PER_REQUEST"] = load.PerRequest.ToString();
        start.Environment["BENCH_ROUND"] = round.ToString();
        var cpuBefore = CpuTicks(serverPids);
        var switchesBefore = ContextSwitches(serverPids);
        var runtimeBefore = load.Target == "ours" ? await RuntimeCountersAsync(url) : default;
        using var wrk = Process.Start(start)!;
        var output = wrk.StandardOutput.ReadToEndAsync();
        var errors = wrk.StandardError.ReadToEndAsync();
        if (!wrk.WaitForExit(TimeSpan.FromSeconds(seconds + 30)))
        {
            wrk.Kill();
            throw new TimeoutException($"wrk did not finish: {load.Name}");
        }
        var cpuSeconds = (CpuTicks(serverPids) - cpuBefore) / 100.0; // USER_HZ
        var switches = SwitchesSince(switchesBefore, serverPids);
        var runtimeAfter = load.Target == "ours" ? await RuntimeCountersAsync(url) : default;
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk gave no result for {load.Name}: {await output} {await errors}");
        var f = line.Split(' ');
        var requests = long.Parse(f[1]);
        var durationSeconds = long.Parse(f[2]) / 1e6;
        var nonSuccess = long.Parse(f[5]);
        var results = (requests - nonSuccess) * load.PerRequest;
        return new Run(results / durationSeconds, long.Parse(f[3]) / 1000.0, long.Parse(f[4]) / 1000.0,
            results == 0 ? double.NaN : cpuSeconds * 1e6 / results, nonSuccess, switches / (double)results,
            load.Target == "ours" ? ((runtimeAfter.Bytes - runtimeBefore.Bytes) / (double)results, (runtimeAfter.WorkItems - runtimeBefore.WorkItems) / (double)results) : null);
    }

    /// <summary>
    /// Context switches (voluntary and not) of every thread of the processes, by thread (/proc/PID/task/TID/status):
    /// a run counts each thread's growth, so a thread that ends meanwhile takes only its own switches with it.
    /// </summary>
    private static Dictionary<string, long> ContextSwitches(IEnumerable<int> pids)
    {
        var byThread = new Dictionary<string, long>();
        foreach (var task in pids.SelectMany(pid => Directory.EnumerateDirectories($"/proc/{pid}/task")))
            try
            {
                byThread[task] = File.ReadLines(Path.Combine(task, "status"))
                    .Where(l => l.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || l.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    .Sum(l => long.Parse(l[(l.IndexOf(':') + 1)..].Trim()));
            }
            catch (IOException) { } // a thread that ended meanwhile
        return byThread;
    }

    private static long SwitchesSince(Dictionary<string, long> before, IEnumerable<int> pids) =>
        ContextSwitches(pids).Sum(thread => thread.Value - before.GetValueOrDefault(thread.Key));

    /// <summary>Bytes allocated and thread-pool work items since our server started, from its Prometheus page.</summary>
    private static async Task<(long Bytes, long WorkItems)> RuntimeCountersAsync(string url)
    {
        using var http = new HttpClient();
        var page = await http.GetStringAsync(url + "/metrics");
        return (Counter("dotnet_gc_heap_total_allocated_bytes_total"), Counter("dotnet_thread_pool_work_item_count_total"));

        long Counter(string name) => page.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>utime + stime of the processes (and their children threads), in clock ticks.</summary>
    private static long CpuTicks(IEnumerable<int> pids) => pids.Sum(pid =>
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    });

    private static long Rss(IEnumerable<int> pids) => pids.Sum(pid =>
        long.Parse(File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024);

    /// <summary>
    /// CPU samples of our server for one run, with perf (Debian's linux-perf; the server writes its JIT map when
    /// traced): dotnet-trace's EventPipe sampling on Linux samples threads' wall time, dominated by waits.
    /// </summary>
    private static Process StartTrace(string folder, string name, int pid, int seconds)
    {
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, name.Replace(' ', '-').Replace("=", "") + ".perf.data");
        return Process.Start(new ProcessStartInfo("perf",
            ["record", "-F", "499", "-g", "-p", pid.ToString(), "-o", output, "--", "sleep", seconds.ToString()])
            { RedirectStandardOutput = true, RedirectStandardError = true })!;
    }

    private static void EnsureInstalled()
    {
        if (File.Exists("/usr/bin/wrk") && File.Exists("/usr/sbin/icinga2")) return;
        Console.WriteLine("installing icinga2 and wrk from Debian (apt-get install -y icinga2 wrk)");
        using var apt = Process.Start(new ProcessStartInfo("apt-get", ["install", "-y", "icinga2", "wrk"]))!;
        apt.WaitForExit();
        if (apt.ExitCode != 0) throw new InvalidOperationException("apt-get install -y icinga2 wrk failed");
    }

    /// <summary>
    /// A private Icinga 2: config, certificates, state and logs in its folder; runs as root, in the foreground. The scale
    /// phase may stop and start it again: whichever daemon runs is the one stopped at the end.
    /// </summary>
    internal sealed class Icinga : IDisposable
    {
        private readonly ProcessStartInfo _start;
        private readonly StringBuilder _log = new();
        private Process _process;
        public string Url { get; }

        private Icinga(ProcessStartInfo start, string url)
        {
            _start = start;
            Url = url;
            _process = Launch();
        }

        /// <summary>The daemon, its output kept for the error messages.</summary>
        private Process Launch()
        {
            var process = Process.Start(_start)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_log) _log.AppendLine(line); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_log) _log.AppendLine(line); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }

        public bool Exited => _process.HasExited;

        public string Log { get { lock (_log) return _log.ToString(); } }

        /// <summary>SIGTERM by its PID: the daemon has its worker write the state file (in DataDir) and both exit.</summary>
        public Task<(int ExitCode, TimeSpan Took)> StopAsync(TimeSpan within) => PushBench.Child.TerminateAsync(_process, within);

        /// <summary>After <see cref="StopAsync"/>: the same command again, on the same config and state.</summary>
        public void StartAgain()
        {
            if (!_process.HasExited) throw new InvalidOperationException("icinga2 still runs");
            var next = Launch();
            _process.Dispose();
            _process = next;
        }

        public static async Task<Icinga> StartAsync(string folder, int hosts, int servicesPerHost)
        {
            foreach (var sub in new[] { "conf", "data/certs", "log", "cache", "spool", "run/icinga2" }) Directory.CreateDirectory(Path.Combine(folder, sub));
            string[] defines =
            [
                $"-DConfigDir={folder}/conf", $"-DDataDir={folder}/data", $"-DLogDir={folder}/log", $"-DCacheDir={folder}/cache",
                $"-DSpoolDir={folder}/spool", $"-DInitRunDir={folder}/run", "-DRunAsUser=root", "-DRunAsGroup=root",
            ];
            var certs = Path.Combine(folder, "data/certs");
            using (var pki = Process.Start(new ProcessStartInfo("icinga2", ["pki", "new-cert", .. defines, "--cn", "localhost",
                       "--key", Path.Combine(certs, "localhost.key"), "--cert", Path.Combine(certs, "localhost.crt")])
                   { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                await pki.WaitForExitAsync();
                if (pki.ExitCode != 0) throw new InvalidOperationException("icinga2 pki new-cert failed: " + await pki.StandardError.ReadToEndAsync());
            }
            // Self-signed: the node's certificate is its own CA.
            File.Copy(Path.Combine(certs, "localhost.crt"), Path.Combine(certs, "ca.crt"));

            var port = FreePort();
            var config = new StringBuilder($$"""
                include <itl>
                const NodeName = "localhost"
                object Endpoint NodeName { }
                object Zone "master" { endpoints = [ NodeName ] }
                object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = {{port}}; accept_commands = true }
                object ApiUser "bench" { password = "bench"; permissions = [ "*" ] }
                template Host "passive-host" { check_command = "dummy"; enable_active_checks = false; max_check_attempts = 2 }
                template Service "passive-service" { check_command = "dummy"; enable_active_checks = false; max_check_attempts = 3 }

                """);
            for (var h = 0; h < hosts; h++)
            {
                config.Append($"object Host \"{HostName(h)}\" {{ import \"passive-host\" }}\n");
                for (var s = 0; s < servicesPerHost; s++)
                    config.Append($"object Service \"{ServiceName(s)}\" {{ import \"passive-service\"; host_name = \"{HostName(h)}\" }}\n");
            }
            var configFile = Path.Combine(folder, "conf/icinga2.conf");
            File.WriteAllText(configFile, config.ToString());

            var icinga = new Icinga(new ProcessStartInfo("icinga2", ["daemon", "-c", configFile, .. defines])
                { RedirectStandardOutput = true, RedirectStandardError = true }, $"https://127.0.0.1:{port}");

            // Ready when the API answers for the last service.
            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bench:bench"u8.ToArray()));
            var last = Uri.EscapeDataString($"{HostName(hosts - 1)}!{ServiceName(servicesPerHost - 1)}");
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                if (icinga.Exited) throw new InvalidOperationException("icinga2 exited: " + icinga.Log);
                try
                {
                    using var response = await http.GetAsync($"{icinga.Url}/v1/objects/services/{last}?attrs=name");
                    if (response.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (deadline.Elapsed > TimeSpan.FromMinutes(3))
                {
                    icinga.Dispose();
                    throw new TimeoutException("icinga2 did not serve its API: " + icinga.Log);
                }
                await Task.Delay(250);
            }
            return icinga;
        }

        /// <summary>The daemon and the worker it forks.</summary>
        public IReadOnlyList<int> Pids() =>
            [_process.Id, .. Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(int.Parse!)
                .Where(pid => ParentOf(pid) == _process.Id)];

        private static int ParentOf(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException) { return -1; }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// wrk's request generator: each request a result for the next service (each wrk thread starts at its own
    /// offset); the exit status moves every full round over the services, so states change as in a real feed.
    /// </summary>
    private const string LuaScript = """
        local kind = os.getenv("BENCH_KIND")
        local auth = os.getenv("BENCH_AUTH")
        local hosts = tonumber(os.getenv("BENCH_HOSTS"))
        local per_host = tonumber(os.getenv("BENCH_SERVICES"))
        local per_request = tonumber(os.getenv("BENCH_PER_REQUEST"))
        local round = tonumber(os.getenv("BENCH_ROUND"))
        local total = hosts * per_host
        local counter = 0
        local threads = 0

        function setup(thread)
          thread:set("offset", threads * 104729)
          threads = threads + 1
        end

        function init(args)
          counter = offset or 0
          wrk.method = "POST"
          wrk.headers["Content-Type"] = "application/json"
          wrk.headers["Accept"] = "application/json"
          wrk.headers["Authorization"] = auth
        end

        local function one()
          local n = counter
          counter = counter + 1
          local k = n % total
          local host = string.format("host-%05d", math.floor(k / per_host))
          local service = string.format("svc-%02d", k % per_host)
          local exit = (math.floor(n / total) + round) % 3
          local output = "result " .. n
          if kind == "icinga" then
            return string.format('{"type":"Service","service":"%s!%s","exit_status":%d,"plugin_output":"%s","performance_data":["time=0.012s;1;2;0"]}',
              host, service, exit, output)
          elseif kind == "lcr" then
            local states = { [0] = "OK", [1] = "WARNING", [2] = "CRITICAL" }
            return string.format('{"host_name":"%s","service_name":"%s","state":"%s","state_id":%d,"state_type":"HARD","last_state_type":"HARD","output":"%s","perf_data":"time=0.012s;1;2;0","last_check":%d}',
              host, service, states[exit], exit, output, os.time())
          else
            return string.format('{"host_name":"%s","service_name":"%s","exit_status":%d,"output":"%s","perf_data":"time=0.012s;1;2;0"}',
              host, service, exit, output)
          end
        end

        request = function()
          if per_request == 1 then
            return wrk.format(nil, nil, nil, one())
          end
          local items = {}
          for i = 1, per_request do items[i] = one() end
          return wrk.format(nil, nil, nil, "[" .. table.concat(items, ",") .. "]")
        end

        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
            latency:percentile(50), latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
        end
        """;
}

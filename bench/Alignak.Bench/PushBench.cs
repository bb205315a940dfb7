using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

/// <summary>
/// The live push under load (issue 6), in three processes on this machine: the server (so its CPU and memory are
/// its own), the SignalR clients (<c>clients</c> connections subscribed to everything), and this one, which posts
/// check results that each change a service's state at <c>rate</c> per second for <c>seconds</c>. Delivery latency
/// runs from the POST's reply to a client's receipt of that change (a change pushed before the reply counts as 0);
/// the clients read the reply times from a shared memory-mapped file (the monotonic clock is the machine's).
/// </summary>
public static partial class PushBench
{
    private const int Services = 2000;
    /// <summary>POSTs a second: the results of each 20 ms go in one request (40 at 2,000 a second).</summary>
    private const int RequestsPerSecond = 50;

    public static async Task RunAsync(string database, int clients, int rate, int seconds, bool light)
    {
        await using var server = await Child.StartAsync(
            ["alignak-actors.dll"],
            new Dictionary<string, string>
            {
                ["ALIGNAK_BACKEND_HOST"] = "127.0.0.1", ["ALIGNAK_BACKEND_PORT"] = "0", ["ALIGNAK_BACKEND_DATABASE"] = database,
                ["ALIGNAK_BACKEND_PASSWORD_HASH_ITERATIONS"] = "1000", ["DOTNET_gcServer"] = "1",
            },
            ListeningLine());
        var address = new Uri(server.Ready);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        var token = (string)(await (await http.PostAsJsonAsync("/login", new { username = "admin", password = "admin" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":")));

        var host = (string)(await BenchHttp.Post(http, "/host", new JsonObject { ["name"] = "push-bench" }))["_id"]!;
        var services = new List<string>();
        for (var start = 0; start < Services; start += 1000)
            services.AddRange((await BenchHttp.Post(http, "/service", new JsonArray(Enumerable.Range(start, 1000)
                .Select(i => (JsonNode)new JsonObject { ["name"] = $"svc-{i:D4}", ["host"] = host }).ToArray())))["_items"]!
                .AsArray().Select(r => (string)r!["_id"]!));

        var total = rate * seconds;
        var perRequest = Math.Max(1, rate / RequestsPerSecond);
        var shared = Path.Combine(Path.GetTempPath(), $"alignak-push-bench-{Guid.NewGuid():N}");
        using var times = MemoryMappedFile.CreateFromFile(shared, FileMode.CreateNew, null, 8L * total);
        using var replied = times.CreateViewAccessor();
        try
        {
            await using var clientsChild = await Child.StartAsync(
                [Path.Combine(AppContext.BaseDirectory, "Alignak.Bench.dll"), "mode=push-clients", $"server={address}", $"token={token}",
                 $"clients={clients}", $"shared={shared}", $"total={total}", $"light={(light ? 1 : 0)}"],
                new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" },
                ReadyLine());
            Console.WriteLine(clientsChild.Ready);
            var (serverCpuBefore, _) = server.CpuAndPeakMemory();

            // Every result flips its service between OK and CRITICAL: each is a state change.
            var interval = TimeSpan.FromSeconds((double)perRequest / rate);
            var watch = Stopwatch.StartNew();
            var posts = new List<Task>();
            var requestMs = new List<double>();
            var failedPosts = 0;
            for (var first = 0; first < total; first += perRequest)
            {
                var due = interval * (first / perRequest);
                if (watch.Elapsed < due) await Task.Delay(due - watch.Elapsed);
                var start = first;
                posts.Add(Task.Run(async () =>
                {
                    var batch = new JsonArray(Enumerable.Range(start, Math.Min(perRequest, total - start)).Select(n => (JsonNode)new JsonObject
                    {
                        ["host"] = host, ["service"] = services[n % Services], ["exit_status"] = n / Services % 2 == 0 ? 2 : 0, ["output"] = $"b{n}",
                    }).ToArray());
                    var sent = Stopwatch.GetTimestamp();
                    try
                    {
                        await BenchHttp.Post(http, "/checkresult", batch);
                    }
                    catch (Exception error) when (error is InvalidOperationException or HttpRequestException or TaskCanceledException)
                    {
                        // An overloaded server answers 503 (or not in time): counted, the run goes on.
                        Interlocked.Increment(ref failedPosts);
                        return;
                    }
                    var done = Stopwatch.GetTimestamp();
                    for (var n = start; n < start + batch.Count; n++) replied.Write(8L * n, done);
                    lock (requestMs) requestMs.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                }));
            }
            await Task.WhenAll(posts);
            var postSeconds = watch.Elapsed.TotalSeconds;
            var result = await clientsChild.FinishAsync();
            var (serverCpuAfter, peak) = server.CpuAndPeakMemory();
            var elapsed = watch.Elapsed.TotalSeconds;
            requestMs.Sort();

            Console.WriteLine($"posted {total} state changes in {postSeconds:F1} s ({total / postSeconds:F0}/s, asked {rate}/s) " +
                $"in POSTs of {perRequest}: p50 {Percentile(requestMs, 50):F0} ms, p99 {Percentile(requestMs, 99):F0} ms; failed POSTs {failedPosts}");
            Console.WriteLine(result);
            Console.WriteLine($"server: CPU {(serverCpuAfter - serverCpuBefore).TotalSeconds / elapsed * 100:F0} % of one core, peak RSS {peak / 1024 / 1024} MiB");
        }
        finally
        {
            File.Delete(shared);
        }
    }

    /// <summary>The clients' process: connects, subscribes, says READY, measures until told to stop (a line on stdin).</summary>
    /// <param name="light">
    /// Clients that speak the SignalR JSON protocol over a plain WebSocket and only scan each frame for what they
    /// count (no JSON parsing): what 1,000 readers cost the server, without 1,000 full clients on the same 2 cores.
    /// </param>
    public static async Task RunClientsAsync(Uri server, string token, int clients, string shared, int total, bool light)
    {
        // Many connections' receive loops and handlers: no waiting for the pool to grow.
        ThreadPool.SetMinThreads(64, 64);
        using var times = MemoryMappedFile.CreateFromFile(shared, FileMode.Open, null, 8L * total);
        using var replied = times.CreateViewAccessor();
        var latency = new Histogram();
        long received = 0, resyncs = 0;
        var connections = new List<IAsyncDisposable>();
        var connectWatch = Stopwatch.StartNew();
        void Record(long now, int n)
        {
            var reply = replied.ReadInt64(8L * n);
            latency.Add(reply == 0 || now < reply ? 0 : Stopwatch.GetElapsedTime(reply, now).TotalMilliseconds);
        }
        await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
        {
            IAsyncDisposable connection = light
                ? await LightClient.ConnectAsync(server, token, (now, count, resync, outputs) =>
                {
                    Interlocked.Add(ref received, count);
                    Interlocked.Add(ref resyncs, resync);
                    foreach (var n in outputs) Record(now, n);
                }, ct)
                : await SignalRClientAsync(server, token, (now, message) =>
                {
                    Interlocked.Increment(ref received);
                    var type = message.GetProperty("type").GetString();
                    if (type == "resync") Interlocked.Increment(ref resyncs);
                    if (type == "state" && message.GetProperty("fields").TryGetProperty("ls_output", out var output))
                        Record(now, int.Parse(output.GetString().AsSpan(1)));
                }, ct);
            lock (connections) connections.Add(connection);
        });
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"READY {clients} clients connected and subscribed in {connectWatch.Elapsed.TotalSeconds:F1} s");
        // Reading standard input blocks a thread: not one of the pool's.
        var stop = new TaskCompletionSource();
        new Thread(() => { Console.In.ReadLine(); stop.SetResult(); }) { IsBackground = true }.Start();
        await stop.Task;
        // The last pushes: until nothing more comes for a second (30 s at most).
        var drain = Stopwatch.StartNew();
        for (long before = -1; Interlocked.Read(ref received) != before && drain.Elapsed < TimeSpan.FromSeconds(30);)
        {
            before = Interlocked.Read(ref received);
            await Task.Delay(1000);
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var expected = (long)total * clients;
        Console.WriteLine($"RESULT state changes received {latency.Count} of {expected} ({100.0 * latency.Count / expected:F1} %; a burst of one " +
            $"service may be merged), messages {received}, resyncs {resyncs}; latency from the POST reply: p50 {latency.Percentile(50):F1} ms, " +
            $"p99 {latency.Percentile(99):F1} ms, max {latency.Percentile(100):F1} ms; clients' process CPU " +
            $"{cpu.TotalSeconds / watch.Elapsed.TotalSeconds * 100:F0} % of one core");
        foreach (var connection in connections) await connection.DisposeAsync();
    }

    private static async Task<IAsyncDisposable> SignalRClientAsync(Uri server, string token, Action<long, JsonElement> onMessage,
        CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/live"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<JsonElement>("live", batch =>
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var message in batch.EnumerateArray()) onMessage(now, message);
        });
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync<JsonElement>("Subscribe", new { scope = "all" }, cancellationToken);
        return connection;
    }

    /// <summary>A SignalR JSON-protocol client on a bare WebSocket that counts messages and reads the bench's outputs.</summary>
    private sealed class LightClient : IAsyncDisposable
    {
        private const byte RecordSeparator = 0x1e;
        private static readonly byte[] MessageStart = "{\"v\":"u8.ToArray();
        private static readonly byte[] Resync = "\"type\":\"resync\""u8.ToArray();
        private static readonly byte[] Output = "\"ls_output\":\"b"u8.ToArray();

        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _reading = Task.CompletedTask;
        private Task _pinging = Task.CompletedTask;

        public static async Task<LightClient> ConnectAsync(Uri server, string token, Action<long, int, int, List<int>> onFrame,
            CancellationToken cancellationToken)
        {
            var client = new LightClient();
            var address = new UriBuilder(new Uri(server, "/hubs/live")) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(token) }.Uri;
            await client._socket.ConnectAsync(address, cancellationToken);
            await client.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
            await client.SendAsync("""{"type":1,"invocationId":"1","target":"Subscribe","arguments":[{"scope":"all"}]}""", cancellationToken);
            client._reading = client.ReadAsync(onFrame);
            // The server drops a client it has not heard from for 30 s.
            client._pinging = client.PingAsync();
            return client;
        }

        private Task SendAsync(string message, CancellationToken cancellationToken) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(message + (char)RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);

        private async Task PingAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                    await SendAsync("""{"type":6}""", _stop.Token);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested) { }
        }

        private async Task ReadAsync(Action<long, int, int, List<int>> onFrame)
        {
            var buffer = new byte[1 << 20];
            var outputs = new List<int>();
            try
            {
                while (true)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult part;
                    do
                    {
                        if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                        part = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                        length += part.Count;
                    } while (!part.EndOfMessage);
                    if (part.MessageType == WebSocketMessageType.Close) return;
                    var now = Stopwatch.GetTimestamp();
                    var frame = buffer.AsSpan(0, length);
                    outputs.Clear();
                    for (var at = frame.IndexOf(Output); at >= 0; at = Next(frame, at, Output))
                    {
                        var digits = frame[(at + Output.Length)..];
                        outputs.Add(int.Parse(System.Text.Encoding.ASCII.GetString(digits[..digits.IndexOf((byte)'"')])));
                    }
                    onFrame(now, Count(frame, MessageStart), Count(frame, Resync), outputs);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested || _socket.State != WebSocketState.Open) { }
        }

        private static int Next(ReadOnlySpan<byte> frame, int at, byte[] what)
        {
            var next = frame[(at + 1)..].IndexOf(what);
            return next < 0 ? -1 : at + 1 + next;
        }

        private static int Count(ReadOnlySpan<byte> frame, byte[] what)
        {
            var count = 0;
            for (var at = frame.IndexOf(what); at >= 0; at = Next(frame, at, what)) count++;
            return count;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _socket.Abort();
            await Task.WhenAll(_reading, _pinging);
            _socket.Dispose();
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p / 100))];

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    internal static partial Regex ListeningLine();

    [GeneratedRegex(@"^(READY .*)$")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"^RESULT (.*)$")]
    private static partial Regex ResultLine();

    /// <summary>Latencies in 0.1 ms buckets up to 60 s, shared by every client without locks.</summary>
    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[600_000];
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Add(double milliseconds)
        {
            Interlocked.Increment(ref _buckets[Math.Clamp((int)(milliseconds * 10), 0, _buckets.Length - 1)]);
            Interlocked.Increment(ref _count);
        }

        public double Percentile(double p)
        {
            var rank = Math.Max(1, (long)Math.Ceiling(p / 100 * Count));
            long seen = 0;
            for (var i = 0; i < _buckets.Length; i++)
                if ((seen += _buckets[i]) >= rank) return i / 10.0;
            return double.NaN;
        }
    }

    /// <summary>A child process of this bench (the built server, or the clients), stopped by its PID.</summary>
    /// <summary>A child process of a bench (the server, the clients), killed by its PID at the end.</summary>
    internal sealed class Child : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<string> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Ready { get; private set; } = "";
        public int Pid => _process.Id;
        public bool HasExited => _process.HasExited;

        private Child(Process process) => _process = process;

        public static async Task<Child> StartAsync(string[] arguments, Dictionary<string, string> environment, Regex ready)
        {
            var start = new ProcessStartInfo("dotnet", arguments)
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var (name, value) in environment) start.Environment[name] = value;
            var child = new Child(Process.Start(start)!);
            var readySeen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            child._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                if (ready.Match(line) is { Success: true } match) readySeen.TrySetResult(match.Groups[1].Value);
                if (ResultLine().Match(line) is { Success: true } result) child._result.TrySetResult(result.Groups[1].Value);
            };
            child._process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine(line); };
            child._process.BeginOutputReadLine();
            child._process.BeginErrorReadLine();
            try
            {
                child.Ready = await readySeen.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch
            {
                // Never leave a process behind that did not come up.
                await child.DisposeAsync();
                throw;
            }
            return child;
        }

        /// <summary>SIGTERM by its PID, as a service manager stops it (the server drains and flushes), then its exit.</summary>
        public Task<(int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan within) => TerminateAsync(_process, within);

        /// <summary>
        /// SIGTERM to one process by its PID (.NET's Kill sends SIGKILL, which lets nothing be written out), then waits
        /// for its exit and the end of its redirected output (so also for children that share it).
        /// </summary>
        public static async Task<(int ExitCode, TimeSpan Took)> TerminateAsync(Process process, TimeSpan within)
        {
            var clock = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
                await kill.WaitForExitAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(within);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"PID {process.Id} did not exit within {within.TotalSeconds:F0} s of SIGTERM");
            }
            return (process.ExitCode, clock.Elapsed);
        }

        public async Task<string> FinishAsync()
        {
            await _process.StandardInput.WriteLineAsync("stop");
            return await _result.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }

        /// <summary>CPU time used so far, and the peak resident memory (VmHWM), from /proc.</summary>
        public (TimeSpan Cpu, long PeakBytes) CpuAndPeakMemory()
        {
            _process.Refresh();
            var status = File.ReadAllLines($"/proc/{_process.Id}/status");
            var peakKb = long.Parse(status.First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            return (_process.TotalProcessorTime, peakKb * 1024);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

/// <summary>
/// The side-by-side bench's scale phase (<c>scale=1</c>), after the wrk loads and the memory at rest, on the states the
/// loads left: what an operator meets with many objects besides ingestion. A state filter and a regex filter over
/// every service (latency: one connection, one request at a time, from this process), a restart until serving every
/// live state again, and the configuration's bulk POST rate; one table with the RSS per object beside them.
/// </summary>
internal static class ScalePhase
{
    /// <summary>Each filter runs at most this many times, and stops after <see cref="RunsFor"/> once it has <see cref="MinRuns"/>.</summary>
    private const int MaxRuns = 200;
    private const int MinRuns = 5;
    private static readonly TimeSpan RunsFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopWithin = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan BackWithin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    /// <summary>One poll's bound while a server starts (a half-open listener must not stall the clock).</summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(10);

    private const string StateFilter = """{"ls_state":"CRITICAL"}""";
    private const string NameRegex = "^svc-0[1-3]$";
    private static readonly string OurStatePage = "/service?max_results=25&where=" + Uri.EscapeDataString(StateFilter);
    private static readonly string OurRegexPage = "/service?max_results=25&where=" + Uri.EscapeDataString($$$"""{"name":{"$regex":"{{{NameRegex}}}"}}""");
    private static readonly string OurStateTotal = "/service?max_results=1&where=" + Uri.EscapeDataString(StateFilter);

    // Icinga 2's object queries have no paging: every match comes back in one answer. attrs keeps each match to its
    // name and state (without it, every attribute of every service).
    private static readonly string TheirState = "/v1/objects/services?filter=" + Uri.EscapeDataString("service.state==2") + "&attrs=name&attrs=state";
    private static readonly string TheirRegex = "/v1/objects/services?filter=" + Uri.EscapeDataString($"regex(\"{NameRegex}\", service.name)") + "&attrs=name&attrs=state";
    private static readonly string TheirStateNames = "/v1/objects/services?filter=" + Uri.EscapeDataString("service.state==2") + "&attrs=name";

    /// <summary>Matches: all the filter found (our <c>_meta.total</c>); items: how many came back in the answer.</summary>
    private sealed record Latency(double P50Ms, double P99Ms, int Runs, long Matches, int Items, long Bytes);

    /// <summary>Seconds from the new process's start, null when not reached; the CRITICAL count before the stop and the last seen.</summary>
    private sealed record Back(double? ReadySeconds, double? AllStatesSeconds, long Expected, long? Last);

    public static async Task RunAsync(RestartableChild ours, string ourAuth, SideBySideBench.Icinga icinga, string theirAuth, int objects,
        double configSeconds, long oursRss, long theirRss)
    {
        using var ourHttp = Client(ourAuth, selfSigned: false);
        using var theirHttp = Client(theirAuth, selfSigned: true);
        Console.WriteLine();
        var ourState = await TimeAsync(ourHttp, ours.Ready.TrimEnd('/') + OurStatePage, OurPage, "ours: state filter");
        var theirState = await TimeAsync(theirHttp, icinga.Url + TheirState, TheirResults, "icinga2: state filter");
        var ourRegex = await TimeAsync(ourHttp, ours.Ready.TrimEnd('/') + OurRegexPage, OurPage, "ours: regex filter");
        var theirRegex = await TimeAsync(theirHttp, icinga.Url + TheirRegex, TheirResults, "icinga2: regex filter");
        var ourBack = await RestartOursAsync(ours, ourHttp);
        Print("ours: restart", ourBack);
        var theirBack = await RestartIcingaAsync(icinga, theirHttp);
        Print("icinga2: restart", theirBack);

        Console.WriteLine();
        Console.WriteLine($"Scale phase, {objects} objects (filters: one connection, sequential requests from the bench process):");
        Console.WriteLine();
        Console.WriteLine("| figure | ours | Icinga 2 |");
        Console.WriteLine("| --- | --- | --- |");
        Console.WriteLine($"| state filter p50 / p99 ms | {Cell(ourState)} | {Cell(theirState)} |");
        Console.WriteLine($"| regex filter p50 / p99 ms | {Cell(ourRegex)} | {Cell(theirRegex)} |");
        Console.WriteLine($"| restart until ready s | {Seconds(ourBack.ReadySeconds)} | {Seconds(theirBack.ReadySeconds)} |");
        Console.WriteLine($"| restart until all live states s | {AllStates(ourBack)} | {AllStates(theirBack)} |");
        Console.WriteLine($"| configuration POST docs/s | {objects / configSeconds:N0} | — |");
        Console.WriteLine($"| RSS per object KiB | {oursRss / (double)objects / 1024:F1} | {theirRss / (double)objects / 1024:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Ours answers a page of 25 ({ourState.Bytes:N0} and {ourRegex.Bytes:N0} bytes); Icinga 2 every match, names and states only " +
            $"({theirState.Bytes:N0} and {theirRegex.Bytes:N0} bytes): its API has no paging. Icinga 2 has no configuration POST: its objects come " +
            "from its config files. Ready: ours /health/ready, Icinga 2 its API answering; all live states: as many services CRITICAL as before the stop.");
    }

    /// <summary>
    /// Sequential GETs of one URL, each timed to the whole answer read (as a client receives it). Each must be 200 and
    /// have found something, or the figure would time an error or an empty answer. One warm-up answer, not counted.
    /// </summary>
    private static async Task<Latency> TimeAsync(HttpClient http, string url, Func<JsonNode, (long Matches, int Items)> read, string what)
    {
        await GetCheckedAsync(http, url, read, what);
        var timings = new List<double>(MaxRuns);
        (long Matches, int Items) found = default;
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        while (timings.Count < MaxRuns && (timings.Count < MinRuns || clock.Elapsed < RunsFor))
        {
            var watch = Stopwatch.StartNew();
            var (status, body) = await GetAsync(http, url);
            timings.Add(watch.Elapsed.TotalMilliseconds);
            found = Check(status, body, read, what);
            bytes = body.Length;
        }
        timings.Sort();
        var latency = new Latency(Percentile(timings, 50), Percentile(timings, 99), timings.Count, found.Matches, found.Items, bytes);
        Console.WriteLine($"{what}: p50 {latency.P50Ms:F2} ms, p99 {latency.P99Ms:F2} ms, {latency.Runs} runs; {latency.Items} of {latency.Matches} " +
            $"matches in each answer, {latency.Bytes:N0} bytes");
        return latency;
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task<(long Matches, int Items)> GetCheckedAsync(HttpClient http, string url, Func<JsonNode, (long Matches, int Items)> read,
        string what)
    {
        var (status, body) = await GetAsync(http, url);
        return Check(status, body, read, what);
    }

    private static (long Matches, int Items) Check(HttpStatusCode status, byte[] body, Func<JsonNode, (long Matches, int Items)> read, string what)
    {
        if (status != HttpStatusCode.OK)
            throw new InvalidOperationException($"{what}: HTTP {(int)status} {Encoding.UTF8.GetString(body, 0, Math.Min(500, body.Length))}");
        var found = read(JsonNode.Parse(body)!);
        if (found.Matches == 0)
            throw new InvalidOperationException($"{what}: no match, the figure would time an empty answer (did the loads leave no service CRITICAL?)");
        return found;
    }

    private static (long Matches, int Items) OurPage(JsonNode answer) => ((long)answer["_meta"]!["total"]!, answer["_items"]!.AsArray().Count);

    private static (long Matches, int Items) TheirResults(JsonNode answer)
    {
        var count = answer["results"]!.AsArray().Count;
        return (count, count);
    }

    /// <summary>
    /// SIGTERM to our server (it drains and flushes), then the same command on the same SQLite file, timed from the new
    /// process's start: until /health/ready says 200, then until the state filter counts the CRITICAL services it
    /// counted before the stop (the live states are recovered, not only the documents).
    /// </summary>
    private static async Task<Back> RestartOursAsync(RestartableChild ours, HttpClient http)
    {
        var (expected, _) = await GetCheckedAsync(http, ours.Ready.TrimEnd('/') + OurStateTotal, OurPage, "ours: CRITICAL before the stop");
        var pid = ours.Pid;
        var (exitCode, took) = await ours.StopAsync(StopWithin);
        Console.WriteLine($"ours: PID {pid} stopped by SIGTERM in {took.TotalSeconds:F1} s, exit code {exitCode}; {expected} services CRITICAL before");
        var clock = Stopwatch.StartNew();
        await ours.StartAgainAsync();
        var url = ours.Ready.TrimEnd('/');
        Console.WriteLine($"ours: started again as PID {ours.Pid}, listening at {url} after {clock.Elapsed.TotalSeconds:F1} s");
        return await WaitBackAsync(clock, expected, () => ours.HasExited,
            () => AnswersOkAsync(http, url + "/health/ready"),
            () => TryCountAsync(http, url + OurStateTotal, OurPage));
    }

    /// <summary>
    /// SIGTERM to Icinga 2's daemon (its worker writes the state file), then the bench's same command, timed from the new
    /// process's start until its API answers with as many services in state 2 as before the stop.
    /// </summary>
    private static async Task<Back> RestartIcingaAsync(SideBySideBench.Icinga icinga, HttpClient http)
    {
        var url = icinga.Url + TheirStateNames;
        var (expected, _) = await GetCheckedAsync(http, url, TheirResults, "icinga2: CRITICAL before the stop");
        var pids = string.Join(", ", icinga.Pids());
        var (exitCode, took) = await icinga.StopAsync(StopWithin);
        Console.WriteLine($"icinga2: PIDs {pids} stopped by SIGTERM in {took.TotalSeconds:F1} s, exit code {exitCode}; {expected} services CRITICAL before");
        var clock = Stopwatch.StartNew();
        icinga.StartAgain();
        var back = await WaitBackAsync(clock, expected, () => icinga.Exited, ready: null, () => TryCountAsync(http, url, TheirResults));
        Console.WriteLine($"icinga2: started again as PIDs {string.Join(", ", icinga.Pids())}");
        return back;
    }

    /// <summary>
    /// Polls every 100 ms: first until ready (without a readiness probe, until the count answers at all), then until
    /// the count is the one before the stop. Fails when the process exits meanwhile.
    /// </summary>
    private static async Task<Back> WaitBackAsync(Stopwatch clock, long expected, Func<bool> exited, Func<Task<bool>>? ready, Func<Task<long?>> count)
    {
        double? readyAt = null;
        long? last = null;
        while (clock.Elapsed < BackWithin)
        {
            if (exited()) throw new InvalidOperationException("the server exited while starting again");
            long? seen = null;
            if (readyAt is null && (ready is null ? (seen = await count()) is not null : await ready()))
                readyAt = clock.Elapsed.TotalSeconds;
            if (readyAt is not null)
            {
                seen ??= await count();
                last = seen ?? last;
                if (seen == expected) return new Back(readyAt, clock.Elapsed.TotalSeconds, expected, last);
            }
            await Task.Delay(PollEvery);
        }
        return new Back(readyAt, null, expected, last);
    }

    private static async Task<bool> AnswersOkAsync(HttpClient http, string url)
    {
        using var timeout = new CancellationTokenSource(PollTimeout);
        try
        {
            using var response = await http.GetAsync(url, timeout.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException) { return false; }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>The matches of a 200 answer; null for anything else (refused, 503 while starting, a poll timed out).</summary>
    private static async Task<long?> TryCountAsync(HttpClient http, string url, Func<JsonNode, (long Matches, int Items)> read)
    {
        using var timeout = new CancellationTokenSource(PollTimeout);
        try
        {
            using var response = await http.GetAsync(url, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            return read(JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(timeout.Token))!).Matches;
        }
        catch (HttpRequestException) { return null; }
        catch (OperationCanceledException) { return null; }
    }

    /// <summary>One connection (so the filters' figures are sequential latency), the bench's credentials on every request.</summary>
    private static HttpClient Client(string auth, bool selfSigned)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1 };
        if (selfSigned) handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", auth);
        http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return http;
    }

    private static void Print(string what, Back back) => Console.WriteLine($"{what}: " +
        (back.ReadySeconds is { } r ? $"ready after {r:F1} s, " : $"ready {Seconds(null)}, ") +
        (back.AllStatesSeconds is { } s ? $"every live state back after {s:F1} s" : $"live states not back: {AllStates(back)}"));

    /// <summary>Nearest rank.</summary>
    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Cell(Latency latency) => $"{latency.P50Ms:F2} / {latency.P99Ms:F2} ({latency.Runs} runs)";

    private static string Seconds(double? seconds) => seconds is { } s ? $"{s:F1}" : $"not within {BackWithin.TotalSeconds:F0} s";

    private static string AllStates(Back back) => back.AllStatesSeconds is { } s ? $"{s:F1}"
        : $"not within {BackWithin.TotalSeconds:F0} s ({back.Last?.ToString() ?? "no answer"} of {back.Expected} CRITICAL)";
}

/// <summary>
/// Our server as a child the scale phase can stop and start again on the same database, with the same command and
/// environment: whichever process runs is the one the bench's <c>await using</c> stops by its PID at the end.
/// </summary>
internal sealed class RestartableChild : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly Dictionary<string, string> _environment;
    private readonly Regex _ready;
    private PushBench.Child? _current;

    private RestartableChild(string[] arguments, Dictionary<string, string> environment, Regex ready)
    {
        _arguments = arguments;
        _environment = environment;
        _ready = ready;
    }

    private PushBench.Child Current => _current ?? throw new InvalidOperationException("the server is stopped");
    public int Pid => Current.Pid;
    public string Ready => Current.Ready;
    public bool HasExited => _current is null || _current.HasExited;

    public static async Task<RestartableChild> StartAsync(string[] arguments, Dictionary<string, string> environment, Regex ready)
    {
        var child = new RestartableChild(arguments, environment, ready);
        await child.StartAgainAsync();
        return child;
    }

    /// <summary>Starts the process (again); returns once it says where it listens.</summary>
    public async Task StartAgainAsync()
    {
        if (_current is not null) throw new InvalidOperationException("the server still runs");
        _current = await PushBench.Child.StartAsync(_arguments, _environment, _ready);
    }

    /// <summary>SIGTERM by its PID and its exit; killed if it does not exit in time.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> StopAsync(TimeSpan within)
    {
        var child = Current;
        _current = null;
        await using (child) return await child.TerminateAsync(within);
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is not { } child) return;
        _current = null;
        await child.DisposeAsync();
    }
}

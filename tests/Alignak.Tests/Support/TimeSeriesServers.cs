using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Support;

/// <summary>A server process of our own (never a system service), stopped by its PID.</summary>
public abstract class OwnServer : IAsyncDisposable
{
    private Process? _process;
    private readonly StringBuilder _output = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("alignak-tsdb-").FullName;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>CPU time the server process used so far (zero when it is not running).</summary>
    public TimeSpan ProcessorTime => _process is { HasExited: false } process ? process.TotalProcessorTime : TimeSpan.Zero;

    protected abstract ProcessStartInfo StartInfo();

    protected abstract Task<bool> ReadyAsync();

    public async Task StartAsync()
    {
        var start = StartInfo();
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{start.FileName} exited:\n{Output}");
            if (await ReadyAsync()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{start.FileName} did not start:\n{Output}");
    }

    /// <summary>SIGTERM (a clean stop: carbon writes its cache out), then waits for the process to end.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process) return;
        await TerminateAsync(process.Id);
        if (!await ExitedAsync(process, TimeSpan.FromSeconds(30))) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    private static async Task<bool> ExitedAsync(Process process, TimeSpan within)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(within);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task TerminateAsync(int pid)
    {
        using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

/// <summary>carbon-cache with its own configuration: loopback ports, 1 s resolution, every point written at once.</summary>
public sealed class CarbonServer : OwnServer
{
    public int PicklePort { get; } = FreePort();
    public int LinePort { get; } = FreePort();
    private readonly int _queryPort = FreePort();

    private string Config => Path.Combine(Folder, "carbon.conf");
    public string WhisperFolder => Path.Combine(Folder, "whisper");

    /// <param name="retentions">Carbon's retentions: 1 s points kept an hour by default.</param>
    public CarbonServer(string retentions = "1s:1h")
    {
        Directory.CreateDirectory(WhisperFolder);
        Directory.CreateDirectory(Path.Combine(Folder, "log"));
        File.WriteAllText(Config, $"""
            [cache]
            STORAGE_DIR = {Folder}/
            LOCAL_DATA_DIR = {WhisperFolder}/
            WHITELISTS_DIR = {Folder}/
            CONF_DIR = {Folder}/
            LOG_DIR = {Folder}/log/
            PID_DIR = {Folder}/
            MAX_CACHE_SIZE = inf
            MAX_UPDATES_PER_SECOND = 100000
            MAX_CREATES_PER_MINUTE = inf
            LINE_RECEIVER_INTERFACE = 127.0.0.1
            LINE_RECEIVER_PORT = {LinePort}
            PICKLE_RECEIVER_INTERFACE = 127.0.0.1
            PICKLE_RECEIVER_PORT = {PicklePort}
            CACHE_QUERY_INTERFACE = 127.0.0.1
            CACHE_QUERY_PORT = {_queryPort}
            ENABLE_UDP_LISTENER = False
            WHISPER_AUTOFLUSH = True
            LOG_LISTENER_CONNECTIONS = False
            ENABLE_TAGS = False
            """);
        File.WriteAllText(Path.Combine(Folder, "storage-schemas.conf"), $"[default]\npattern = .*\nretentions = {retentions}\n");
        File.WriteAllText(Path.Combine(Folder, "storage-aggregation.conf"), "[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n");
    }

    protected override ProcessStartInfo StartInfo() => new("carbon-cache", [$"--config={Config}", "--nodaemon", "start"]);

    protected override Task<bool> ReadyAsync() => AcceptsAsync(PicklePort);

    public string FileOf(string path) => Path.Combine(WhisperFolder, Path.Combine(path.Split('.')) + ".wsp");

    /// <summary>The non-null (timestamp, value) points of a series between two times, read with whisper-fetch.</summary>
    public static async Task<IReadOnlyList<(long Time, double Value)>> FetchAsync(string file, long from, long until)
    {
        if (!File.Exists(file)) return [];
        var fetch = Process.Start(new ProcessStartInfo("whisper-fetch", ["--json", $"--from={from - 1}", $"--until={until}", file])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var text = await fetch.StandardOutput.ReadToEndAsync();
        await fetch.WaitForExitAsync();
        if (fetch.ExitCode != 0) throw new InvalidOperationException($"whisper-fetch {file}: {await fetch.StandardError.ReadToEndAsync()}");
        var json = JsonNode.Parse(text)!;
        var start = (long)json["start"]!;
        var step = (long)json["step"]!;
        var values = json["values"]!.AsArray();
        var points = new List<(long, double)>();
        for (var i = 0; i < values.Count; i++)
            if (values[i] is { } value) points.Add((start + i * step, (double)value));
        return points;
    }
}

/// <summary>influxd 1.x with its own folders, HTTP on a loopback port, authentication on and an admin user.</summary>
public sealed class InfluxServer : OwnServer
{
    public const string Admin = "alignak", Password = "s3cret-pass";
    public int HttpPort { get; } = FreePort();
    private readonly int _rpcPort = FreePort();
    private readonly HttpClient _http;

    private string Config => Path.Combine(Folder, "influxdb.conf");

    public InfluxServer()
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };
        File.WriteAllText(Config, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{_rpcPort}"
            [meta]
              dir = "{Folder}/meta"
            [data]
              dir = "{Folder}/data"
              wal-dir = "{Folder}/wal"
              query-log-enabled = false
            [http]
              bind-address = "127.0.0.1:{HttpPort}"
              auth-enabled = true
              log-enabled = false
            [monitor]
              store-enabled = false
            """);
    }

    protected override ProcessStartInfo StartInfo() => new("influxd", ["run", "-config", Config]);

    protected override async Task<bool> ReadyAsync()
    {
        try { return (await _http.GetAsync("/ping")).StatusCode == HttpStatusCode.NoContent; }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>Starts the server, creates the admin user (allowed once, while there is none) and a database.</summary>
    public async Task StartWithDatabaseAsync(string database)
    {
        await StartAsync();
        await QueryAsync($"CREATE USER {Admin} WITH PASSWORD '{Password}' WITH ALL PRIVILEGES", authenticate: false);
        await QueryAsync($"CREATE DATABASE \"{database}\"");
    }

    /// <summary>Runs an InfluxQL query (POST /query, epoch seconds) and returns its first result.</summary>
    public async Task<JsonNode> QueryAsync(string query, string? database = null, bool authenticate = true)
    {
        var form = new Dictionary<string, string> { ["q"] = query, ["epoch"] = "s" };
        if (database is not null) form["db"] = database;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/query") { Content = new FormUrlEncodedContent(form) };
        if (authenticate)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Admin}:{Password}")));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{query}: {response.StatusCode} {body}");
        var result = JsonNode.Parse(body)!["results"]![0]!;
        if (result["error"] is { } error) throw new InvalidOperationException($"{query}: {error}");
        return result;
    }

    /// <summary>Rows of a SELECT as column → value objects.</summary>
    public async Task<IReadOnlyList<JsonObject>> RowsAsync(string query, string database)
    {
        var result = await QueryAsync(query, database);
        var rows = new List<JsonObject>();
        foreach (var series in result["series"]?.AsArray() ?? [])
        {
            var columns = series!["columns"]!.AsArray().Select(c => (string)c!).ToList();
            foreach (var values in series["values"]!.AsArray())
            {
                var row = new JsonObject();
                for (var i = 0; i < columns.Count; i++) row[columns[i]] = values![i]?.DeepClone();
                rows.Add(row);
            }
        }
        return rows;
    }
}

/// <summary>
/// VictoriaMetrics from Debian: it speaks InfluxDB 2.x's write API (<c>/api/v2/write</c>, what InfluxDB.Client uses)
/// and answers reads at <c>/api/v1/export</c>, so it stands in for an InfluxDB 2.x server, which Debian lacks.
/// A point's field <c>value</c> of measurement <c>m</c> is stored as the series <c>m_value</c>.
/// </summary>
public sealed class VictoriaMetricsServer : OwnServer
{
    public int HttpPort { get; } = FreePort();
    private readonly HttpClient _http;

    public VictoriaMetricsServer() => _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}") };

    protected override ProcessStartInfo StartInfo() => new("victoria-metrics",
        [$"-httpListenAddr=127.0.0.1:{HttpPort}", $"-storageDataPath={Folder}/data", "-search.disableCache", "-loggerLevel=ERROR"]);

    protected override async Task<bool> ReadyAsync()
    {
        try { return (await _http.GetAsync("/health")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>The (timestamp in seconds, value) pairs of one series, e.g. <c>{__name__="time_value",host="web1"}</c>.</summary>
    public async Task<IReadOnlyList<(long Time, double Value)>> ExportAsync(string selector)
    {
        using var response = await _http.GetAsync("/api/v1/export?match[]=" + Uri.EscapeDataString(selector));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"export {selector}: {response.StatusCode} {body}");
        var points = new List<(long, double)>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var series = JsonNode.Parse(line)!;
            var values = series["values"]!.AsArray();
            var times = series["timestamps"]!.AsArray();
            for (var i = 0; i < values.Count; i++) points.Add(((long)times[i]! / 1000, (double)values[i]!));
        }
        return points.OrderBy(p => p.Item1).ToList();
    }
}

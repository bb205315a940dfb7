using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Alignak.Tests.Support;

/// <summary>
/// The server as a real child process (the built alignak-actors.dll), for what only a real process
/// shows: a kill -9, the exit code and message of bad settings.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Uri Address => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("not listening");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public int Id => _process.Id;

    private ServerProcess(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "alignak-actors.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ALIGNAK_BACKEND_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("server exited:\n" + Output));
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s""]+)")]
    private static partial Regex ListeningLine();

    /// <summary>Starts the server with settings from the environment (ALIGNAK_BACKEND_*), port chosen by the OS.</summary>
    public static ServerProcess Launch(TestDatabase database, IReadOnlyDictionary<string, string>? extra = null, string? workingDirectory = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_HOST"] = "127.0.0.1",
            ["ALIGNAK_BACKEND_PORT"] = "0",
            ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = database.ProviderSetting,
            ["ALIGNAK_BACKEND_DATABASE"] = database.ConnectionString,
            ["ALIGNAK_BACKEND_PASSWORD_HASH_ITERATIONS"] = "1000",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) environment[k] = v;
        return Launch(environment, workingDirectory ?? Path.GetTempPath());
    }

    public static ServerProcess Launch(IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var server = new ServerProcess(environment, workingDirectory);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    public static async Task<ServerProcess> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string>? extra = null)
    {
        var server = Launch(database, extra);
        try
        {
            await server.WaitListeningAsync();
        }
        catch
        {
            // Never leave a server behind when it did not come up (or was not recognised as up).
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public async Task<Uri> WaitListeningAsync() => await _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

    public async Task<int> WaitExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as systemd's stop sends it; returns the exit code and how long the process took to end.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan within)
    {
        var started = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the server did not exit within {within.TotalSeconds} s of SIGTERM:\n{Output}");
        }
        return (_process.ExitCode, started.Elapsed);
    }

    /// <summary>SIGKILL: no shutdown hook runs.</summary>
    public void Kill9()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public EveClient Client() => new(Address);

    public ValueTask DisposeAsync()
    {
        Kill9();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

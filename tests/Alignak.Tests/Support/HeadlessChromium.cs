using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Support;

/// <summary>
/// Debian's chromium, headless, on a throw-away profile, with no network beyond loopback (tests/services.sh installs
/// it). Either renders a page once (<see cref="DumpDomAsync"/>) or is driven through the DevTools protocol
/// (<see cref="OpenAsync"/>): navigate, evaluate JavaScript in the page, wait for a condition.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Executable = "/usr/bin/chromium";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _devTools = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    private static (Process, string) Launch(params string[] arguments)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run tests/services.sh, which installs Debian's chromium");
        var profile = Directory.CreateTempSubdirectory("alignak-chromium-").FullName;
        var start = new ProcessStartInfo(Executable,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", .. arguments,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return (Process.Start(start)!, profile);
    }

    /// <summary>The page's DOM after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(Uri page)
    {
        var (browser, profile) = Launch("--virtual-time-budget=10000", "--dump-dom", page.ToString());
        try
        {
            var dom = browser.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = browser.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await browser.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
            return await dom;
        }
        finally
        {
            browser.Dispose();
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>A browser whose first tab is driven by the test.</summary>
    public static async Task<HeadlessChromium> OpenAsync()
    {
        var (process, profile) = Launch("--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,900", "about:blank");
        _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var browser = new HeadlessChromium(process, profile);
        try
        {
            // Chromium writes the port it chose into the profile.
            var portFile = Path.Combine(profile, "DevToolsActivePort");
            var deadline = DateTime.UtcNow + Patience;
            while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "chromium did not open its DevTools port");
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            var port = int.Parse(File.ReadAllLines(portFile)[0]);
            using var http = new HttpClient();
            var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list", TestContext.Current.CancellationToken))!.AsArray();
            var page = targets.First(t => (string?)t!["type"] == "page")!;
            await browser._devTools.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), TestContext.Current.CancellationToken);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    private async Task<JsonObject> CallAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _devTools.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true,
            TestContext.Current.CancellationToken);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await _devTools.ReceiveAsync(buffer, TestContext.Current.CancellationToken).WaitAsync(Patience);
                message.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            var reply = JsonNode.Parse(message.ToArray())!.AsObject();
            // Events arrive in between; only the answer to this call matters.
            if ((int?)reply["id"] != id) continue;
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]!.AsObject();
        }
    }

    public Task NavigateAsync(Uri page) => CallAsync("Page.navigate", new JsonObject { ["url"] = page.ToString() });

    /// <summary>Evaluates a JavaScript expression in the page (awaiting a promise) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await CallAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true,
        });
        if (result["exceptionDetails"] is { } exception) throw new InvalidOperationException($"{expression}: {exception.ToJsonString()}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>Waits until the expression is true in the page; fails with what <paramref name="describe"/> shows then.</summary>
    public async Task WaitForAsync(string expression, string what, string describe = "document.body.innerText")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await EvaluateAsync($"Boolean({expression})") is JsonValue value && value.GetValue<bool>()) return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The page never showed {what} within {Patience.TotalSeconds} s; it shows: {await EvaluateAsync(describe)}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _devTools.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_profile, recursive: true);
    }
}

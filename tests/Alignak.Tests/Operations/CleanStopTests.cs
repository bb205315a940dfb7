using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alignak.Tests.Operations;

/// <summary>SIGTERM to a real server process, idle and under a stream of check results.</summary>
public sealed class CleanStopTests
{
    private static readonly TimeSpan ServiceStopTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_idle_server_exits_0_within_a_few_seconds_of_SIGTERM()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = await ServerProcess.StartAsync(database);
        using (var client = server.Client())
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

        var (exitCode, took) = await server.TerminateAsync(ServiceStopTimeout);

        Assert.Equal(0, exitCode);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took.TotalSeconds:F1} s");
        Assert.Contains("Exiting completed", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task SIGTERM_during_a_stream_of_check_results_exits_0_within_10_s_and_keeps_every_acknowledged_result(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        const int services = 20;
        var acknowledged = new ConcurrentDictionary<string, ConcurrentBag<(long Time, string Output)>>();
        var refusedWhileStopping = 0;
        var baseTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 100_000;
        string hostId;
        string[] serviceIds;
        int exitCode;
        TimeSpan took;

        await using (var server = await ServerProcess.StartAsync(database))
        {
            using var client = await server.Client().AsAsync();
            var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "box" });
            hostId = (string)host!["_id"]!;
            var (_, created) = await client.PostAsync("/service", new JsonArray(Enumerable.Range(0, services)
                .Select(i => (JsonNode)new JsonObject { ["name"] = $"s{i}", ["host"] = hostId }).ToArray()));
            serviceIds = created!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToArray();

            // Eight senders post results one by one (each its own services) until the server is gone.
            var senders = Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
            {
                using var http = await server.Client().AsAsync();
                for (var n = 0; ; n++)
                {
                    var service = serviceIds[sender + 8 * (n % 2)];
                    var output = $"result {sender}-{n}";
                    var time = baseTime + n;
                    try
                    {
                        var (status, _) = await http.PostAsync("/checkresult", new JsonObject
                        {
                            ["host"] = hostId, ["service"] = service, ["exit_status"] = n % 3 == 0 ? 0 : 2, ["output"] = output, ["check_time"] = time,
                        });
                        if (status == HttpStatusCode.Created) acknowledged.GetOrAdd(service, _ => []).Add((time, output));
                        else if (status == HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref refusedWhileStopping);
                        else throw new InvalidOperationException($"unexpected {status}");
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToArray();
            await Task.Delay(3000, TestContext.Current.CancellationToken);
            var before = acknowledged.Values.Sum(b => b.Count);

            (exitCode, took) = await server.TerminateAsync(ServiceStopTimeout);
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{provider}: {before} results before SIGTERM, {acknowledged.Values.Sum(b => b.Count)} acknowledged, {refusedWhileStopping} refused with 503; exit {exitCode} after {took.TotalSeconds:F2} s");
            Assert.True(before > 50, $"the senders got {before} results in before the stop");
            Assert.Equal(0, exitCode);
            Assert.True(took < ServiceStopTimeout, $"took {took.TotalSeconds:F1} s");
        }

        await using var restarted = await ServerProcess.StartAsync(database);
        using var check = await restarted.Client().AsAsync();
        var history = await check.AllAsync("history",
            "where=" + Uri.EscapeDataString(new JsonObject { ["host"] = hostId, ["type"] = "check.result" }.ToJsonString()));
        var messages = history.Select(h => (string)h["message"]!).ToHashSet();
        foreach (var (service, results) in acknowledged)
        {
            var stored = (await check.GetAsync($"/service/{service}")).Body!;
            Assert.True((long?)stored["ls_last_check"] >= results.Max(r => r.Time), $"{service}: {stored["ls_last_check"]}");
            foreach (var (_, output) in results)
                Assert.Contains(messages, m => m.EndsWith("): " + output, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Once the host is told to stop (what SIGTERM does), readiness is false and new requests get 503 while Kestrel
    /// still runs: the check runs inside the first stopping callback, before any hosted service stops.
    /// </summary>
    [Fact]
    public async Task Once_stopping_readiness_is_false_and_new_requests_get_503()
    {
        await using var database = TestDatabase.Sqlite();
        var backend = await InProcessBackend.StartAsync(database);
        try
        {
            using var client = await backend.AdminAsync();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/realm")).Status);
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/health/ready", TestContext.Current.CancellationToken)).StatusCode);

            var seen = new TaskCompletionSource<(HttpStatusCode Realm, HttpStatusCode Ready, string ReadyBody, HttpStatusCode Live)>();
            var lifetime = backend.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(() =>
            {
                // Synchronous on purpose: the host waits for this callback before it stops Kestrel.
                var realm = client.GetAsync("/realm").GetAwaiter().GetResult().Status;
                var ready = client.Http.GetAsync("/health/ready").GetAwaiter().GetResult();
                var body = ready.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                var live = client.Http.GetAsync("/health/live").GetAwaiter().GetResult().StatusCode;
                seen.SetResult((realm, ready.StatusCode, body, live));
            });
            lifetime.StopApplication();
            var (realmStatus, readyStatus, readyBody, liveStatus) = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, realmStatus);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
            var checks = JsonNode.Parse(readyBody)!["checks"]!;
            Assert.Equal("Unhealthy", (string?)checks["lifecycle"]!["status"]);
            Assert.Equal("stopping", (string?)checks["lifecycle"]!["description"]);
            Assert.Equal("Healthy", (string?)checks["database"]!["status"]);
            Assert.Equal(HttpStatusCode.OK, liveStatus);
        }
        finally
        {
            await backend.DisposeAsync();
        }
    }
}

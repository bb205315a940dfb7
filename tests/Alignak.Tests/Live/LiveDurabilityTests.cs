using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Live;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Live;

/// <summary>Live state across kill -9 and restarts of a real server process, on SQLite and PostgreSQL.</summary>
public sealed class LiveDurabilityTests
{
    private static string Where(JsonObject where) => "where=" + Uri.EscapeDataString(where.ToJsonString());

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Every_acknowledged_result_survives_a_kill_9_in_live_state_history_and_livesynthesis(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        const int services = 20;
        var acknowledged = new ConcurrentDictionary<string, ConcurrentBag<(long Time, string Output)>>();
        var baseTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 100_000;
        string hostId;
        string[] serviceIds;

        var server = await ServerProcess.StartAsync(database);
        try
        {
            using var client = await server.Client().AsAsync();
            var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "box" });
            hostId = (string)host!["_id"]!;
            var (_, created) = await client.PostAsync("/service", new JsonArray(Enumerable.Range(0, services)
                .Select(i => (JsonNode)new JsonObject { ["name"] = $"s{i}", ["host"] = hostId, ["max_check_attempts"] = 2 }).ToArray()));
            serviceIds = created!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToArray();

            // Four senders, each with its own services, post results one by one until the server dies under them.
            var killed = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
            {
                using var http = await server.Client().AsAsync();
                for (var n = 0; !killed.IsCancellationRequested; n++)
                {
                    var service = serviceIds[sender + 4 * (n % (services / 4))];
                    var output = $"result {sender}-{n}";
                    var time = baseTime + n;
                    try
                    {
                        var (status, _) = await http.PostAsync("/checkresult", new JsonObject
                        {
                            ["host"] = hostId, ["service"] = service, ["exit_status"] = n % 3 == 0 ? 0 : 2, ["output"] = output, ["check_time"] = time,
                        });
                        if (status == HttpStatusCode.Created) acknowledged.GetOrAdd(service, _ => []).Add((time, output));
                    }
                    catch (HttpRequestException)
                    {
                        return;
                    }
                }
            })).ToArray();
            await Task.Delay(2000, TestContext.Current.CancellationToken);
            server.Kill9();
            killed.Cancel();
            await Task.WhenAll(senders);
        }
        finally
        {
            await server.DisposeAsync();
        }
        Assert.True(acknowledged.Values.Sum(b => b.Count) > 50, "the senders got some results in before the kill");

        await using var restarted = await ServerProcess.StartAsync(database);
        using var check = await restarted.Client().AsAsync();
        var history = await check.AllAsync("history", Where(new JsonObject { ["host"] = hostId, ["type"] = "check.result" }));
        var messages = history.Select(h => (string)h["message"]!).ToList();
        Assert.Equal(messages.Count, messages.Distinct().Count());
        foreach (var (service, results) in acknowledged)
        {
            var stored = (await check.GetAsync($"/service/{service}")).Body!;
            // The last acknowledged result is applied (a later one may be too: it was stored but not answered).
            Assert.True((long?)stored["ls_last_check"] >= results.Max(r => r.Time), $"{service}: {stored["ls_last_check"]}");
            foreach (var (_, output) in results)
                Assert.Contains(messages, m => m.EndsWith("): " + output, StringComparison.Ordinal));
        }

        // Livesynthesis after the restart equals a count of what the services show.
        var all = await check.AllAsync("service", Where(new JsonObject { ["host"] = hostId }));
        var realm = (string)(await check.GetAsync($"/host/{hostId}")).Body!["_realm"]!;
        var synthesis = (await check.GetAsync($"/livesynthesis/{realm}")).Body!;
        foreach (var state in LiveSynthesis.ServiceStates)
            foreach (var type in new[] { "HARD", "SOFT" })
                Assert.Equal(all.Count(s => ((string)s["ls_state"]!).Equals(state, StringComparison.OrdinalIgnoreCase) && (string?)s["ls_state_type"] == type),
                    (int?)synthesis[$"services_{state}_{type.ToLowerInvariant()}"]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Ten_thousand_entities_recover_their_state_after_a_restart(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        const int count = 10_000;
        string hostId;
        int? hostOverall;
        await using (var server = await ServerProcess.StartAsync(database))
        {
            using var client = await server.Client().AsAsync();
            var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "big" });
            hostId = (string)host!["_id"]!;
            for (var batch = 0; batch < count / 1000; batch++)
            {
                var (status, _) = await client.PostAsync("/service", new JsonArray(Enumerable.Range(batch * 1000, 1000)
                    .Select(i => (JsonNode)new JsonObject { ["name"] = $"svc{i}", ["host"] = hostId }).ToArray()));
                Assert.Equal(HttpStatusCode.Created, status);
            }
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/checkresult", new JsonObject { ["host_name"] = "big", ["exit_status"] = 0, ["output"] = "up" })).Status);
            for (var batch = 0; batch < count / 100; batch++)
            {
                var (status, _) = await client.PostAsync("/checkresult", new JsonArray(Enumerable.Range(batch * 100, 100)
                    .Select(i => (JsonNode)new JsonObject { ["host_name"] = "big", ["service_name"] = $"svc{i}", ["exit_status"] = 1, ["output"] = $"w{i}" }).ToArray()));
                Assert.Equal(HttpStatusCode.Created, status);
            }
            // An UP host's overall state is its services' worst (WARNING: 3), which its entity keeps in memory only.
            var (_, before) = await client.GetAsync($"/host/{hostId}");
            hostOverall = (int?)before!["_overall_state_id"];
            Assert.Equal(3, hostOverall);
            server.Kill9();
        }

        // Serving starts with every live state loaded in bulk; the entities wake behind it.
        await using var restarted = await ServerProcess.StartAsync(database);
        Assert.Contains($"Loaded the live states of {count + 1} hosts and services", restarted.Output);
        using var check = await restarted.Client().AsAsync();
        var (_, page) = await check.GetAsync("/service?max_results=1&" + Where(new JsonObject { ["ls_state"] = "WARNING", ["ls_state_type"] = "HARD" }));
        Assert.Equal(count, (int?)page!["_meta"]!["total"]);
        var one = (await check.AllAsync("service", Where(new JsonObject { ["name"] = "svc4321" })))[0];
        Assert.Equal("w4321", (string?)one["ls_output"]);
        var (_, hostAfter) = await check.GetAsync($"/host/{hostId}");
        Assert.Equal(hostOverall, (int?)hostAfter!["_overall_state_id"]);

        // A result taken while the entities wake goes to its entity, recovered on the spot from its journal.
        var (lateStatus, _) = await check.PostAsync("/checkresult", new JsonObject { ["host_name"] = "big", ["service_name"] = "svc9999", ["exit_status"] = 2, ["output"] = "late" });
        Assert.Equal(HttpStatusCode.Created, lateStatus);
        var late = (await check.AllAsync("service", Where(new JsonObject { ["name"] = "svc9999" })))[0];
        Assert.Equal(("CRITICAL", "late"), ((string?)late["ls_state"], (string?)late["ls_output"]));
        for (var waited = 0; waited < 600 && !restarted.Output.Contains($"Recovered {count + 1} host and service entities"); waited++)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Contains($"Recovered {count + 1} host and service entities", restarted.Output);
    }

    [Fact]
    public async Task Snapshots_keep_the_journal_bounded_and_recovery_exact()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        string serviceId;
        const int results = 3 * LiveEntity.SnapshotEvery + 7;
        await using (var server = await ServerProcess.StartAsync(database))
        {
            using var client = await server.Client().AsAsync();
            var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "steady" });
            var (_, service) = await client.PostAsync("/service", new JsonObject { ["name"] = "load", ["host"] = (string)host!["_id"]! });
            serviceId = (string)service!["_id"]!;
            var baseTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - results;
            for (var n = 0; n < results; n++)
                Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/checkresult", new JsonObject
                {
                    ["host_name"] = "steady", ["service_name"] = "load", ["exit_status"] = n % 2 * 2, ["output"] = $"n={n}", ["check_time"] = baseTime + n,
                })).Status);
            // The journal is pruned after each snapshot (asynchronously, so the test waits for it).
            var rows = 0L;
            for (var attempt = 0; attempt < 50; attempt++)
            {
                rows = await JournalRows(database, $"service-{serviceId}");
                if (rows <= LiveEntity.SnapshotEvery + 1) break;
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            Assert.InRange(rows, 1, LiveEntity.SnapshotEvery + 1);
            server.Kill9();
        }

        await using var restarted = await ServerProcess.StartAsync(database);
        using var check = await restarted.Client().AsAsync();
        var stored = (await check.GetAsync($"/service/{serviceId}")).Body!;
        Assert.Equal($"n={results - 1}", (string?)stored["ls_output"]);
        Assert.Equal(("OK", "HARD"), ((string?)stored["ls_state"], (string?)stored["ls_state_type"]));
    }

    [Fact]
    public async Task A_hosts_overall_state_after_a_restart_is_its_services_worst_even_when_that_changed_without_a_host_event()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        string hostId;
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 100;
        await using (var server = await ServerProcess.StartAsync(database))
        {
            using var client = await server.Client().AsAsync();
            var (_, host) = await client.PostAsync("/host", new JsonObject { ["name"] = "box" });
            hostId = (string)host!["_id"]!;
            await client.PostAsync("/service", new JsonObject { ["name"] = "web", ["host"] = hostId, ["max_check_attempts"] = 1 });
            async Task Result(string? service, int exit) => Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/checkresult",
                new JsonObject { ["host_name"] = "box", ["service_name"] = service, ["exit_status"] = exit, ["check_time"] = ++time })).Status);
            async Task<int?> Overall() => (int?)(await client.GetAsync($"/host/{hostId}")).Body!["_overall_state_id"];

            await Result("web", 2);
            // The host's own result is an event: it stores the host with its services' worst, CRITICAL (4).
            await Result(null, 0);
            Assert.Equal(4, await Overall());
            // The service recovers: the host's worst moves in memory only, with no host event.
            await Result("web", 0);
            Assert.Equal(0, await Overall());
            server.Kill9();
        }

        await using var restarted = await ServerProcess.StartAsync(database);
        using var check = await restarted.Client().AsAsync();
        // At start-up the services report to their host by message: the host's new overall state follows at once.
        int? overall = null;
        for (var attempt = 0; attempt < 50 && overall != 0; attempt++)
        {
            if (attempt > 0) await Task.Delay(100, TestContext.Current.CancellationToken);
            overall = (int?)(await check.GetAsync($"/host/{hostId}")).Body!["_overall_state_id"];
        }
        Assert.Equal(0, overall);
    }

    private static async Task<long> JournalRows(TestDatabase database, string persistenceId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM alignak_journal WHERE persistence_id = @pid";
        command.Parameters.AddWithValue("@pid", persistenceId);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

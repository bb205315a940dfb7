using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Live;

namespace Alignak.Tests.Clustering;

/// <summary>
/// A node of three lost (killed, or stopped by its service manager): its host and service entities start on the
/// others from their journal, and every check result is accepted again, each continuing the state the lost node had
/// acknowledged. Each class has its own cluster (the test takes a node away).
/// </summary>
public abstract class FailoverTests(ClusterFixture cluster, ITestOutputHelper output)
{
    protected ClusterFixture Cluster => cluster;

    private const int Services = 30;

    /// <summary>
    /// Thirty services whose entities spread over the nodes' shards, each brought to WARNING SOFT attempt 2 of 3
    /// through node 1 (acknowledged: durable). Returns their ids.
    /// </summary>
    protected async Task<IReadOnlyList<string>> PrepareAsync()
    {
        var (status, host) = await cluster.Admins[0].PostAsync("/host", new JsonObject { ["name"] = $"failover-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Created, status);
        var hostId = (string)host!["_id"]!;
        var (posted, services) = await cluster.Admins[0].PostAsync("/service", new JsonArray(Enumerable.Range(0, Services)
            .Select(i => (JsonNode)new JsonObject { ["name"] = $"svc-{i}", ["host"] = hostId, ["max_check_attempts"] = 3 }).ToArray()));
        Assert.Equal(HttpStatusCode.Created, posted);
        var ids = services!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToList();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var (created, reply) = await cluster.Admins[0].PostAsync("/checkresult",
                new JsonArray(ids.Select(id => (JsonNode)Warning(hostId, id)).ToArray()));
            Assert.Equal(HttpStatusCode.Created, created);
            Assert.All(reply!["_items"]!.AsArray(), item =>
                Assert.Equal(("WARNING", "SOFT", attempt), ((string?)item!["ls_state"], (string?)item["ls_state_type"], (int?)item["ls_current_attempt"])));
        }
        _hostId = hostId;
        return ids;
    }

    private string? _hostId;

    private static JsonObject Warning(string hostId, string serviceId) =>
        new() { ["host"] = hostId, ["service"] = serviceId, ["exit_status"] = 1, ["output"] = "still warning" };

    /// <summary>
    /// One result per service, all at once, through node 1 (which stays): each must be accepted at the first try and
    /// be the third WARNING in a row (HARD), whichever node's entity answers, the recovered ones included. Returns
    /// when the last was answered.
    /// </summary>
    protected async Task<TimeSpan> EveryResultAcceptedAsync(IReadOnlyList<string> serviceIds, Stopwatch since)
    {
        var answered = await Task.WhenAll(serviceIds.Select(async id =>
        {
            var (created, item) = await cluster.Admins[0].PostAsync("/checkresult", Warning(_hostId!, id));
            Assert.True(created == HttpStatusCode.Created, $"service {id}: {created} {item}");
            // Attempt 3 of 3: the state acknowledged before the loss came back from the journal (a fresh entity says 1).
            Assert.Equal(("WARNING", "HARD", 3), ((string?)item!["ls_state"], (string?)item["ls_state_type"], (int?)item["ls_current_attempt"]));
            return since.Elapsed;
        }));
        return answered.Max();
    }

    protected void Say(string line) => output.WriteLine(line);
}

[Collection(ClusterFixture.Alone)]
public sealed class KilledNodeTests(ClusterFixture cluster, ITestOutputHelper output) : FailoverTests(cluster, output), IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_node_killed_with_SIGKILL_hands_its_entities_to_the_others_and_no_acknowledged_state_is_lost()
    {
        var services = await PrepareAsync();
        var clock = Stopwatch.StartNew();
        Cluster.Nodes[2].Kill9();
        var last = await EveryResultAcceptedAsync(services, clock);
        Say($"every result accepted again {last.TotalSeconds:F1} s after node 3 was killed");
        // A result sent to the dead node is lost with it; once the node is removed (detection ~4 s, the resolver's
        // stable-after 5 s, the removal margin 3 s) it goes again to where its entity starts now: well before the
        // entities' 30 s (LiveEntities.Timeout), so the sender never sees a 503.
        Assert.True(last < TimeSpan.FromSeconds(25), $"the last result was accepted {last.TotalSeconds:F1} s after the kill");
    }
}

[Collection(ClusterFixture.Alone)]
public sealed class StoppedNodeTests(ClusterFixture cluster, ITestOutputHelper output) : FailoverTests(cluster, output), IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_node_stopped_with_SIGTERM_exits_cleanly_and_hands_its_entities_over_at_once()
    {
        var services = await PrepareAsync();
        var clock = Stopwatch.StartNew();
        var (exitCode, took) = await Cluster.Nodes[2].TerminateAsync(TimeSpan.FromSeconds(15));
        Say($"node 3 exited {exitCode} after {took.TotalSeconds:F1} s");
        Assert.Equal(0, exitCode);
        Assert.True(took < TimeSpan.FromSeconds(10), $"node 3 took {took.TotalSeconds:F1} s to stop");
        var last = await EveryResultAcceptedAsync(services, clock);
        Say($"every result accepted again {last.TotalSeconds:F1} s after SIGTERM");
        // A node that leaves says so: no failure detection, no resolver wait.
        Assert.True(last < TimeSpan.FromSeconds(15), $"the last result was accepted {last.TotalSeconds:F1} s after SIGTERM");
    }
}

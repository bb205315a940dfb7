using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Clustering;

/// <summary>
/// Three real server processes on one PostgreSQL database (<see cref="ClusterFixture"/>). A resource's writer lives on
/// one node, so of the same write sent to each of the three nodes at least two cross to another node's writer.
/// </summary>
[Collection(ClusterFixture.Alone)]
public sealed class ClusterTests(ClusterFixture cluster, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(2);

    private static string Where(JsonObject filter) => "where=" + Uri.EscapeDataString(filter.ToJsonString());

    [Fact]
    public async Task Objects_created_on_any_node_are_listed_on_every_node_within_2_s_and_so_is_a_change()
    {
        output.WriteLine($"cluster ready in {cluster.StartedIn.TotalSeconds:F1} s");
        for (var node = 0; node < ClusterFixture.Size; node++)
        {
            var name = $"h-{node}-{Guid.NewGuid():N}";
            // Positive control: the query finds nothing before the write, so what it finds after is that write.
            foreach (var admin in cluster.Admins) Assert.Null(await admin.FindAsync("host", name));
            var (status, body) = await cluster.Admins[node].PostAsync("/host", new JsonObject { ["name"] = name });
            Assert.Equal(HttpStatusCode.Created, status);
            var clock = Stopwatch.StartNew();
            Assert.True(await cluster.SeenEverywhereAsync("host", name, Spread), $"host made on node {node + 1} not on every node within 2 s");
            output.WriteLine($"host made on node {node + 1} listed on all nodes after {clock.ElapsedMilliseconds} ms");

            // A change on this node, seen on the next one.
            var id = (string)body!["_id"]!;
            var other = cluster.Admins[(node + 1) % ClusterFixture.Size];
            var alias = $"alias-{Guid.NewGuid():N}";
            Assert.NotEqual(alias, (string?)(await other.GetAsync($"/host/{id}")).Body?["alias"]);
            var (patched, _) = await cluster.Admins[node].PatchAsync($"/host/{id}", new JsonObject { ["alias"] = alias }, (string)body["_etag"]!);
            Assert.Equal(HttpStatusCode.OK, patched);
            clock.Restart();
            while ((string?)(await other.GetAsync($"/host/{id}")).Body?["alias"] != alias)
            {
                Assert.True(clock.Elapsed < Spread, $"change on node {node + 1} not on node {(node + 1) % ClusterFixture.Size + 1} within 2 s");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }

    [Fact]
    public async Task A_write_on_every_node_gets_its_normal_reply_well_under_a_second_wherever_its_writer_lives()
    {
        // Each node's first write of a host warms its code paths; the measured ones follow.
        foreach (var admin in cluster.Admins)
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/host", new JsonObject { ["name"] = $"warm-{Guid.NewGuid():N}" })).Status);

        var slowest = TimeSpan.Zero;
        for (var round = 0; round < 3; round++)
            for (var node = 0; node < ClusterFixture.Size; node++)
            {
                var admin = cluster.Admins[node];
                var clock = Stopwatch.StartNew();
                var (created, body) = await admin.PostAsync("/host", new JsonObject { ["name"] = $"w-{node}-{Guid.NewGuid():N}" });
                var createTook = clock.Elapsed;
                Assert.Equal(HttpStatusCode.Created, created);
                Assert.Matches("^[0-9a-f]{24}$", (string)body!["_id"]!);
                var etag = (string)body["_etag"]!;
                Assert.False(string.IsNullOrEmpty(etag));

                clock.Restart();
                var (patched, after) = await admin.PatchAsync($"/host/{body["_id"]}", new JsonObject { ["alias"] = "patched" }, etag);
                var patchTook = clock.Elapsed;
                Assert.Equal(HttpStatusCode.OK, patched);
                Assert.NotEqual(etag, (string)after!["_etag"]!);
                output.WriteLine($"node {node + 1}: POST 201 in {createTook.TotalMilliseconds:F0} ms, PATCH 200 in {patchTook.TotalMilliseconds:F0} ms");
                slowest = new[] { slowest, createTook, patchTook }.Max();
            }
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest write took {slowest.TotalMilliseconds:F0} ms");
    }

    [Theory]
    // 200 services answer ~700 KB (one part); 400 are over the 1 MiB part budget, so the reply to a remote asker
    // and the publication both come in parts.
    [InlineData(200, 1)]
    [InlineData(400, 2)]
    public async Task A_list_of_services_posted_to_one_node_is_listed_whole_on_the_others(int count, int postedOn)
    {
        var hostName = $"bulk-{Guid.NewGuid():N}";
        var (status, host) = await cluster.Admins[0].PostAsync("/host", new JsonObject { ["name"] = hostName });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(await cluster.SeenEverywhereAsync("host", hostName, Spread));
        var hostId = (string)host!["_id"]!;
        var services = new JsonArray(Enumerable.Range(0, count)
            .Select(i => (JsonNode)new JsonObject { ["name"] = $"svc-{i}", ["host"] = hostId }).ToArray());

        var clock = Stopwatch.StartNew();
        var (posted, reply) = await cluster.Admins[postedOn].PostAsync("/service", services);
        output.WriteLine($"{count} services posted to node {postedOn + 1}: {posted} in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.Created, posted);
        var ids = reply!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToHashSet();
        Assert.Equal(count, ids.Count);

        clock.Restart();
        for (var node = 0; node < ClusterFixture.Size; node++)
        {
            var listed = new HashSet<string>();
            while (true)
            {
                listed = (await cluster.Admins[node].AllAsync("service", Where(new JsonObject { ["host"] = hostId }) + "&max_results=50"))
                    .Select(s => (string)s["_id"]!).ToHashSet();
                if (listed.SetEquals(ids) || clock.Elapsed > Spread) break;
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
            Assert.True(listed.SetEquals(ids), $"node {node + 1} lists {listed.Count} of the {count} services after {clock.ElapsedMilliseconds} ms");
        }
        output.WriteLine($"listed whole on every node after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Check_results_posted_to_any_node_are_answered_by_their_entities_wherever_they_live()
    {
        var (status, host) = await cluster.Admins[0].PostAsync("/host", new JsonObject { ["name"] = $"checked-{Guid.NewGuid():N}" });
        Assert.Equal(HttpStatusCode.Created, status);
        var hostId = (string)host!["_id"]!;
        // Thirty services fall in shards of every node: each node's list reaches entities on the other two.
        var (posted, services) = await cluster.Admins[0].PostAsync("/service", new JsonArray(Enumerable.Range(0, 30)
            .Select(i => (JsonNode)new JsonObject { ["name"] = $"svc-{i}", ["host"] = hostId }).ToArray()));
        Assert.Equal(HttpStatusCode.Created, posted);
        var serviceIds = services!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToList();
        foreach (var admin in cluster.Admins)
        {
            var clock = Stopwatch.StartNew();
            while ((await admin.AllAsync("service", Where(new JsonObject { ["host"] = hostId }))).Count < serviceIds.Count)
            {
                Assert.True(clock.Elapsed < Spread, "the services are not on every node within 2 s");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }

        for (var node = 0; node < ClusterFixture.Size; node++)
        {
            var said = $"from node {node + 1}";
            var results = new JsonArray(serviceIds.Select((id, i) => (JsonNode)new JsonObject
            {
                ["host"] = hostId, ["service"] = id, ["exit_status"] = (i + node) % 3, ["output"] = said,
            }).Append(new JsonObject { ["host"] = hostId, ["exit_status"] = 0, ["output"] = said }).ToArray());
            var clock = Stopwatch.StartNew();
            var (created, reply) = await cluster.Admins[node].PostAsync("/checkresult", results);
            output.WriteLine($"{results.Count} results posted to node {node + 1}: {created} in {clock.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.Created, created);
            var items = reply!["_items"]!.AsArray();
            Assert.Equal(results.Count, items.Count);
            Assert.All(items, item => Assert.True((bool)item!["applied"]!));
            for (var i = 0; i < serviceIds.Count; i++)
                Assert.Equal(((i + node) % 3) switch { 0 => "OK", 1 => "WARNING", _ => "CRITICAL" }, (string?)items[i]!["ls_state"]);

            // Read-your-writes on the node that took the results, wherever their entities live.
            var listed = await cluster.Admins[node].AllAsync("service", Where(new JsonObject { ["host"] = hostId }));
            Assert.All(listed, service => Assert.Equal(said, (string?)service["ls_output"]));
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Foundation;

/// <summary>A 2xx means durable: the server is killed with SIGKILL right after each acknowledged write.</summary>
public sealed class DurabilityTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Every_acknowledged_write_survives_a_kill_9(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        // Each step writes, gets its 2xx, and the process dies at once.
        string? parentId = null, childId = null, userId = null;
        await KillAfter(database, async client =>
        {
            var (status, body) = await client.PostAsync("/realm", new JsonObject { ["name"] = "Europe" });
            Assert.Equal(HttpStatusCode.Created, status);
            parentId = (string)body!["_id"]!;
        });
        await KillAfter(database, async client =>
        {
            var (status, body) = await client.PostAsync("/realm", new JsonObject { ["name"] = "France", ["_parent"] = parentId });
            Assert.Equal(HttpStatusCode.Created, status);
            childId = (string)body!["_id"]!;
        });
        await KillAfter(database, async client =>
        {
            var (status, body) = await client.PostAsync("/user", new JsonArray(
                new JsonObject { ["name"] = "operator", ["password"] = "op" },
                new JsonObject { ["name"] = "viewer", ["password"] = "view" }));
            Assert.Equal(HttpStatusCode.Created, status);
            userId = (string)body!["_items"]![0]!["_id"]!;
        });
        await KillAfter(database, async client =>
        {
            var realm = (await client.GetAsync($"/realm/{childId}")).Body!;
            var (status, _) = await client.PatchAsync($"/realm/{childId}", new JsonObject { ["alias"] = "République" }, (string)realm["_etag"]!);
            Assert.Equal(HttpStatusCode.OK, status);
        });
        await KillAfter(database, async client =>
        {
            var viewer = await client.FindAsync("user", "viewer");
            var (status, _) = await client.DeleteAsync($"/user/{viewer!["_id"]}", (string)viewer["_etag"]!);
            Assert.Equal(HttpStatusCode.NoContent, status);
        });

        await using var server = await ServerProcess.StartAsync(database);
        using var check = await server.Client().AsAsync();
        var europe = (await check.GetAsync($"/realm/{parentId}")).Body!;
        Assert.Equal([childId], europe["_children"]!.AsArray().Select(c => (string?)c));
        var france = (await check.GetAsync($"/realm/{childId}")).Body!;
        Assert.Equal("République", (string?)france["alias"]);
        Assert.Equal(2, (int?)france["_level"]);
        Assert.NotNull(await check.FindAsync("user", "operator"));
        Assert.Null(await check.FindAsync("user", "viewer"));
        Assert.Equal(2, (await check.AllAsync("user")).Count);
        Assert.Single(await check.AllAsync("userrestrictrole"), r => (string?)r["user"] == userId);

        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.NotEmpty(await EveClient.LoginAsync(http, "operator", "op"));
    }

    private static async Task KillAfter(TestDatabase database, Func<EveClient, Task> write)
    {
        var server = await ServerProcess.StartAsync(database);
        try
        {
            using var client = await server.Client().AsAsync();
            await write(client);
        }
        finally
        {
            server.Kill9();
            await server.DisposeAsync();
        }
    }
}

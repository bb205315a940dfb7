using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Compatibility;

/// <summary>
/// Writes of two resources that touch the same documents at once (a host's realm move updates its services while
/// the services are patched): memory and database end equal, and every 2xx is reflected.
/// </summary>
public sealed class ConsistentWritesTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private async Task<(HttpStatusCode Status, string? ETag)> PatchFresh(string path, JsonObject changes)
    {
        for (var attempt = 0; ; attempt++)
        {
            var etag = (string)(await fixture.Admin.GetAsync(path)).Body!["_etag"]!;
            var (status, body) = await fixture.Admin.PatchAsync(path, changes.DeepClone(), etag);
            // Another write changed the document between the read and the PATCH: read it again, as a client would.
            if (status == HttpStatusCode.PreconditionFailed && attempt < 50) continue;
            return (status, (string?)body?["_etag"]);
        }
    }

    [Fact]
    public async Task A_realm_move_while_services_are_patched_leaves_memory_and_database_equal()
    {
        var realms = new[]
        {
            (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = "move-1" }))["_id"]!,
            (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = "move-2" }))["_id"]!,
        };
        var host = (string)(await fixture.CreateAsync("host", new JsonObject { ["name"] = "moving", ["_realm"] = realms[0] }))["_id"]!;
        var (_, created) = await fixture.Admin.PostAsync("/service", new JsonArray(Enumerable.Range(0, 10).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"svc-{i}", ["host"] = host, ["_realm"] = realms[0],
        }).ToArray()));
        var services = created!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToList();

        var lastNotes = new Dictionary<string, string>();
        var finalRealm = realms[0];
        for (var round = 0; round < 3; round++)
        {
            var moves = Task.Run(async () =>
            {
                for (var i = 1; i <= 6; i++)
                {
                    var target = realms[i % 2];
                    var (status, _) = await PatchFresh($"/host/{host}", new JsonObject { ["_realm"] = target });
                    Assert.Equal(HttpStatusCode.OK, status);
                    finalRealm = target;
                }
            });
            var patches = Task.Run(async () =>
            {
                for (var i = 0; i < 3; i++)
                    foreach (var service in services)
                    {
                        var notes = $"round {round} pass {i}";
                        var (status, _) = await PatchFresh($"/service/{service}", new JsonObject { ["notes"] = notes });
                        Assert.Equal(HttpStatusCode.OK, status);
                        lastNotes[service] = notes;
                    }
            });
            await Task.WhenAll(moves, patches);

            var stored = (await fixture.Backend.Services.GetRequiredService<IDocumentStore>().LoadAllAsync(TestContext.Current.CancellationToken))
                .Where(c => c.Resource == "service" && services.Contains(c.Id))
                .ToDictionary(c => c.Id, c => JsonNode.Parse(c.Json!)!.AsObject());
            foreach (var service in services)
            {
                var (_, inMemory) = await fixture.Admin.GetAsync($"/service/{service}");
                var inDatabase = stored[service];
                // (The served ETag also covers the live state, which the documents table does not hold.)
                Assert.Equal((string?)inDatabase["_updated"], (string?)inMemory!["_updated"]);
                Assert.Equal(finalRealm, (string?)inDatabase["_realm"]);
                Assert.Equal(finalRealm, (string?)inMemory["_realm"]);
                Assert.Equal(lastNotes[service], (string?)inDatabase["notes"]);
                Assert.Equal(lastNotes[service], (string?)inMemory["notes"]);
            }
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;
using Alignak.Tests.Support;

namespace Alignak.Tests.Rights;

/// <summary>
/// Every realm-bound resource × read, update, delete × the realm positions, for a non-admin user of
/// realm A whose role covers realm A with or without its sub-realms.
/// </summary>
public sealed class EveryResourceRightsTests(SqliteRealmTreeFixture fixture) : IClassFixture<SqliteRealmTreeFixture>
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var schema in Samples.CreatableResources.Where(s => s.Fields.ContainsKey("_realm") && s.Name != "user"))
            foreach (var sub in new[] { false, true })
                data.Add(schema.Name, sub);
        return data;
    }

    private (string Realm, bool Shared) Where(string position) => position switch
    {
        "own" => (fixture.A, false),
        "child" => (fixture.A1, false),
        "sibling" => (fixture.B, true),
        "parent-shared" => (fixture.RealmAll, true),
        _ => (fixture.RealmAll, false),
    };

    private static bool Readable(string position, bool sub) => position == "own" || position == "parent-shared" || (position == "child" && sub);

    private static bool Writable(string position, bool sub) => position == "own" || (position == "child" && sub);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Read_update_and_delete_follow_the_realm_of_each_item(string resource, bool sub)
    {
        var items = new Dictionary<string, (string Id, string Field, JsonNode Value)>();
        foreach (var position in RealmTreeFixture.Positions)
        {
            var (realm, shared) = Where(position);
            var (document, field, value) = await Samples.Build(resource, realm, shared, fixture.SampleContext);
            var created = await fixture.CreateAsync(resource, document);
            items[position] = ((string)created["_id"]!, field, value);
        }

        var (reader, _) = await fixture.UserAsync(["read"], sub, canSubmitCommands: true);
        var (updater, _) = await fixture.UserAsync(["read", "update"], sub, canSubmitCommands: true);
        var (deleter, _) = await fixture.UserAsync(["read", "delete"], sub, canSubmitCommands: true);
        using var _r = reader;
        using var _u = updater;
        using var _d = deleter;
        foreach (var (position, (id, field, value)) in items)
        {
            var where = $"{resource} in {position} (sub-realms {sub})";
            Assert.True((Readable(position, sub) ? HttpStatusCode.OK : HttpStatusCode.NotFound) == (await reader.GetAsync($"/{resource}/{id}")).Status, where);

            var etag = (string)(await fixture.Admin.GetAsync($"/{resource}/{id}")).Body!["_etag"]!;
            // Actions are commands on a host: whoever reads the host and may submit commands changes them.
            var updatable = UserRights.IsAction(resource) ? Readable(position, sub) : Writable(position, sub);
            var (patched, _) = await updater.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, etag);
            Assert.True((updatable ? HttpStatusCode.OK : HttpStatusCode.NotFound) == patched, $"PATCH {where}: {patched}");

            etag = (string)(await fixture.Admin.GetAsync($"/{resource}/{id}")).Body!["_etag"]!;
            var (deleted, _) = await deleter.DeleteAsync($"/{resource}/{id}", etag);
            Assert.True((Writable(position, sub) ? HttpStatusCode.NoContent : HttpStatusCode.NotFound) == deleted, $"DELETE {where}: {deleted}");
        }
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Rights;

/// <summary>
/// A non-admin user of realm A, one role on realm A (with or without sub-realms), against items in
/// each realm position: the original's answer for each crud right (API.md 2.3).
/// </summary>
public abstract class RightsMatrixTests<TFixture>(TFixture fixture) where TFixture : RealmTreeFixture
{
    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var resource in new[] { "host", "command" })
            foreach (var position in RealmTreeFixture.Positions)
                foreach (var sub in new[] { false, true })
                    data.Add(resource, position, sub);
        return data;
    }

    private static bool ReadableAt(string position, bool sub) => position switch
    {
        "own" => true,
        "child" => sub,
        "parent-shared" => true, // an ancestor's item shared with sub-realms
        _ => false,
    };

    private static bool WritableAt(string position, bool sub) => position == "own" || (position == "child" && sub);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Read(string resource, string position, bool sub)
    {
        var (client, _) = await fixture.UserAsync(["read"], sub);
        using var _client = client;
        var id = fixture.Items[resource][position];
        var (status, _) = await client.GetAsync($"/{resource}/{id}");
        Assert.Equal(ReadableAt(position, sub) ? HttpStatusCode.OK : HttpStatusCode.NotFound, status);

        var where = "where=" + Uri.EscapeDataString(new JsonObject { ["name"] = new JsonObject { ["$regex"] = $"^{resource}-" } }.ToJsonString());
        var listed = await client.AllAsync(resource, where);
        Assert.Equal(ReadableAt(position, sub), listed.Any(d => (string?)d["_id"] == id));
        var (_, page) = await client.GetAsync($"/{resource}?{where}");
        Assert.Equal(RealmTreeFixture.Positions.Count(p => ReadableAt(p, sub)), (int?)page!["_meta"]!["total"]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Update(string resource, string position, bool sub)
    {
        var id = fixture.Items[resource][position];
        var (reader, _) = await fixture.UserAsync(["read"], sub);
        using var _reader = reader;
        var etag = (string)(await fixture.Admin.GetAsync($"/{resource}/{id}")).Body!["_etag"]!;
        var (refused, body) = await reader.PatchAsync($"/{resource}/{id}", new JsonObject { ["notes"] = "x" }, etag);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("Not allowed to PATCH on this endpoint / resource.", (string?)body!["_error"]!["message"]);

        var (writer, _) = await fixture.UserAsync(["read", "update"], sub);
        using var _writer = writer;
        var (status, _) = await writer.PatchAsync($"/{resource}/{id}", new JsonObject { ["notes"] = "changed by a user" }, etag);
        Assert.Equal(WritableAt(position, sub) ? HttpStatusCode.OK : HttpStatusCode.NotFound, status);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Delete(string resource, string position, bool sub)
    {
        var realm = position switch
        {
            "own" => fixture.A, "child" => fixture.A1, "sibling" => fixture.B, _ => fixture.RealmAll,
        };
        var victim = await fixture.CreateAsync(resource, new JsonObject
        {
            ["name"] = $"victim-{Guid.NewGuid():N}", ["_realm"] = realm, ["_sub_realm"] = position != "parent-private",
        });
        var (reader, _) = await fixture.UserAsync(["read"], sub);
        using var _reader = reader;
        var (refused, body) = await reader.DeleteAsync($"/{resource}/{victim["_id"]}", (string)victim["_etag"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("Not allowed to DELETE on this endpoint / resource.", (string?)body!["_error"]!["message"]);

        var (deleter, _) = await fixture.UserAsync(["read", "delete"], sub);
        using var _deleter = deleter;
        var (status, _) = await deleter.DeleteAsync($"/{resource}/{victim["_id"]}", (string)victim["_etag"]!);
        Assert.Equal(WritableAt(position, sub) ? HttpStatusCode.NoContent : HttpStatusCode.NotFound, status);
        Assert.Equal(WritableAt(position, sub), (await fixture.Admin.GetAsync($"/{resource}/{victim["_id"]}")).Status == HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_needs_a_create_grant_on_the_target_realm()
    {
        var (reader, _) = await fixture.UserAsync(["read"], false);
        using var _reader = reader;
        var (refused, body) = await reader.PostAsync("/command", new JsonObject { ["name"] = "no-grant", ["_realm"] = fixture.A });
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("Not allowed to POST on this endpoint / resource.", (string?)body!["_error"]!["message"]);

        var (creator, _) = await fixture.UserAsync(["read", "create"], false);
        using var _creator = creator;
        // Unlike the original, the realm the item goes into is checked (issue: rights that hold).
        var (elsewhere, _) = await creator.PostAsync("/command", new JsonObject { ["name"] = $"in-sibling-{Guid.NewGuid():N}", ["_realm"] = fixture.B });
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere);
        var (created, _) = await creator.PostAsync("/command", new JsonObject { ["name"] = $"in-own-{Guid.NewGuid():N}", ["_realm"] = fixture.A });
        Assert.Equal(HttpStatusCode.Created, created);
    }

    [Fact]
    public async Task Custom_rights_go_through_the_items_user_lists()
    {
        var (client, userId) = await fixture.UserAsync(["custom"], false);
        using var _client = client;
        var shared = await fixture.CreateAsync("host", new JsonObject
        {
            ["name"] = $"custom-{Guid.NewGuid():N}", ["_realm"] = fixture.A, ["_users_read"] = new JsonArray(userId),
        });
        var hidden = await fixture.CreateAsync("host", new JsonObject { ["name"] = $"custom-{Guid.NewGuid():N}", ["_realm"] = fixture.A });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/host/{shared["_id"]}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/host/{hidden["_id"]}")).Status);
    }

    [Fact]
    public async Task Users_are_realm_restricted_and_realms_are_filtered_by_id()
    {
        var (client, id) = await fixture.UserAsync(["read"], true);
        using var _client = client;
        // Unlike the original, users are under their realm's rights (issue: rights that hold).
        var users = await client.AllAsync("user");
        Assert.DoesNotContain(users, u => (string?)u["name"] == "admin");
        Assert.Contains(users, u => (string?)u["_id"] == id);
        var realms = (await client.AllAsync("realm")).Select(r => (string)r["name"]!).ToHashSet();
        Assert.Equal(new HashSet<string> { "A", "A1" }, realms);
    }

    [Fact]
    public async Task Actions_need_can_submit_commands_even_for_a_super_admin_grant()
    {
        var host = fixture.Items["host"]["own"];
        var action = new JsonObject { ["host"] = host, ["service"] = null, ["user"] = fixture.AdminId, ["comment"] = "ack" };
        var (without, _) = await fixture.UserAsync(["read", "create"], false);
        using var _without = without;
        Assert.Equal(HttpStatusCode.Forbidden, (await without.PostAsync("/actionacknowledge", action.DeepClone())).Status);
        var (with, _) = await fixture.UserAsync(["read"], false, canSubmitCommands: true);
        using var _with = with;
        Assert.Equal(HttpStatusCode.Created, (await with.PostAsync("/actionacknowledge", action.DeepClone())).Status);
    }

    [Fact]
    public async Task A_collection_delete_removes_only_what_the_user_may_delete()
    {
        var mine = await fixture.CreateAsync("hostgroup", new JsonObject { ["name"] = $"mine-{Guid.NewGuid():N}", ["_realm"] = fixture.A });
        var theirs = await fixture.CreateAsync("hostgroup", new JsonObject { ["name"] = $"theirs-{Guid.NewGuid():N}", ["_realm"] = fixture.B });
        var (deleter, _) = await fixture.UserAsync(["read", "delete"], false);
        using var _deleter = deleter;
        Assert.Equal(HttpStatusCode.NoContent, (await deleter.DeleteAsync("/hostgroup")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/hostgroup/{mine["_id"]}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Admin.GetAsync($"/hostgroup/{theirs["_id"]}")).Status);
        Assert.NotNull(await fixture.Admin.FindAsync("hostgroup", "All"));
    }
}

public sealed class SqliteRightsMatrixTests(SqliteRealmTreeFixture fixture)
    : RightsMatrixTests<SqliteRealmTreeFixture>(fixture), IClassFixture<SqliteRealmTreeFixture>;

/// <summary>The three-level realm scenario on PostgreSQL too.</summary>
public sealed class PostgresRightsMatrixTests(PostgresRealmTreeFixture fixture)
    : RightsMatrixTests<PostgresRealmTreeFixture>(fixture), IClassFixture<PostgresRealmTreeFixture>;

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Security;
using Alignak.Tests.Support;

namespace Alignak.Tests.Rights;

/// <summary>
/// Non-admin users of realm A (read-only, read-write) against items of realms A and B: nobody raises its own
/// rights, reads another user's secrets, writes into a realm it holds no right on, or sees through
/// <c>embedded</c> what it may not read. Each refusal sits beside the allowed twin of the same request.
/// </summary>
public sealed class RightsThatHoldTests(SqliteRealmTreeFixture fixture) : IClassFixture<SqliteRealmTreeFixture>
{
    private static readonly string[] AllCrud = ["create", "read", "update", "delete"];

    private static string Where(JsonObject where) => "where=" + Uri.EscapeDataString(where.ToJsonString());

    private async Task<string> ETag(string path) => (string)(await fixture.Admin.GetAsync(path)).Body!["_etag"]!;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PatchAs(EveClient client, string path, JsonObject changes) =>
        await client.PatchAsync(path, changes, await ETag(path));

    /// <summary>A user of realm B with the default read-only role, made by the admin.</summary>
    private async Task<string> UserOfB()
    {
        var user = await fixture.CreateAsync("user", new JsonObject
        {
            ["name"] = "b-" + Guid.NewGuid().ToString("N")[..8], ["password"] = "pw", ["_realm"] = fixture.B, ["_sub_realm"] = false,
        });
        return (string)user["_id"]!;
    }

    [Theory]
    [InlineData("back_role_super_admin", true)]
    [InlineData("is_admin", true)]
    [InlineData("can_submit_commands", true)]
    [InlineData("can_update_livestate", true)]
    [InlineData("_sub_realm", true)]
    public async Task A_user_cannot_raise_its_own_rights(string field, bool value)
    {
        var (client, id) = await fixture.UserAsync(["read", "update"], subRealm: false, resource: "*");
        using var _ = client;
        var path = $"/user/{id}";

        var (status, body) = await PatchAs(client, path, new JsonObject { [field] = value });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("ERR", (string?)body!["_status"]);
        Assert.Contains(field, (string?)body["_error"]!["message"]);
        Assert.NotEqual(value, (bool?)(await fixture.Admin.GetAsync(path)).Body![field]);

        // Its own preferences, alias and password are its own to change.
        var (own, _) = await PatchAs(client, path, new JsonObject { ["ui_preferences"] = new JsonObject { ["theme"] = "dark" }, ["alias"] = "me" });
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.Equal("dark", (string?)(await client.GetAsync(path)).Body!["ui_preferences"]!["theme"]);
    }

    [Fact]
    public async Task A_user_cannot_move_itself_to_the_root_realm_and_so_reads_nothing_of_B()
    {
        var (client, id) = await fixture.UserAsync(["read", "update"], subRealm: false);
        using var _ = client;
        var (status, _) = await PatchAs(client, $"/user/{id}", new JsonObject { ["_realm"] = fixture.RealmAll, ["_sub_realm"] = true });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/host/{fixture.Items["host"]["sibling"]}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/host/{fixture.Items["host"]["own"]}")).Status);
    }

    [Fact]
    public async Task A_user_changes_its_own_password_but_not_another_users()
    {
        var (client, id) = await fixture.UserAsync(AllCrud, subRealm: false);
        using var _ = client;
        var (other, otherId) = await fixture.UserAsync(["read"], subRealm: false);
        other.Dispose();

        var (refused, _) = await PatchAs(client, $"/user/{otherId}", new JsonObject { ["password"] = "taken" });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        var (token, _) = await PatchAs(client, $"/user/{otherId}", new JsonObject { ["token"] = "" });
        Assert.Equal(HttpStatusCode.Forbidden, token);
        // Another user of its realm is otherwise its to edit (update right on A).
        Assert.Equal(HttpStatusCode.OK, (await PatchAs(client, $"/user/{otherId}", new JsonObject { ["alias"] = "renamed" })).Status);

        var (own, _) = await PatchAs(client, $"/user/{id}", new JsonObject { ["password"] = "new-pw" });
        Assert.Equal(HttpStatusCode.OK, own);
        var name = (string)(await fixture.Admin.GetAsync($"/user/{id}")).Body!["name"]!;
        using var again = await fixture.Backend.Client().AsAsync(name, "new-pw");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync($"/user/{id}")).Status);
    }

    [Fact]
    public async Task Creating_users_needs_a_create_right_on_their_realm_and_never_makes_an_administrator()
    {
        var (reader, _) = await fixture.UserAsync(["read"], subRealm: false);
        var (writer, _) = await fixture.UserAsync(AllCrud, subRealm: false);
        using var _r = reader;
        using var _w = writer;
        JsonObject New(params (string Key, JsonNode Value)[] fields)
        {
            var user = new JsonObject { ["name"] = "n-" + Guid.NewGuid().ToString("N")[..8], ["password"] = "pw", ["_sub_realm"] = false };
            foreach (var (key, value) in fields) user[key] = value;
            return user;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.PostAsync("/user", New(("back_role_super_admin", true)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.PostAsync("/user", New())).Status);
        var (admin, body) = await writer.PostAsync("/user", New(("back_role_super_admin", true)));
        Assert.Equal(HttpStatusCode.Forbidden, admin);
        Assert.Contains("back_role_super_admin", (string?)body!["_error"]!["message"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PostAsync("/user", New(("can_submit_commands", true)))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await writer.PostAsync("/user", New(("_realm", fixture.B)))).Status);
        // A has a child realm the writer holds no right on: a user of A with sub-realms would read it.
        Assert.Equal(HttpStatusCode.Forbidden, (await writer.PostAsync("/user", New(("_realm", fixture.A), ("_sub_realm", true)))).Status);

        var plain = New(("_realm", fixture.A));
        var (created, _) = await writer.PostAsync("/user", plain);
        Assert.Equal(HttpStatusCode.Created, created);
        using var newcomer = await fixture.Backend.Client().AsAsync((string)plain["name"]!, "pw");
        Assert.Equal(HttpStatusCode.NotFound, (await newcomer.GetAsync($"/host/{fixture.Items["host"]["sibling"]}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync($"/host/{fixture.Items["host"]["own"]}")).Status);
    }

    [Fact]
    public async Task Nobody_reads_another_users_token_or_anybodys_password_hash()
    {
        var (client, id) = await fixture.UserAsync(["read"], subRealm: false);
        using var _ = client;
        var bUser = await UserOfB();
        // Another user of A, whose token the client must not see (and who makes "other users" not empty).
        var (neighbour, neighbourId) = await fixture.UserAsync(["read"], subRealm: false);
        neighbour.Dispose();

        var users = await client.AllAsync("user");
        Assert.Contains(users, u => (string?)u["_id"] == neighbourId);
        Assert.Contains(users, u => (string?)u["_id"] == id);
        Assert.DoesNotContain(users, u => (string?)u["_id"] == bUser || (string?)u["_id"] == fixture.AdminId);
        Assert.All(users, u => Assert.False(u.ContainsKey("password")));
        Assert.All(users.Where(u => (string?)u["_id"] != id), u => Assert.False(u.ContainsKey("token")));
        Assert.Equal(client.Token, (string?)users.Single(u => (string?)u["_id"] == id)["token"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/user/{fixture.AdminId}")).Status);

        // A search by credentials finds the caller itself at most.
        var adminToken = (string)(await fixture.Admin.GetAsync($"/user/{fixture.AdminId}")).Body!["token"]!;
        Assert.Empty(await client.AllAsync("user", Where(new JsonObject { ["token"] = adminToken })));
        Assert.Empty(await client.AllAsync("user", Where(new JsonObject { ["token"] = new JsonObject { ["$regex"] = "^" } , ["_id"] = new JsonObject { ["$ne"] = id } })));
        Assert.Single(await client.AllAsync("user", Where(new JsonObject { ["token"] = client.Token })));
        Assert.Single(await client.AllAsync("user", "sort=token"));
        Assert.True((await client.AllAsync("user", "sort=name")).Count > 1);

        // The super-admin sees tokens but no hash either.
        var (_, all) = await fixture.Admin.GetAsync("/user?max_results=50");
        Assert.All(all!["_items"]!.AsArray(), u => Assert.False(u!.AsObject().ContainsKey("password")));
        Assert.All(all["_items"]!.AsArray(), u => Assert.False(string.IsNullOrEmpty((string?)u!["token"])));
        Assert.False((await fixture.Admin.GetAsync($"/user/{id}?projection={Uri.EscapeDataString("{\"password\":1}")}")).Body!.AsObject().ContainsKey("password"));
    }

    [Fact]
    public async Task Users_are_deleted_only_where_the_caller_holds_the_right()
    {
        var (reader, _) = await fixture.UserAsync(["read"], subRealm: false);
        var (deleter, deleterId) = await fixture.UserAsync(["read", "delete"], subRealm: false);
        using var _r = reader;
        using var _d = deleter;
        var bUser = await UserOfB();
        var (victim, victimId) = await fixture.UserAsync(["read"], subRealm: false);
        victim.Dispose();
        var before = (await fixture.Admin.AllAsync("user")).Count;

        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.DeleteAsync($"/user/{victimId}", await ETag($"/user/{victimId}"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.DeleteAsync("/user")).Status);
        Assert.Equal(before, (await fixture.Admin.AllAsync("user")).Count);
        Assert.Equal(HttpStatusCode.NotFound, (await deleter.DeleteAsync($"/user/{bUser}", await ETag($"/user/{bUser}"))).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await deleter.DeleteAsync("/user")).Status);
        var left = (await fixture.Admin.AllAsync("user")).Select(u => (string)u["_id"]!).ToHashSet();
        Assert.DoesNotContain(victimId, left);
        Assert.Contains(bUser, left);
        Assert.Contains(deleterId, left);
        Assert.Contains(fixture.AdminId, left);
    }

    public static TheoryData<string> RealmBound()
    {
        var data = new TheoryData<string>();
        foreach (var schema in Samples.CreatableResources.Where(s => s.Fields.ContainsKey("_realm") || s.Name == "realm"))
            data.Add(schema.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RealmBound))]
    public async Task A_write_into_a_realm_needs_the_right_on_that_realm(string resource)
    {
        var (writer, _) = await fixture.UserAsync(AllCrud, subRealm: false, canSubmitCommands: true);
        using var _w = writer;
        async Task<JsonObject> Sample(string realm)
        {
            var (document, _, _) = await Samples.Build(resource, realm, false, fixture.SampleContext);
            if (resource == "realm") document["_parent"] = realm;
            return document;
        }

        var (refused, body) = await writer.PostAsync($"/{resource}", await Sample(fixture.B));
        Assert.True(refused == HttpStatusCode.Unauthorized, $"POST {resource} into B: {refused} {body}");
        Assert.Equal("Not allowed to POST on this endpoint / resource.", (string?)body!["_error"]!["message"]);
        var (created, createdBody) = await writer.PostAsync($"/{resource}", await Sample(fixture.A));
        Assert.True(created == HttpStatusCode.Created, $"POST {resource} into A: {created} {createdBody}");

        // Moving an item of A to B needs the right on B (actions follow their host, logs are not moved).
        if (resource is "realm" or "history" or "logcheckresult" || UserRights.IsAction(resource)) return;
        var path = $"/{resource}/{createdBody!["_id"]}";
        var (moved, _) = await PatchAs(writer, path, new JsonObject { ["_realm"] = fixture.B });
        // A user's realm is one of its rights: a super-admin's to change.
        Assert.Equal(resource == "user" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, moved);
        Assert.Equal(fixture.A, (string?)(await fixture.Admin.GetAsync(path)).Body!["_realm"]);
    }

    [Fact]
    public async Task A_user_cannot_grant_itself_a_realm()
    {
        var (writer, id) = await fixture.UserAsync(AllCrud, subRealm: true);
        using var _ = writer;
        var (status, _) = await writer.PostAsync("/userrestrictrole", new JsonObject
        {
            ["user"] = id, ["realm"] = fixture.B, ["sub_realm"] = true, ["resource"] = "*",
            ["crud"] = new JsonArray("create", "read", "update", "delete"),
        });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.NotFound, (await writer.GetAsync($"/host/{fixture.Items["host"]["sibling"]}")).Status);
        Assert.Single(await fixture.Admin.AllAsync("userrestrictrole", Where(new JsonObject { ["user"] = id })));
    }

    [Fact]
    public async Task Actions_need_commands_and_the_right_to_read_their_host()
    {
        var (commander, _) = await fixture.UserAsync(["read"], subRealm: false, canSubmitCommands: true);
        var (reader, _) = await fixture.UserAsync(["read"], subRealm: false);
        using var _c = commander;
        using var _r = reader;
        JsonObject Ack(string position) => new()
        {
            ["host"] = fixture.Items["host"][position], ["service"] = null, ["user"] = fixture.AdminId, ["comment"] = "seen",
        };

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/actionacknowledge", Ack("own"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await commander.PostAsync("/actionacknowledge", Ack("sibling"))).Status);
        var (created, body) = await commander.PostAsync("/actionacknowledge", Ack("own"));
        Assert.Equal(HttpStatusCode.Created, created);

        // An acknowledgement of B's host, made by the admin, is out of the commander's reach.
        var foreign = (string)(await fixture.CreateAsync("actionacknowledge", Ack("sibling")))["_id"]!;
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAs(commander, $"/actionacknowledge/{foreign}", new JsonObject { ["comment"] = "x" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await commander.GetAsync($"/actionacknowledge/{foreign}")).Status);
        var own = $"/actionacknowledge/{body!["_id"]}";
        Assert.Equal(HttpStatusCode.OK, (await PatchAs(commander, own, new JsonObject { ["comment"] = "still seen" })).Status);
        // Nor may its own be moved onto B's host.
        Assert.Equal(HttpStatusCode.Unauthorized, (await PatchAs(commander, own, new JsonObject { ["host"] = fixture.Items["host"]["sibling"] })).Status);
    }

    [Fact]
    public async Task Embedded_documents_the_caller_may_not_read_stay_ids()
    {
        var (reader, id) = await fixture.UserAsync(["read"], subRealm: false);
        using var _ = reader;
        var foreignCommand = fixture.Items["command"]["sibling"];
        var ownCommand = fixture.Items["command"]["own"];
        var host = (string)(await fixture.CreateAsync("host", new JsonObject
        {
            ["name"] = "embeds-" + Guid.NewGuid().ToString("N")[..6], ["_realm"] = fixture.A, ["check_command"] = foreignCommand,
            ["event_handler"] = ownCommand,
        }))["_id"]!;
        var embedded = Uri.EscapeDataString("""{"check_command":1,"event_handler":1}""");

        var (_, shown) = await reader.GetAsync($"/host/{host}?embedded={embedded}");
        Assert.Equal(foreignCommand, (string?)shown!["check_command"]);
        Assert.Equal(ownCommand, (string?)shown["event_handler"]!["_id"]);
        var (_, page) = await reader.GetAsync($"/host?{Where(new JsonObject { ["_id"] = host })}&embedded={embedded}");
        Assert.Equal(foreignCommand, (string?)page!["_items"]![0]!["check_command"]);
        var (_, asAdmin) = await fixture.Admin.GetAsync($"/host/{host}?embedded={embedded}");
        Assert.Equal(foreignCommand, (string?)asAdmin!["check_command"]!["_id"]);

        // An embedded user never carries its credentials.
        var (_, role) = await fixture.Admin.GetAsync($"/userrestrictrole?{Where(new JsonObject { ["user"] = id })}&embedded={Uri.EscapeDataString("""{"user":1}""")}");
        var user = role!["_items"]![0]!["user"]!.AsObject();
        Assert.Equal(id, (string?)user["_id"]);
        Assert.False(user.ContainsKey("password"));
    }

    [Fact]
    public async Task Check_results_for_a_host_of_another_realm_are_refused()
    {
        var (writer, _) = await fixture.UserAsync(AllCrud, subRealm: false);
        using var _ = writer;
        JsonObject Result(string position) => new()
        {
            ["host"] = fixture.Items["host"][position], ["state"] = "UP", ["state_type"] = "HARD", ["last_state_type"] = "HARD", ["output"] = "ok",
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await writer.PostAsync("/logcheckresult", Result("sibling"))).Status);
        Assert.Equal(HttpStatusCode.Created, (await writer.PostAsync("/logcheckresult", Result("own"))).Status);

        var (native, _) = await writer.PostAsync("/checkresult", new JsonObject { ["host_name"] = "host-parent-shared", ["exit_status"] = 0 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, native);
        var (ok, _) = await writer.PostAsync("/checkresult", new JsonObject { ["host_name"] = "host-own", ["exit_status"] = 0 });
        Assert.Equal(HttpStatusCode.Created, ok);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Tests.Api;
using Alignak.Tests.Rights;
using Alignak.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Compatibility;

/// <summary>Requests the original's own clients make, answered as the original answers them.</summary>
public sealed class OriginalClientsTests(SqliteRealmTreeFixture fixture) : IClassFixture<SqliteRealmTreeFixture>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string Where(JsonObject where) => "where=" + Uri.EscapeDataString(where.ToJsonString());

    private async Task<string> ETag(string path) => (string)(await fixture.Admin.GetAsync(path)).Body!["_etag"]!;

    private StoredDocument Stored(string resource, string id) =>
        fixture.Backend.Services.GetRequiredService<DocumentIndex>().Collection(resource).Get(id)!;

    [Fact]
    public async Task A_downtimed_problem_counts_in_downtime_only()
    {
        var realm = (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = Unique("downtimes") }))["_id"]!;
        var host = (string)(await fixture.CreateAsync("host", new JsonObject { ["name"] = Unique("h"), ["_realm"] = realm }))["_id"]!;
        var down = (string)(await fixture.CreateAsync("service", new JsonObject { ["name"] = "down", ["host"] = host, ["_realm"] = realm }))["_id"]!;
        var acked = (string)(await fixture.CreateAsync("service", new JsonObject { ["name"] = "acked", ["host"] = host, ["_realm"] = realm }))["_id"]!;
        var plain = (string)(await fixture.CreateAsync("service", new JsonObject { ["name"] = "plain", ["host"] = host, ["_realm"] = realm }))["_id"]!;
        // What Alignak's broker sends: the live state as the scheduler decided it.
        async Task Live(string id, bool downtimed, bool acknowledged) =>
            Assert.Equal(HttpStatusCode.OK, (await fixture.Admin.PatchAsync($"/service/{id}", new JsonObject
            {
                ["ls_state"] = "CRITICAL", ["ls_state_type"] = "HARD", ["ls_state_id"] = 2,
                ["ls_downtimed"] = downtimed, ["ls_acknowledged"] = acknowledged,
            }, await ETag($"/service/{id}"))).Status);
        await Live(down, downtimed: true, acknowledged: false);
        await Live(acked, downtimed: true, acknowledged: true);
        await Live(plain, downtimed: false, acknowledged: false);

        var synthesis = (await fixture.Admin.GetAsync($"/livesynthesis/{realm}")).Body!;
        Assert.Equal(3, (int?)synthesis["services_total"]);
        Assert.Equal(1, (int?)synthesis["services_in_downtime"]);
        Assert.Equal(1, (int?)synthesis["services_acknowledged"]);
        Assert.Equal(1, (int?)synthesis["services_critical_hard"]);
    }

    [Fact]
    public async Task A_templated_user_never_gets_a_usable_copy_of_its_templates_password()
    {
        var templateName = Unique("user-tpl");
        var template = (string)(await fixture.CreateAsync("user", new JsonObject
        {
            ["name"] = templateName, ["password"] = "template-secret", ["_is_template"] = true,
        }))["_id"]!;
        var name = Unique("templated");
        var user = (string)(await fixture.CreateAsync("user", new JsonObject { ["name"] = name, ["_templates"] = new JsonArray(template) }))["_id"]!;

        var (_, shown) = await fixture.Admin.GetAsync($"/user/{user}");
        Assert.Contains("password", shown!["_template_fields"]!.AsArray().Select(f => (string?)f));
        Assert.NotEqual(Stored("user", template)["password"]!.ToJsonString(), Stored("user", user)["password"]!.ToJsonString());
        Assert.NotEqual((string?)Stored("user", template)["token"], (string?)Stored("user", user)["token"]);
        using var http = new HttpClient { BaseAddress = fixture.Backend.Address };
        await Assert.ThrowsAnyAsync<Exception>(() => EveClient.LoginAsync(http, name, "template-secret"));

        // A new password of the template does not reach the users made from it either.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Admin.PatchAsync($"/user/{template}", new JsonObject { ["password"] = "changed" },
            await ETag($"/user/{template}"))).Status);
        await Assert.ThrowsAnyAsync<Exception>(() => EveClient.LoginAsync(http, name, "changed"));
        Assert.False(string.IsNullOrEmpty(await EveClient.LoginAsync(http, templateName, "changed")));
        // The user's own password works once set.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Admin.PatchAsync($"/user/{user}", new JsonObject { ["password"] = "mine" },
            await ETag($"/user/{user}"))).Status);
        Assert.False(string.IsNullOrEmpty(await EveClient.LoginAsync(http, name, "mine")));
    }

    [Fact]
    public async Task An_explicit_null_check_command_means_none_and_wins_over_templates()
    {
        var command = (string)(await fixture.CreateAsync("command", new JsonObject { ["name"] = Unique("cmd"), ["command_line"] = "check_it", ["_realm"] = fixture.RealmAll }))["_id"]!;
        var template = (string)(await fixture.CreateAsync("host", new JsonObject
        {
            ["name"] = Unique("tpl"), ["_is_template"] = true, ["check_command"] = command,
        }))["_id"]!;
        var none = await fixture.CreateAsync("host", new JsonObject { ["name"] = Unique("none"), ["check_command"] = null });
        var overriding = await fixture.CreateAsync("host", new JsonObject
        {
            ["name"] = Unique("override"), ["_templates"] = new JsonArray(template), ["check_command"] = null,
        });
        var inheriting = await fixture.CreateAsync("host", new JsonObject { ["name"] = Unique("inherit"), ["_templates"] = new JsonArray(template) });
        var plain = await fixture.CreateAsync("host", new JsonObject { ["name"] = Unique("plain") });

        string? CheckCommand(JsonObject created) => (string?)Stored("host", (string)created["_id"]!)["check_command"];
        Assert.Null(CheckCommand(none));
        Assert.Null(CheckCommand(overriding));
        Assert.Equal(command, CheckCommand(inheriting));
        Assert.Equal(await fixture.IdOf("command", "_internal_host_up"), CheckCommand(plain));
    }

    [Fact]
    public async Task A_template_that_is_not_an_id_gets_the_originals_412()
    {
        var host = (string)(await fixture.CreateAsync("host", new JsonObject { ["name"] = Unique("h") }))["_id"]!;
        var before = (await fixture.Admin.AllAsync("service")).Count;
        var (status, body) = await fixture.Admin.PostAsync("/service", new JsonObject
        {
            ["name"] = "svc", ["host"] = host, ["_templates"] = new JsonArray("generic-service"),
        });
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("The template 'generic-service' is not at the right format", (string?)body);
        Assert.Equal(before, (await fixture.Admin.AllAsync("service")).Count);
        // A real template id is taken.
        var template = (string)(await fixture.CreateAsync("service", new JsonObject { ["name"] = Unique("stpl"), ["host"] = host, ["_is_template"] = true }))["_id"]!;
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostAsync("/service", new JsonObject
        {
            ["name"] = "svc", ["host"] = host, ["_templates"] = new JsonArray(template),
        })).Status);
    }

    [Fact]
    public async Task A_restricted_user_does_not_see_unreadable_realms_through_realm_links()
    {
        var (sub, _) = await fixture.UserAsync(["read"], subRealm: true);
        using var _ = sub;
        var realms = (await sub.AllAsync("realm")).ToDictionary(r => (string)r["name"]!);
        Assert.Equal(["A", "A1"], realms.Keys.Order());
        Assert.Null((string?)realms["A"]["_parent"]);
        Assert.Empty(realms["A"]["_tree_parents"]!.AsArray());
        Assert.Equal(fixture.A, (string?)realms["A1"]["_parent"]);
        Assert.Equal([fixture.A], realms["A1"]["_tree_parents"]!.AsArray().Select(r => (string)r!));
        Assert.Null((string?)(await sub.GetAsync($"/realm/{fixture.A}")).Body!["_parent"]);
        // The super-admin sees the whole tree.
        Assert.Equal(fixture.RealmAll, (string?)(await fixture.Admin.GetAsync($"/realm/{fixture.A}")).Body!["_parent"]);
    }

    [Fact]
    public async Task Retention_is_saved_with_put_without_an_update_right()
    {
        // Alignak's retention module: a user that may create and read retention, saving with PUT.
        var (module, _) = await fixture.UserAsync(["create", "read"], subRealm: false);
        using var _ = module;
        var (created, body) = await module.PostAsync("/alignakretention", new JsonObject { ["host"] = Unique("ret"), ["retention"] = new JsonObject() });
        Assert.Equal(HttpStatusCode.Created, created);
        var path = $"/alignakretention/{body!["_id"]}";
        var (replaced, _) = await module.SendAsync(HttpMethod.Put, path, new JsonObject { ["host"] = "saved", ["retention"] = new JsonObject { ["state"] = 2 } },
            (string)body["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, replaced);
        var saved = Stored("alignakretention", (string)body["_id"]!);
        Assert.Equal("saved", (string?)saved["host"]);
        // PATCH still follows the rights.
        Assert.Equal(HttpStatusCode.Unauthorized, (await module.PatchAsync(path, new JsonObject { ["host"] = "x" }, (string)saved["_etag"]!)).Status);
    }
}

/// <summary>
/// <c>alignak-backend-import -d</c>: every collection deleted in the tool's order, each answered 204 (the tool stops
/// on any refusal), the defaults kept, the counters still right.
/// </summary>
public sealed class ImportResetTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly string[] ImportOrder =
    [
        "realm", "command", "timeperiod", "user", "usergroup", "host", "hostdependency", "hostgroup", "hostescalation", "service",
        "servicedependency", "servicegroup", "serviceescalation", "userrestrictrole", "livesynthesis", "actionacknowledge",
        "actiondowntime", "actionforcecheck", "alignakretention",
    ];

    [Fact]
    public async Task Every_collection_of_the_import_tools_reset_answers_204_and_keeps_the_defaults()
    {
        var realm = (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = "imported" }))["_id"]!;
        var host = (string)(await fixture.CreateAsync("host", new JsonObject { ["name"] = "imported-host", ["_realm"] = realm }))["_id"]!;
        await fixture.CreateAsync("service", new JsonObject { ["name"] = "imported-svc", ["host"] = host, ["_realm"] = realm });
        await fixture.CreateAsync("command", new JsonObject { ["name"] = "imported-cmd", ["_realm"] = fixture.RealmAll });

        foreach (var resource in ImportOrder)
        {
            var (status, body) = await fixture.Admin.DeleteAsync($"/{resource}");
            Assert.True(status == HttpStatusCode.NoContent, $"DELETE /{resource}: {status} {body}");
        }

        Assert.Equal(["All"], (await fixture.Admin.AllAsync("realm")).Select(r => (string)r["name"]!));
        Assert.Equal(["admin"], (await fixture.Admin.AllAsync("user")).Select(u => (string)u["name"]!));
        Assert.Equal(["_internal_host_up", "_echo"], (await fixture.Admin.AllAsync("command")).Select(c => (string)c["name"]!));
        Assert.Equal(["24x7", "Never"], (await fixture.Admin.AllAsync("timeperiod")).Select(t => (string)t["name"]!));
        Assert.Empty(await fixture.Admin.AllAsync("service"));
        foreach (var group in new[] { "usergroup", "hostgroup", "servicegroup" })
            Assert.Equal(["All"], (await fixture.Admin.AllAsync(group)).Select(g => (string)g["name"]!));
        var synthesis = Assert.Single(await fixture.Admin.AllAsync("livesynthesis"));
        Assert.Equal(fixture.RealmAll, (string?)synthesis["_id"]);
        Assert.Equal(0, (int?)synthesis["services_total"]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await fixture.Admin.PostAsync("/livesynthesis", new JsonObject())).Status);
    }
}

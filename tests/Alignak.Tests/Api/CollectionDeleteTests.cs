using System.Net;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Api;

/// <summary>DELETE of a whole collection: clients use it as a reset; the defaults and the caller stay.</summary>
public sealed class CollectionDeleteTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task Deleting_every_realm_keeps_All_and_empties_its_tree()
    {
        var parent = await fixture.CreateAsync("realm", new JsonObject { ["name"] = "reset-parent" });
        await fixture.CreateAsync("realm", new JsonObject { ["name"] = "reset-child", ["_parent"] = (string)parent["_id"]! });
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync("/realm")).Status);
        var realms = await fixture.Admin.AllAsync("realm");
        var all = Assert.Single(realms);
        Assert.Equal("All", (string?)all["name"]);
        Assert.Empty(all["_children"]!.AsArray());
        Assert.Empty(all["_all_children"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_every_user_keeps_admin_and_the_caller()
    {
        await fixture.CreateAsync("user", new JsonObject { ["name"] = "reset-caller", ["password"] = "p", ["back_role_super_admin"] = true });
        await fixture.CreateAsync("user", new JsonObject { ["name"] = "reset-other", ["password"] = "p" });
        using var caller = await fixture.Backend.Client().AsAsync("reset-caller", "p");
        Assert.Equal(HttpStatusCode.NoContent, (await caller.DeleteAsync("/user")).Status);
        var names = (await fixture.Admin.AllAsync("user")).Select(u => (string)u["name"]!).Order().ToList();
        Assert.Equal(["admin", "reset-caller"], names);
    }

    [Fact]
    public async Task Deleting_every_timeperiod_and_command_keeps_the_defaults()
    {
        await fixture.CreateAsync("timeperiod", new JsonObject { ["name"] = "reset-tp", ["_realm"] = fixture.RealmAll });
        await fixture.CreateAsync("command", new JsonObject { ["name"] = "reset-cmd", ["_realm"] = fixture.RealmAll });
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync("/timeperiod")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync("/command")).Status);
        Assert.Equal(["24x7", "Never"], (await fixture.Admin.AllAsync("timeperiod")).Select(t => (string)t["name"]!));
        Assert.Equal(["_internal_host_up", "_echo"], (await fixture.Admin.AllAsync("command")).Select(c => (string)c["name"]!));
    }
}

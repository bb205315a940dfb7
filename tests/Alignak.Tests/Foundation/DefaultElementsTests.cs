using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Foundation;

public sealed class DefaultElementsTests
{
    private static readonly (string Resource, string Name)[] CreationOrder =
    [
        ("realm", "All"), ("usergroup", "All"), ("hostgroup", "All"), ("servicegroup", "All"),
        ("timeperiod", "24x7"), ("timeperiod", "Never"), ("command", "_internal_host_up"), ("command", "_echo"),
        ("host", "_dummy"), ("user", "admin"),
    ];

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task First_start_creates_the_defaults_in_order_and_a_restart_adds_none(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        Dictionary<string, List<JsonObject>> first;
        await using (var backend = await InProcessBackend.StartAsync(database))
        {
            using var client = await backend.AdminAsync();
            first = await Snapshot(client);

            var ids = CreationOrder.Select(d => (string)first[d.Resource].Single(x => (string?)x["name"] == d.Name)["_id"]!).ToList();
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);

            var realm = first["realm"].Single();
            Assert.Equal("All", (string?)realm["name"]);
            Assert.Null(realm["_parent"]);
            Assert.Equal(0, (int?)realm["_level"]);
            Assert.True((bool?)realm["default"]);
            var realmId = (string)realm["_id"]!;

            foreach (var (resource, alias) in new[] { ("usergroup", "All users"), ("hostgroup", "All hosts"), ("servicegroup", "All services") })
            {
                var group = first[resource].Single();
                Assert.Equal("All", (string?)group["name"]);
                Assert.Equal(alias, (string?)group["alias"]);
                Assert.Null(group["_parent"]);
                Assert.Equal(0, (int?)group["_level"]);
                Assert.Equal(realmId, (string?)group["_realm"]);
                Assert.True((bool?)group["_sub_realm"]);
            }

            var always = first["timeperiod"].Single(t => (string?)t["name"] == "24x7");
            Assert.Equal("All time default 24x7", (string?)always["alias"]);
            Assert.Equal(7, always["dateranges"]!.AsArray().Count);
            Assert.Equal("00:00-24:00", (string?)always["dateranges"]![0]!["monday"]);
            var never = first["timeperiod"].Single(t => (string?)t["name"] == "Never");
            Assert.Equal("No time is a good time", (string?)never["alias"]);
            Assert.Empty(never["dateranges"]!.AsArray());

            var hostUp = first["command"].Single(c => (string?)c["name"] == "_internal_host_up");
            Assert.Equal("_internal_host_up", (string?)hostUp["command_line"]);
            Assert.Equal("Host/service is always UP/OK", (string?)hostUp["alias"]);

            var dummy = first["host"].Single();
            Assert.Equal("_dummy", (string?)dummy["name"]);
            Assert.True((bool?)dummy["_is_template"]);
            Assert.False((bool?)dummy["_templates_with_services"]);
            Assert.Equal((string?)hostUp["_id"], (string?)dummy["check_command"]);

            var admin = first["user"].Single();
            Assert.Equal("Administrator", (string?)admin["alias"]);
            foreach (var flag in new[] { "back_role_super_admin", "is_admin", "can_update_livestate", "can_submit_commands" })
                Assert.True((bool?)admin[flag], flag);
            Assert.Equal(realmId, (string?)admin["_realm"]);

            var role = first["userrestrictrole"].Single();
            Assert.Equal((string?)admin["_id"], (string?)role["user"]);
            Assert.Equal(realmId, (string?)role["realm"]);
            Assert.Equal("*", (string?)role["resource"]);
            Assert.True((bool?)role["sub_realm"]);
            Assert.Equal(["create", "read", "update", "delete"], role["crud"]!.AsArray().Select(c => (string)c!));
        }

        await using (var backend = await InProcessBackend.StartAsync(database))
        {
            using var client = await backend.AdminAsync();
            var second = await Snapshot(client);
            foreach (var (resource, items) in first)
                Assert.Equal(
                    items.Select(i => ((string?)i["_id"], (string?)i["_etag"])),
                    second[resource].Select(i => ((string?)i["_id"], (string?)i["_etag"])));
        }
    }

    private static async Task<Dictionary<string, List<JsonObject>>> Snapshot(EveClient client)
    {
        var result = new Dictionary<string, List<JsonObject>>();
        foreach (var resource in new[] { "realm", "usergroup", "hostgroup", "servicegroup", "timeperiod", "command", "host", "user", "userrestrictrole" })
            result[resource] = await client.AllAsync(resource);
        return result;
    }
}

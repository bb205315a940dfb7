using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Api;
using Alignak.Tests.Support;

namespace Alignak.Tests.Templates;

public sealed class TemplateTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private EveClient Admin => fixture.Admin;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!).ToList();

    private Task<JsonObject> Host(JsonObject fields) => fixture.CreateAsync("host", fields);

    private async Task<JsonObject> Get(string resource, JsonNode? id) => (await Admin.GetAsync($"/{resource}/{id}")).Body!.AsObject();

    [Fact]
    public async Task An_item_copies_what_it_does_not_set_and_the_last_template_wins()
    {
        var first = await Host(new JsonObject
        {
            ["name"] = Unique("tpl-a"), ["_is_template"] = true, ["check_interval"] = 3, ["notes"] = "from a",
            ["tags"] = new JsonArray("a"), ["customs"] = new JsonObject { ["_K"] = "a", ["_A"] = "1" },
        });
        var second = await Host(new JsonObject
        {
            ["name"] = Unique("tpl-b"), ["_is_template"] = true, ["check_interval"] = 7, ["retry_interval"] = 2,
            ["tags"] = new JsonArray("b", "a"), ["customs"] = new JsonObject { ["_K"] = "b", ["_B"] = "2" },
        });
        var host = await Host(new JsonObject
        {
            ["name"] = Unique("templated"), ["notes"] = "mine", ["tags"] = new JsonArray("own"),
            ["customs"] = new JsonObject { ["_OWN"] = "x" },
            ["_templates"] = new JsonArray((string)first["_id"]!, (string)second["_id"]!),
        });
        Assert.Equal(7, (int?)host["check_interval"]);    // last template wins
        Assert.Equal(2, (int?)host["retry_interval"]);
        Assert.Equal("mine", (string?)host["notes"]);      // what the item sets stays
        Assert.Equal(["a", "b", "own"], Strings(host["tags"]));
        Assert.Equal("a", (string?)host["customs"]!["_K"]); // first template wins for customs keys
        Assert.Equal("x", (string?)host["customs"]!["_OWN"]);
        Assert.Equal("2", (string?)host["customs"]!["_B"]);
        var inherited = Strings(host["_template_fields"]);
        Assert.Contains("check_interval", inherited);
        Assert.Contains("customs", inherited);
        Assert.DoesNotContain("notes", inherited);
        Assert.False((bool?)host["_is_template"]);
    }

    [Fact]
    public async Task Bad_template_references_are_refused_with_a_clear_message_and_nothing_is_written()
    {
        var plain = await Host(new JsonObject { ["name"] = Unique("not-tpl") });
        // A reference that is not an id is the original's plain-text 412, before validation.
        var notAnId = Unique("bad-ref");
        var (refused, text) = await Admin.PostAsync("/host", new JsonObject { ["name"] = notAnId, ["_templates"] = new JsonArray("generic-host") });
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused);
        Assert.Equal("The template 'generic-host' is not at the right format", (string?)text);
        Assert.Null(await Admin.FindAsync("host", notAnId));

        var cases = new (JsonNode Reference, string Expected)[]
        {
            ("5a0000000000000000000077", "does not exist"),
            ((string)plain["_id"]!, "is not a template"),
        };
        foreach (var (reference, expected) in cases)
        {
            var name = Unique("bad-ref");
            var (status, body) = await Admin.PostAsync("/host", new JsonObject { ["name"] = name, ["_templates"] = new JsonArray(reference.DeepClone()) });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.Contains(expected, (string?)body!["_issues"]!["_templates"]);
            Assert.Null(await Admin.FindAsync("host", name));
        }

        var parent = await Host(new JsonObject { ["name"] = Unique("cycle-p"), ["_is_template"] = true });
        var child = await Host(new JsonObject { ["name"] = Unique("cycle-c"), ["_is_template"] = true, ["_templates"] = new JsonArray((string)parent["_id"]!) });
        var (cycle, cycleBody) = await Admin.PatchAsync($"/host/{parent["_id"]}",
            new JsonObject { ["_templates"] = new JsonArray((string)child["_id"]!) }, (string)(await Get("host", parent["_id"]))["_etag"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cycle);
        Assert.Contains("cycle", (string?)cycleBody!["_issues"]!["_templates"]);
    }

    [Fact]
    public async Task A_template_edit_reaches_its_items_and_theirs_but_not_what_an_item_set_itself()
    {
        var root = await Host(new JsonObject { ["name"] = Unique("root"), ["_is_template"] = true, ["notes"] = "v1", ["check_interval"] = 5 });
        var middle = await Host(new JsonObject { ["name"] = Unique("middle"), ["_is_template"] = true, ["_templates"] = new JsonArray((string)root["_id"]!) });
        var leaf = await Host(new JsonObject { ["name"] = Unique("leaf"), ["_templates"] = new JsonArray((string)middle["_id"]!) });
        var detached = await Host(new JsonObject { ["name"] = Unique("detached"), ["_templates"] = new JsonArray((string)root["_id"]!) });
        Assert.Equal("v1", (string?)leaf["notes"]);

        var (own, _) = await Admin.PatchAsync($"/host/{detached["_id"]}", new JsonObject { ["notes"] = "my own" }, (string)detached["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, own);
        Assert.DoesNotContain("notes", Strings((await Get("host", detached["_id"]))["_template_fields"]));

        var (edited, _) = await Admin.PatchAsync($"/host/{root["_id"]}", new JsonObject { ["notes"] = "v2", ["check_interval"] = 9 }, (string)root["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, edited);
        Assert.Equal("v2", (string?)(await Get("host", middle["_id"]))["notes"]);
        Assert.Equal("v2", (string?)(await Get("host", leaf["_id"]))["notes"]);
        Assert.Equal(9, (int?)(await Get("host", leaf["_id"]))["check_interval"]);
        var after = await Get("host", detached["_id"]);
        Assert.Equal("my own", (string?)after["notes"]);
        Assert.Equal(9, (int?)after["check_interval"]);
    }

    [Fact]
    public async Task Service_rules_on_template_hosts()
    {
        var hostTemplate = await Host(new JsonObject { ["name"] = Unique("svc-rules"), ["_is_template"] = true });
        var (status, text) = await Admin.PostAsync("/service", new JsonObject { ["name"] = "plain", ["host"] = (string)hostTemplate["_id"]! });
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("Adding a non template service on a template host is forbidden", (string?)text);

        var template = await fixture.CreateAsync("service", new JsonObject { ["name"] = "http", ["host"] = (string)hostTemplate["_id"]!, ["_is_template"] = true });
        var (twin, twinText) = await Admin.PostAsync("/service", new JsonObject { ["name"] = "http", ["host"] = (string)hostTemplate["_id"]!, ["_is_template"] = true });
        Assert.Equal(HttpStatusCode.PreconditionFailed, twin);
        Assert.Equal("Adding a service with the same name as an existing one is forbidden", (string?)twinText);

        var (untemplate, untemplateText) = await Admin.PatchAsync($"/service/{template["_id"]}", new JsonObject { ["_is_template"] = false }, (string)template["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, untemplate);
        Assert.Equal("Change a service template to not template is forbidden", (string?)untemplateText);
    }

    [Fact]
    public async Task Changing_a_hosts_templates_swaps_the_services_made_from_them()
    {
        var web = await Host(new JsonObject { ["name"] = Unique("swap-web"), ["_is_template"] = true });
        var db = await Host(new JsonObject { ["name"] = Unique("swap-db"), ["_is_template"] = true });
        await fixture.CreateAsync("service", new JsonObject { ["name"] = "http", ["host"] = (string)web["_id"]!, ["_is_template"] = true });
        await fixture.CreateAsync("service", new JsonObject { ["name"] = "sql", ["host"] = (string)db["_id"]!, ["_is_template"] = true });
        var host = await Host(new JsonObject { ["name"] = Unique("swap-host"), ["_templates"] = new JsonArray((string)web["_id"]!) });
        async Task<List<string>> ServiceNames() => (await Admin.AllAsync("service", "where=" + Uri.EscapeDataString(
            new JsonObject { ["host"] = (string)host["_id"]! }.ToJsonString()))).Select(s => (string)s["name"]!).Order().ToList();
        Assert.Equal(["http"], await ServiceNames());

        var (status, _) = await Admin.PatchAsync($"/host/{host["_id"]}", new JsonObject { ["_templates"] = new JsonArray((string)db["_id"]!) }, (string)host["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["sql"], await ServiceNames());
    }

    [Fact]
    public async Task A_user_inherits_from_a_user_template()
    {
        var template = await fixture.CreateAsync("user", new JsonObject
        {
            ["name"] = Unique("user-tpl"), ["_is_template"] = true, ["host_notifications_enabled"] = false, ["notes"] = "on call",
        });
        var user = await fixture.CreateAsync("user", new JsonObject { ["name"] = Unique("user"), ["password"] = "p", ["_templates"] = new JsonArray((string)template["_id"]!) });
        Assert.False((bool?)user["host_notifications_enabled"]);
        Assert.Equal("on call", (string?)user["notes"]);
        Assert.NotEqual((string?)template["token"], (string?)user["token"]);
    }

    [Fact]
    public async Task A_host_template_with_five_service_templates_makes_1000_hosts_with_5000_services_and_an_edit_reaches_them_all()
    {
        var hostTemplate = await Host(new JsonObject { ["name"] = Unique("web-tpl"), ["_is_template"] = true, ["check_interval"] = 4 });
        var serviceTemplates = new List<JsonObject>();
        foreach (var name in new[] { "http", "https", "disk", "load", "ping" })
            serviceTemplates.Add(await fixture.CreateAsync("service", new JsonObject
            {
                ["name"] = name, ["host"] = (string)hostTemplate["_id"]!, ["_is_template"] = true,
                ["_templates_from_host_template"] = true, ["max_check_attempts"] = 3, ["notes"] = $"{name} v1",
            }));

        var prefix = Unique("web");
        var hosts = new JsonArray(Enumerable.Range(0, 1000).Select(i => (JsonNode)new JsonObject
        {
            ["name"] = $"{prefix}-{i:D4}", ["_templates"] = new JsonArray((string)hostTemplate["_id"]!),
        }).ToArray());
        var (status, body) = await Admin.PostAsync("/host", hosts);
        Assert.Equal(HttpStatusCode.Created, status);
        var hostIds = body!["_items"]!.AsArray().Select(i => (string)i!["_id"]!).ToHashSet();

        var services = (await Admin.AllAsync("service", "max_results=50&where=" + Uri.EscapeDataString(
            new JsonObject { ["_templates_from_host_template"] = true, ["_is_template"] = false, ["max_check_attempts"] = 3 }.ToJsonString())))
            .Where(s => hostIds.Contains((string)s["host"]!)).ToList();
        Assert.Equal(5000, services.Count);
        Assert.All(services, s =>
        {
            Assert.Equal(3, (int?)s["max_check_attempts"]);
            Assert.Equal($"{s["name"]} v1", (string?)s["notes"]);
            Assert.Single(s["_templates"]!.AsArray());
        });
        Assert.Equal(4, (int?)(await Get("host", hostIds.First()))["check_interval"]);

        var http = serviceTemplates[0];
        var (edited, _) = await Admin.PatchAsync($"/service/{http["_id"]}", new JsonObject { ["notes"] = "http v2" }, (string)http["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, edited);
        var updated = await Admin.AllAsync("service", "where=" + Uri.EscapeDataString(
            new JsonObject { ["_templates"] = (string)http["_id"]! }.ToJsonString()));
        Assert.Equal(1000, updated.Count);
        Assert.All(updated, s => Assert.Equal("http v2", (string?)s["notes"]));

        // Deleting the host template takes its service templates and every service made from them.
        var template = await Get("host", hostTemplate["_id"]);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/host/{hostTemplate["_id"]}", (string)template["_etag"]!)).Status);
        Assert.Empty(await Admin.AllAsync("service", "where=" + Uri.EscapeDataString(new JsonObject { ["_templates"] = (string)http["_id"]! }.ToJsonString())));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Support;

namespace Alignak.Tests.Api;

/// <summary>What alignak-backend-client and the Web UI rely on: paging, ETags, status codes, trees, cascades.</summary>
public sealed class EveConventionsTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private EveClient Admin => fixture.Admin;

    private static string Where(JsonObject filter) => "where=" + Uri.EscapeDataString(filter.ToJsonString());

    [Fact]
    public async Task Pages_follow_links_next_with_meta_total_and_insertion_order()
    {
        var names = Enumerable.Range(0, 23).Select(i => $"page-cmd-{i:D2}").ToList();
        var (status, _) = await Admin.PostAsync("/command", new JsonArray(names.Select(n =>
            (JsonNode)new JsonObject { ["name"] = n, ["_realm"] = fixture.RealmAll }).ToArray()));
        Assert.Equal(HttpStatusCode.Created, status);

        var query = Where(new JsonObject { ["name"] = new JsonObject { ["$regex"] = "^page-cmd-" } }) + "&max_results=5";
        var (_, first) = await Admin.GetAsync("/command?" + query);
        Assert.Equal(23, (int?)first!["_meta"]!["total"]);
        Assert.Equal(5, (int?)first["_meta"]!["max_results"]);
        Assert.Equal("last page", (string?)first["_links"]!["last"]!["title"]);
        Assert.EndsWith("page=5", (string?)first["_links"]!["last"]!["href"]);
        Assert.Null(first["_links"]!["prev"]);
        var item = first["_items"]![0]!;
        Assert.Equal($"command/{item["_id"]}", (string?)item["_links"]!["self"]!["href"]);
        Assert.Equal("Command", (string?)item["_links"]!["self"]!["title"]);
        Assert.Equal("page-cmd-00", (string?)item["name"]);

        var seen = await Admin.AllAsync("command", query);
        Assert.Equal(names, seen.Select(c => (string)c["name"]!));
        Assert.Equal(seen.Select(c => (string)c["_id"]!).Order(StringComparer.Ordinal), seen.Select(c => (string)c["_id"]!));

        var (_, last) = await Admin.GetAsync("/command?" + query + "&page=5");
        Assert.Equal(3, last!["_items"]!.AsArray().Count);
        Assert.Null(last["_links"]!["next"]);
        Assert.EndsWith("page=4", (string?)last["_links"]!["prev"]!["href"]);
    }

    [Fact]
    public async Task Sort_is_byte_wise_and_projection_keeps_meta_fields()
    {
        foreach (var name in new[] { "sort-b", "sort-B", "sort-a", "sort-A" })
            await fixture.CreateAsync("command", new JsonObject { ["name"] = name, ["_realm"] = fixture.RealmAll, ["command_line"] = "x" });
        var query = Where(new JsonObject { ["name"] = new JsonObject { ["$regex"] = "^sort-" } });
        Assert.Equal(["sort-A", "sort-B", "sort-a", "sort-b"], (await Admin.AllAsync("command", query + "&sort=name")).Select(c => (string)c["name"]!));
        Assert.Equal(["sort-b", "sort-a", "sort-B", "sort-A"],
            (await Admin.AllAsync("command", query + "&sort=" + Uri.EscapeDataString("[(\"name\", -1)]"))).Select(c => (string)c["name"]!));

        var projected = await Admin.AllAsync("command", query + "&projection=" + Uri.EscapeDataString("""{"name":1}"""));
        Assert.All(projected, c =>
        {
            Assert.NotNull(c["_id"]);
            Assert.NotNull(c["_etag"]);
            Assert.NotNull(c["name"]);
            Assert.Null(c["command_line"]);
        });
    }

    [Fact]
    public async Task Status_codes_head_and_conditional_get_are_as_eve()
    {
        var (collectionPatch, body) = await Admin.SendAsync(HttpMethod.Patch, "/realm", new JsonObject());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, collectionPatch);
        Assert.Equal(405, (int?)body!["_error"]!["code"]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Admin.SendAsync(HttpMethod.Put, $"/realm/{fixture.RealmAll}", new JsonObject())).Status);

        using var head = await Admin.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/realm"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Headers.Contains("X-Total-Count"));

        var realm = (await Admin.GetAsync($"/realm/{fixture.RealmAll}")).Body!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/realm/{fixture.RealmAll}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", $"\"{realm["_etag"]}\"");
        using var notModified = await Admin.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var since = new HttpRequestMessage(HttpMethod.Get, $"/realm/{fixture.RealmAll}");
        since.Headers.TryAddWithoutValidation("If-Modified-Since", (string)realm["_updated"]!);
        using var notModifiedSince = await Admin.Http.SendAsync(since);
        Assert.Equal(HttpStatusCode.NotModified, notModifiedSince.StatusCode);
        Assert.Equal("home", (string?)realm["_links"]!["parent"]!["title"]);
        Assert.Equal("realm", (string?)realm["_links"]!["collection"]!["href"]);
    }

    [Fact]
    public async Task The_etag_of_a_write_response_already_includes_server_side_changes()
    {
        var (_, created) = await Admin.PostAsync("/user", new JsonObject { ["name"] = "etag-user", ["password"] = "p" });
        var stored = (await Admin.GetAsync($"/user/{created!["_id"]}")).Body!;
        Assert.Equal((string?)created["_etag"], (string?)stored["_etag"]);
        Assert.Equal("etag-user", (string?)stored["alias"]);
    }

    [Fact]
    public async Task A_realm_tree_of_three_levels_is_kept_on_create_move_and_delete()
    {
        var europe = await fixture.CreateAsync("realm", new JsonObject { ["name"] = "tree-Europe" });
        var france = await fixture.CreateAsync("realm", new JsonObject { ["name"] = "tree-France", ["_parent"] = (string)europe["_id"]! });
        var paris = await fixture.CreateAsync("realm", new JsonObject { ["name"] = "tree-Paris", ["_parent"] = (string)france["_id"]! });
        Assert.Equal(3, (int?)paris["_level"]);
        Assert.Equal([fixture.RealmAll, (string)europe["_id"]!, (string)france["_id"]!], paris["_tree_parents"]!.AsArray().Select(n => (string)n!));

        async Task<JsonObject> Get(JsonObject r) => (await Admin.GetAsync($"/realm/{r["_id"]}")).Body!.AsObject();
        europe = await Get(europe);
        Assert.Equal([(string)france["_id"]!], europe["_children"]!.AsArray().Select(n => (string)n!));
        Assert.Equal([(string)france["_id"]!, (string)paris["_id"]!], europe["_all_children"]!.AsArray().Select(n => (string)n!));

        var (refused, _) = await Admin.DeleteAsync($"/realm/{france["_id"]}", (string)(await Get(france))["_etag"]!);
        Assert.Equal(HttpStatusCode.Conflict, refused);
        var (forbidden, text) = await Admin.PatchAsync($"/realm/{france["_id"]}", new JsonObject { ["_children"] = new JsonArray() }, (string)(await Get(france))["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, forbidden);
        Assert.Equal("Updating _children is forbidden", (string?)text);

        // Move France (with Paris) under All.
        var (moved, _) = await Admin.PatchAsync($"/realm/{france["_id"]}", new JsonObject { ["_parent"] = fixture.RealmAll }, (string)(await Get(france))["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal(2, (int?)(await Get(paris))["_level"]);
        Assert.Empty((await Get(europe))["_all_children"]!.AsArray());
        var all = (await Admin.GetAsync($"/realm/{fixture.RealmAll}")).Body!;
        Assert.Contains((string)paris["_id"]!, all["_all_children"]!.AsArray().Select(n => (string)n!));

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/realm/{paris["_id"]}", (string)(await Get(paris))["_etag"]!)).Status);
        Assert.Empty((await Get(france))["_children"]!.AsArray());
        all = (await Admin.GetAsync($"/realm/{fixture.RealmAll}")).Body!;
        Assert.DoesNotContain((string)paris["_id"]!, all["_all_children"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public async Task Group_trees_default_to_All_and_refuse_unknown_parents()
    {
        var top = await fixture.CreateAsync("hostgroup", new JsonObject { ["name"] = "grp-top", ["_realm"] = fixture.RealmAll });
        var all = (await Admin.FindAsync("hostgroup", "All"))!;
        Assert.Equal((string?)all["_id"], (string?)top["_parent"]);
        Assert.Equal(1, (int?)top["_level"]);
        var host = await fixture.CreateAsync("host", new JsonObject { ["name"] = "grp-member" });
        var child = await fixture.CreateAsync("hostgroup", new JsonObject
        {
            ["name"] = "grp-child", ["_realm"] = fixture.RealmAll, ["_parent"] = (string)top["_id"]!,
            ["hosts"] = new JsonArray((string)host["_id"]!, (string)host["_id"]!),
        });
        Assert.Equal(2, (int?)child["_level"]);
        Assert.Equal([(string)all["_id"]!, (string)top["_id"]!], child["_tree_parents"]!.AsArray().Select(n => (string)n!));
        Assert.Single(child["hosts"]!.AsArray());

        var (forbidden, text) = await Admin.PatchAsync($"/hostgroup/{child["_id"]}", new JsonObject { ["_tree_parents"] = new JsonArray() }, (string)child["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, forbidden);
        Assert.Equal("Updating _tree_parents is forbidden", (string?)text);
        var (unknown, unknownText) = await Admin.PatchAsync($"/hostgroup/{child["_id"]}", new JsonObject { ["_parent"] = "5a0000000000000000000042" }, (string)child["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, unknown);
        Assert.Equal("Error: parent not found: 5a0000000000000000000042", (string?)unknownText);
    }

    [Fact]
    public async Task Running_state_and_preferences_keep_updated_and_a_hosts_services_follow_its_realm()
    {
        var alignak = await fixture.CreateAsync("alignak", new JsonObject { ["name"] = "arbiter-master", ["_realm"] = fixture.RealmAll });
        var user = await fixture.CreateAsync("user", new JsonObject { ["name"] = "prefs-user", ["password"] = "p" });
        await Task.Delay(1100, TestContext.Current.CancellationToken); // _updated has one-second precision
        var (alive, _) = await Admin.PatchAsync($"/alignak/{alignak["_id"]}", new JsonObject { ["last_alive"] = 1700000000 }, (string)alignak["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, alive);
        var afterAlive = (await Admin.GetAsync($"/alignak/{alignak["_id"]}")).Body!;
        Assert.Equal((string?)alignak["_updated"], (string?)afterAlive["_updated"]);
        var (renamed, _) = await Admin.PatchAsync($"/alignak/{alignak["_id"]}", new JsonObject { ["alias"] = "Master" }, (string)afterAlive["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, renamed);
        Assert.NotEqual((string?)alignak["_updated"], (string?)(await Admin.GetAsync($"/alignak/{alignak["_id"]}")).Body!["_updated"]);

        var (prefs, _) = await Admin.PatchAsync($"/user/{user["_id"]}", new JsonObject { ["ui_preferences"] = new JsonObject { ["theme"] = "dark" } }, (string)user["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, prefs);
        Assert.Equal((string?)user["_updated"], (string?)(await Admin.GetAsync($"/user/{user["_id"]}")).Body!["_updated"]);

        var elsewhere = await fixture.CreateAsync("realm", new JsonObject { ["name"] = "move-target" });
        var host = await fixture.CreateAsync("host", new JsonObject { ["name"] = "mover" });
        var service = await fixture.CreateAsync("service", new JsonObject { ["name"] = "svc", ["host"] = (string)host["_id"]! });
        var (moved, _) = await Admin.PatchAsync($"/host/{host["_id"]}", new JsonObject { ["_realm"] = (string)elsewhere["_id"]! }, (string)host["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal((string?)elsewhere["_id"], (string?)(await Admin.GetAsync($"/service/{service["_id"]}")).Body!["_realm"]);
    }

    [Fact]
    public async Task Escalations_default_to_the_24x7_period()
    {
        var escalation = await fixture.CreateAsync("hostescalation", new JsonObject { ["name"] = "esc-default", ["_realm"] = fixture.RealmAll });
        Assert.Equal(fixture.Always, (string?)escalation["escalation_period"]);
    }

    [Fact]
    public async Task Deleting_a_host_deletes_its_services_and_live_state_writes_keep_updated()
    {
        var host = await fixture.CreateAsync("host", new JsonObject { ["name"] = "cascade-host", ["customs"] = new JsonObject { ["_A"] = "1" } });
        var service = await fixture.CreateAsync("service", new JsonObject { ["name"] = "cascade-svc", ["host"] = (string)host["_id"]! });
        Assert.Equal((string?)fixture.RealmAll, (string?)service["_realm"]);
        await Task.Delay(1100, TestContext.Current.CancellationToken); // _updated has one-second precision

        var (status, patched) = await Admin.PatchAsync($"/host/{host["_id"]}",
            new JsonObject { ["ls_state"] = "DOWN", ["customs"] = new JsonObject { ["_B"] = "2" } }, (string)host["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        var after = (await Admin.GetAsync($"/host/{host["_id"]}")).Body!;
        Assert.Equal((string?)host["_updated"], (string?)after["_updated"]);
        Assert.NotEqual((string?)host["_etag"], (string?)patched!["_etag"]);
        Assert.Equal("1", (string?)after["customs"]!["_A"]);
        Assert.Equal("2", (string?)after["customs"]!["_B"]);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/host/{host["_id"]}", (string)after["_etag"]!)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/service/{service["_id"]}")).Status);
    }

    [Fact]
    public async Task Retention_documents_belong_to_their_writer_and_put_creates_or_replaces()
    {
        var (_, created) = await Admin.PostAsync("/alignakretention", new JsonObject { ["host"] = "ret-host", ["state"] = 1 });
        var id = (string)created!["_id"]!;

        var (_, other) = await Admin.PostAsync("/user", new JsonObject { ["name"] = "ret-other", ["password"] = "p" });
        using var stranger = await fixture.Backend.Client().AsAsync("ret-other", "p");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/alignakretention/{id}")).Status);
        Assert.DoesNotContain(await stranger.AllAsync("alignakretention"), d => (string?)d["_id"] == id);
        Assert.Contains(await Admin.AllAsync("alignakretention"), d => (string?)d["_id"] == id);
        Assert.NotNull(other);

        var stored = (await Admin.GetAsync($"/alignakretention/{id}")).Body!;
        var (replaced, _) = await Admin.SendAsync(HttpMethod.Put, $"/alignakretention/{id}", new JsonObject { ["host"] = "ret-host", ["state"] = 2 }, (string)stored["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, replaced);
        Assert.Equal(2, (int?)(await Admin.GetAsync($"/alignakretention/{id}")).Body!["state"]);

        var newId = "5b0000000000000000000001";
        var (upserted, _) = await Admin.SendAsync(HttpMethod.Put, $"/alignakretention/{newId}", new JsonObject { ["host"] = "ret-new" });
        Assert.Equal(HttpStatusCode.Created, upserted);
        Assert.Equal("ret-new", (string?)(await Admin.GetAsync($"/alignakretention/{newId}")).Body!["host"]);
    }

    [Fact]
    public async Task Embedded_relations_are_replaced_by_the_stored_documents()
    {
        var host = await fixture.CreateAsync("host", new JsonObject { ["name"] = "embed-host" });
        var (_, item) = await Admin.GetAsync($"/host/{host["_id"]}?embedded=" + Uri.EscapeDataString("""{"check_command":1,"_realm":1}"""));
        Assert.Equal("_internal_host_up", (string?)item!["check_command"]!["name"]);
        Assert.Equal("All", (string?)item["_realm"]!["name"]);
    }

    [Fact]
    public async Task Only_one_time_series_database_per_grafana_in_a_realm()
    {
        var grafana = await fixture.CreateAsync("grafana", new JsonObject { ["name"] = "tsdb-grafana", ["address"] = "127.0.0.1", ["apikey"] = "k", ["_realm"] = fixture.RealmAll });
        await fixture.CreateAsync("graphite", new JsonObject
        {
            ["name"] = "tsdb-graphite", ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1",
            ["_realm"] = fixture.RealmAll, ["grafana"] = (string)grafana["_id"]!,
        });
        var (status, text) = await Admin.PostAsync("/influxdb", new JsonObject
        {
            ["name"] = "tsdb-influx", ["address"] = "127.0.0.1", ["database"] = "d", ["login"] = "l", ["password"] = "p",
            ["_realm"] = fixture.RealmAll, ["grafana"] = (string)grafana["_id"]!,
        });
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("A timeserie is yet attached to grafana in this realm", (string?)text);
        Assert.Null(await Admin.FindAsync("influxdb", "tsdb-influx"));
    }

    [Fact]
    public async Task Cors_echoes_the_origin_and_preflight_needs_no_token()
    {
        using var http = new HttpClient { BaseAddress = fixture.Backend.Address };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/host");
        preflight.Headers.Add("Origin", "http://ui.example");
        using var response = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("http://ui.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("If-Match", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
    }
}

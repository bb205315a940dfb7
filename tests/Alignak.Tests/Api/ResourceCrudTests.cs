using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Api;

/// <summary>Create, read, update and delete through HTTP for every routable resource, on SQLite and PostgreSQL.</summary>
public abstract class ResourceCrudTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    /// <summary>A valid new document of each resource, and a field a client may change.</summary>
    private async Task<(JsonObject Document, string Field, JsonNode Value)> Sample(string resource)
    {
        var f = fixture;
        var unique = resource + "-" + Guid.NewGuid().ToString("N")[..8];
        async Task<string> Host() => (string)(await f.CreateAsync("host", new JsonObject { ["name"] = "h-" + unique, ["_realm"] = f.RealmAll }))["_id"]!;
        return resource switch
        {
            "actionacknowledge" or "actiondowntime" or "actionforcecheck" =>
                (new JsonObject { ["host"] = await Host(), ["service"] = null, ["user"] = f.AdminId }, "comment", "checked"),
            "alignak" => (new JsonObject { ["name"] = unique, ["_realm"] = f.RealmAll }, "alias", "Main"),
            "alignakdaemon" => (new JsonObject
            {
                ["name"] = unique, ["address"] = "127.0.0.1", ["port"] = 7771, ["last_check"] = 0, ["alive"] = true,
                ["reachable"] = true, ["passive"] = false, ["spare"] = false, ["type"] = "poller", ["_realm"] = f.RealmAll,
            }, "port", 7772),
            "alignakretention" => (new JsonObject { ["host"] = unique, ["retention"] = new JsonObject { ["state"] = 1 } }, "host", "renamed"),
            "grafana" => (new JsonObject { ["name"] = unique, ["address"] = "127.0.0.1", ["apikey"] = "k", ["_realm"] = f.RealmAll }, "timezone", "utc"),
            "graphite" => (new JsonObject { ["name"] = unique, ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1", ["_realm"] = f.RealmAll }, "prefix", "p"),
            "influxdb" => (new JsonObject
            {
                ["name"] = unique, ["address"] = "127.0.0.1", ["database"] = "db", ["login"] = "l", ["password"] = "p", ["_realm"] = f.RealmAll,
            }, "prefix", "p"),
            "statsd" => (new JsonObject { ["name"] = unique, ["address"] = "127.0.0.1", ["_realm"] = f.RealmAll }, "prefix", "p"),
            "history" => (new JsonObject { ["type"] = "webui.comment", ["message"] = "hello" }, "message", "edited"),
            "logcheckresult" => (new JsonObject
            {
                ["host"] = await Host(), ["state"] = "UP", ["state_type"] = "HARD", ["last_state_type"] = "HARD", ["output"] = "fine",
            }, "output", "still fine"),
            "livesynthesis" => (new JsonObject { ["_realm"] = f.RealmAll }, "hosts_total", 3),
            "realm" => (new JsonObject { ["name"] = unique }, "alias", "Somewhere"),
            "host" => (new JsonObject { ["name"] = unique, ["_realm"] = f.RealmAll }, "display_name", "Web"),
            "service" => (new JsonObject { ["name"] = unique, ["host"] = await Host(), ["_realm"] = f.RealmAll }, "display_name", "HTTP"),
            "hostdependency" or "servicedependency" => (new JsonObject { ["name"] = unique, ["dependency_period"] = f.Always, ["_realm"] = f.RealmAll }, "alias", "dep"),
            "serviceescalation" => (new JsonObject
            {
                ["name"] = unique, ["users"] = new JsonArray(f.AdminId), ["usergroups"] = new JsonArray(f.UsersAll), ["_realm"] = f.RealmAll,
            }, "alias", "esc"),
            "userrestrictrole" => (new JsonObject { ["user"] = f.AdminId, ["realm"] = f.RealmAll }, "crud", new JsonArray("read", "update")),
            _ => (new JsonObject { ["name"] = unique, ["_realm"] = f.RealmAll }, "alias", "Changed"),
        };
    }

    public static TheoryData<string> Resources()
    {
        var data = new TheoryData<string>();
        foreach (var schema in Schemas.Routable) data.Add(schema.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Create_read_update_delete(string resource)
    {
        var admin = fixture.Admin;
        var (document, field, value) = await Sample(resource);

        var (status, created) = await admin.PostAsync("/" + resource, document);
        Assert.True(status == HttpStatusCode.Created, $"{status} {created?.ToJsonString()}");
        Assert.Equal("OK", (string?)created!["_status"]);
        var id = (string)created["_id"]!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal($"{resource}/{id}", (string?)created["_links"]!["self"]!["href"]);

        var (readStatus, stored) = await admin.GetAsync($"/{resource}/{id}");
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal((string?)created["_etag"], (string?)stored!["_etag"]);
        foreach (var (key, sent) in document)
            Assert.True(JsonNode.DeepEquals(sent, stored[key]) || key == "password", $"{key}: sent {sent?.ToJsonString()}, stored {stored[key]?.ToJsonString()}");
        Assert.Contains(await admin.AllAsync(resource, "where=" + Uri.EscapeDataString($$"""{"_id":"{{id}}"}""")), d => (string?)d["_id"] == id);

        var etag = (string)stored["_etag"]!;
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, null)).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, "0000")).Status);
        var (patchStatus, patched) = await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, etag);
        Assert.True(patchStatus == HttpStatusCode.OK, $"{patchStatus} {patched?.ToJsonString()}");
        var newEtag = (string)patched!["_etag"]!;
        Assert.NotEqual(etag, newEtag);
        var after = (await admin.GetAsync($"/{resource}/{id}")).Body!;
        Assert.True(JsonNode.DeepEquals(value, after[field]));
        Assert.Equal(newEtag, (string?)after["_etag"]);

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.DeleteAsync($"/{resource}/{id}", etag)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/{resource}/{id}", newEtag)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{resource}/{id}")).Status);
    }
}

public sealed class SqliteResourceCrudTests(SqliteFixture fixture)
    : ResourceCrudTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresResourceCrudTests(PostgresFixture fixture)
    : ResourceCrudTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Support;

/// <summary>A valid new document of each routable resource, in a given realm, and a field a client may change.</summary>
public static class Samples
{
    /// <summary>Resources clients create (livesynthesis is computed by the backend: read only).</summary>
    public static IEnumerable<ResourceSchema> CreatableResources => Schemas.Routable.Where(s => s.ResourceMethods.Contains("POST"));

    /// <summary>What a sample may refer to: ids of defaults, and a way to make a host in a realm.</summary>
    public sealed record Context(string AdminId, string Always, string UsersAll, Func<string, bool, Task<string>> HostIn);

    public static async Task<(JsonObject Document, string Field, JsonNode Value)> Build(string resource, string realm, bool subRealm, Context c)
    {
        var unique = resource + "-" + Guid.NewGuid().ToString("N")[..8];
        var (document, field, value) = resource switch
        {
            "actionacknowledge" or "actiondowntime" or "actionforcecheck" =>
                (new JsonObject { ["host"] = await c.HostIn(realm, subRealm), ["service"] = null, ["user"] = c.AdminId }, "comment", (JsonNode)"checked"),
            "alignak" => (new JsonObject { ["name"] = unique }, "alias", "Main"),
            "alignakdaemon" => (new JsonObject
            {
                ["name"] = unique, ["address"] = "127.0.0.1", ["port"] = 7771, ["last_check"] = 0, ["alive"] = true,
                ["reachable"] = true, ["passive"] = false, ["spare"] = false, ["type"] = "poller",
            }, "port", 7772),
            "alignakretention" => (new JsonObject { ["host"] = unique, ["retention"] = new JsonObject { ["state"] = 1 } }, "host", "renamed"),
            "grafana" => (new JsonObject { ["name"] = unique, ["address"] = "127.0.0.1", ["apikey"] = "k" }, "timezone", "utc"),
            "graphite" => (new JsonObject { ["name"] = unique, ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1" }, "prefix", "p"),
            "influxdb" => (new JsonObject { ["name"] = unique, ["address"] = "127.0.0.1", ["database"] = "db", ["login"] = "l", ["password"] = "p" }, "prefix", "p"),
            "statsd" => (new JsonObject { ["name"] = unique, ["address"] = "127.0.0.1" }, "prefix", "p"),
            "history" => (new JsonObject { ["type"] = "webui.comment", ["message"] = "hello" }, "message", "edited"),
            "logcheckresult" => (new JsonObject
            {
                ["host"] = await c.HostIn(realm, subRealm), ["state"] = "UP", ["state_type"] = "HARD", ["last_state_type"] = "HARD", ["output"] = "fine",
            }, "output", "still fine"),
            "realm" => (new JsonObject { ["name"] = unique }, "alias", "Somewhere"),
            "host" => (new JsonObject { ["name"] = unique }, "display_name", "Web"),
            "service" => (new JsonObject { ["name"] = unique, ["host"] = await c.HostIn(realm, subRealm) }, "display_name", "HTTP"),
            "hostdependency" or "servicedependency" => (new JsonObject { ["name"] = unique, ["dependency_period"] = c.Always }, "alias", "dep"),
            "serviceescalation" => (new JsonObject
            {
                ["name"] = unique, ["users"] = new JsonArray(c.AdminId), ["usergroups"] = new JsonArray(c.UsersAll),
            }, "alias", "esc"),
            "userrestrictrole" => (new JsonObject { ["user"] = c.AdminId, ["realm"] = realm }, "crud", new JsonArray("read", "update")),
            _ => (new JsonObject { ["name"] = unique }, "alias", "Changed"),
        };
        if (resource is not ("realm" or "alignakretention" or "userrestrictrole"))
        {
            document["_realm"] = realm;
            document["_sub_realm"] = subRealm;
        }
        return (document, field, value);
    }
}

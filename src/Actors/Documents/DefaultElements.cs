using System.Text.Json.Nodes;
using Alignak.Actors.Security;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Documents;

/// <summary>
/// The elements the original creates on first start, in its order (which fixes the ids clients
/// see), each only when missing; and the ones a DELETE may not remove.
/// </summary>
public static class DefaultElements
{
    private static readonly Dictionary<string, string[]> ProtectedNames = new(StringComparer.Ordinal)
    {
        ["realm"] = ["All"],
        ["usergroup"] = ["All"],
        ["hostgroup"] = ["All"],
        ["servicegroup"] = ["All"],
        ["timeperiod"] = ["24x7", "Never"],
        ["command"] = ["_internal_host_up", "_echo"],
        ["host"] = ["_dummy"],
        ["user"] = ["admin"],
    };

    /// <summary>Whether the document of that name is one of the defaults that may not be deleted or renamed.</summary>
    public static bool IsProtected(string resource, string? name) =>
        ProtectedNames.TryGetValue(resource, out var names) && names.Contains(name);

    /// <summary>Creates every missing default through <paramref name="write"/>; returns how many were created.</summary>
    public static async Task<int> EnsureAsync(
        DocumentIndex index, PasswordHasher hasher, Func<IResourceCommand, Task<WriteResult>> write)
    {
        var created = 0;

        async Task<string> Ensure(string resource, string name, Func<JsonObject> build, Func<StoredDocument, bool>? exists = null)
        {
            var existing = exists is null
                ? index.Collection(resource).FindByName(name)
                : index.Collection(resource).Read(view => view.All().FirstOrDefault(exists));
            if (existing is not null) return (string)existing["_id"]!;
            var result = await write(new CreateDocuments(resource, build().ToJsonString(), null));
            if (result.Status != WriteStatus.Created)
                throw new InvalidOperationException(
                    $"could not create the default {resource} '{name}': {result.Status} {result.Message} {result.Items.FirstOrDefault()?.IssuesJson}");
            created++;
            return result.Items[0].Id!;
        }

        var realm = await Ensure(ResourceNames.Realm, "All", () => new JsonObject
        {
            ["name"] = "All", ["alias"] = "All", ["default"] = true,
        });

        JsonObject InAll(JsonObject fields)
        {
            fields["_realm"] = realm;
            fields["_sub_realm"] = true;
            return fields;
        }

        await Ensure(ResourceNames.UserGroup, "All", () => InAll(new JsonObject { ["name"] = "All", ["alias"] = "All users" }));
        await Ensure(ResourceNames.HostGroup, "All", () => InAll(new JsonObject { ["name"] = "All", ["alias"] = "All hosts" }));
        await Ensure(ResourceNames.ServiceGroup, "All", () => InAll(new JsonObject { ["name"] = "All", ["alias"] = "All services" }));

        var always = await Ensure(ResourceNames.TimePeriod, "24x7", () => InAll(new JsonObject
        {
            ["name"] = "24x7",
            ["alias"] = "All time default 24x7",
            ["is_active"] = true,
            ["dateranges"] = new JsonArray(
                new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }
                    .Select(day => (JsonNode)new JsonObject { [day] = "00:00-24:00" }).ToArray()),
        }));
        await Ensure(ResourceNames.TimePeriod, "Never", () => InAll(new JsonObject
        {
            ["name"] = "Never", ["alias"] = "No time is a good time", ["is_active"] = true, ["dateranges"] = new JsonArray(),
        }));

        var hostUp = await Ensure(ResourceNames.Command, "_internal_host_up", () => InAll(new JsonObject
        {
            ["name"] = "_internal_host_up", ["alias"] = "Host/service is always UP/OK", ["command_line"] = "_internal_host_up",
        }));
        await Ensure(ResourceNames.Command, "_echo", () => InAll(new JsonObject
        {
            ["name"] = "_echo", ["alias"] = "Host/service is always UP/OK", ["command_line"] = "_echo",
        }));

        await Ensure(ResourceNames.Host, "_dummy", () => InAll(new JsonObject
        {
            ["name"] = "_dummy",
            ["alias"] = "Dummy host for services templates",
            ["check_command"] = hostUp,
            ["_is_template"] = true,
            ["_templates_with_services"] = false,
        }));

        await Ensure(ResourceNames.User, "admin", () => InAll(new JsonObject
        {
            ["name"] = "admin",
            ["alias"] = "Administrator",
            ["password"] = hasher.Hash("admin"),
            ["back_role_super_admin"] = true,
            ["is_admin"] = true,
            ["can_update_livestate"] = true,
            ["can_submit_commands"] = true,
            ["skill_level"] = 2,
            ["host_notifications_enabled"] = false,
            ["service_notifications_enabled"] = false,
            ["host_notification_period"] = always,
            ["service_notification_period"] = always,
        }), exists: user => (bool?)user["back_role_super_admin"] == true);

        return created;
    }
}

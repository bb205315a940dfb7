using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;

namespace Alignak.Actors.Documents;

/// <summary>
/// The original backend's per-resource hooks (spec: realm and group trees, alias fill, user token
/// and default rights, escalation period, cascades). Each runs inside one write.
/// </summary>
internal static class Hooks
{
    private static readonly string[] GroupResources = [ResourceNames.HostGroup, ResourceNames.ServiceGroup, ResourceNames.UserGroup];
    private static readonly string[] RealmTreeFields = ["_tree_parents", "_children", "_all_children"];

    private static bool IsGroup(string resource) => GroupResources.Contains(resource);

    private static bool IsTree(string resource) => resource == ResourceNames.Realm || IsGroup(resource);

    /// <summary>Before validation: fill what the original's pre-POST hooks fill; issues refuse the item.</summary>
    public static JsonObject? BeforeValidateInsert(string resource, JsonObject document, IWriteContext context)
    {
        if (Templates.Fill(resource, document, context) is { } templateIssues) return templateIssues;

        if (IsTree(resource) && document["_parent"] is null
            && context.FindByName(resource, "All") is { } all)
            document["_parent"] = (string)all["_id"]!;
        if (resource is ResourceNames.HostEscalation or ResourceNames.ServiceEscalation && document["escalation_period"] is null
            && context.FindByName(ResourceNames.TimePeriod, "24x7") is { } always)
            document["escalation_period"] = (string)always["_id"]!;
        if (IsGroup(resource)) DeduplicateMembers(resource, document);

        // An action belongs to its host's realm.
        if (Security.UserRights.IsAction(resource) && (string?)(document["host"] as JsonValue) is { } actionHost
            && context.Find(ResourceNames.Host, actionHost) is { } target)
        {
            document["_realm"] = target["_realm"]?.DeepClone();
            document["_sub_realm"] = target["_sub_realm"]?.DeepClone();
        }

        // Defaults the original fills whether or not templates are used.
        if (resource is ResourceNames.Host or ResourceNames.Service or ResourceNames.User && document["_realm"] is null
            && context.CallerId is { } caller && context.Find(ResourceNames.User, caller)?["_realm"] is { } callerRealm)
            document["_realm"] = callerRealm.DeepClone();
        // Only an absent key gets the default: an explicit null (the item's own or a template's) means no command.
        if (resource is ResourceNames.Host or ResourceNames.Service && !document.ContainsKey("check_command")
            && context.FindByName(ResourceNames.Command, resource == ResourceNames.Host ? "_internal_host_up" : "_echo") is { } command)
            document["check_command"] = (string)command["_id"]!;
        if (resource == ResourceNames.User && document["_templates"] is null or JsonArray { Count: 0 }
            && context.FindByName(ResourceNames.TimePeriod, "Never") is { } never)
            foreach (var period in new[] { "host_notification_period", "service_notification_period" })
                if (document[period] is null) document[period] = (string)never["_id"]!;
        return null;
    }

    /// <summary>A plain-text 412 refusal of an insert, after validation; null to accept it.</summary>
    public static string? RefuseInsert(string resource, JsonObject document, IWriteContext context)
    {
        if (Templates.RefuseInsert(resource, document, context) is { } templateRefusal) return templateRefusal;
        // One time-series database per Grafana in a realm (and its sub-realms), as the original checks.
        if (resource is not (ResourceNames.Graphite or ResourceNames.InfluxDb) || (string?)document["grafana"] is not { } grafana) return null;
        var realm = (string?)document["_realm"];
        var parents = realm is null ? [] : DocumentIds.In(context.Find(ResourceNames.Realm, realm)?["_tree_parents"]);
        foreach (var kind in new[] { ResourceNames.Graphite, ResourceNames.InfluxDb })
            foreach (var id in context.IdsWhere(kind, "_realm", realm ?? ""))
                if ((string?)context.Find(kind, id)?["grafana"] == grafana)
                    return "A timeserie is yet attached to grafana in this realm";
        foreach (var kind in new[] { ResourceNames.Graphite, ResourceNames.InfluxDb })
            foreach (var parent in parents)
                foreach (var id in context.IdsWhere(kind, "_realm", parent))
                    if (context.Find(kind, id) is { } other && (string?)other["grafana"] == grafana && (bool?)other["_sub_realm"] == true)
                        return "A timeserie is yet attached to grafana in parent realm";
        return null;
    }

    /// <summary>At insert, after validation and defaults: computed fields.</summary>
    public static void OnInsert(string resource, JsonObject document, IWriteContext context)
    {
        if (Schemas.Find(resource)!.Fields.ContainsKey("alias")
            && string.IsNullOrEmpty((string?)document["alias"]) && document["name"] is not null)
            document["alias"] = document["name"]!.DeepClone();

        if (IsTree(resource))
        {
            var parent = (string?)document["_parent"] is { } parentId ? context.Find(resource, parentId) : null;
            SetTreePosition(document, parent);
            if (resource == ResourceNames.Realm)
            {
                document["_children"] = new JsonArray();
                document["_all_children"] = new JsonArray();
            }
        }

        if (resource == ResourceNames.User)
            document["token"] = Tokens.New();

        // Eve's user restriction: the document belongs to whoever wrote it.
        if (Schemas.Find(resource)!.AuthField is { } owner && context.CallerId is { } caller)
            document[owner] = caller;
    }

    public static void AfterInsert(string resource, JsonObject document, IWriteContext context)
    {
        Templates.AfterInsert(resource, document, context);
        var id = (string)document["_id"]!;
        if (resource == ResourceNames.Realm && (string?)document["_parent"] is { } parentId)
        {
            EditList(context, ResourceNames.Realm, parentId, "_children", list => Add(list, id));
            foreach (var ancestor in DocumentIds.In(document["_tree_parents"]))
                EditList(context, ResourceNames.Realm, ancestor, "_all_children", list => Add(list, id));
        }

        if (resource == ResourceNames.User)
        {
            var superAdmin = (bool?)document["back_role_super_admin"] == true;
            context.InsertInternal(ResourceNames.UserRestrictRole, new JsonObject
            {
                ["user"] = id,
                ["realm"] = document["_realm"]?.DeepClone(),
                ["sub_realm"] = document["_sub_realm"]?.DeepClone() ?? false,
                ["resource"] = "*",
                ["crud"] = superAdmin
                    ? new JsonArray("create", "read", "update", "delete")
                    : new JsonArray("read"),
            });
        }
    }

    /// <summary>Fields a client may not PATCH: the original's plain-text 412 refusals.</summary>
    public static string? RefusePatch(string resource, JsonObject stored, JsonObject changes, IWriteContext context)
    {
        // Checked before validation, as the original's pre-PATCH hook does (412, not 422).
        if (IsGroup(resource) && (string?)(changes["_parent"] as JsonValue) is { } parentId && context.Find(resource, parentId) is null)
            return $"Error: parent not found: {parentId}";
        if (Templates.RefusePatch(resource, stored, changes) is { } templateRefusal) return templateRefusal;
        // Defaults are protected by name; a renamed default would lose its protection.
        if (DefaultElements.IsProtected(resource, (string?)stored["name"]) && changes.ContainsKey("name")
            && !JsonNode.DeepEquals(changes["name"], stored["name"]))
            return "This item is a default item and its name cannot be changed";
        if (resource == ResourceNames.Realm)
            foreach (var field in RealmTreeFields)
                if (changes.ContainsKey(field)) return $"Updating {field} is forbidden";
        if (IsGroup(resource) && changes.ContainsKey("_tree_parents"))
            return "Updating _tree_parents is forbidden";
        return null;
    }

    public static void BeforeValidatePatch(string resource, JsonObject changes)
    {
        // Any token value in a PATCH asks for a new token.
        if (resource == ResourceNames.User && changes.ContainsKey("token")) changes["token"] = Tokens.New();
        if (IsGroup(resource)) DeduplicateMembers(resource, changes);
    }

    /// <summary>Computed fields of a patched document; a refusal text (412) or issues (422) when the change cannot apply.</summary>
    public static (string? Refusal, JsonObject? Issues) OnPatch(string resource, JsonObject stored, JsonObject merged, JsonObject changes, IWriteContext context)
    {
        if (Templates.OnPatch(resource, merged, changes, context) is { } issues) return (null, issues);
        if (!IsTree(resource) || !changes.ContainsKey("_parent")) return (null, null);
        var parentId = (string?)merged["_parent"];
        if (parentId == (string?)stored["_parent"]) return (null, null);
        var parent = parentId is null ? null : context.Find(resource, parentId);
        if (parentId is not null && parent is null) return ($"Error: parent not found: {parentId}", null);
        var id = (string)stored["_id"]!;
        if (parent is not null && (parentId == id || DocumentIds.In(parent["_tree_parents"]).Contains(id)))
            return ($"Error: {resource} cannot be moved below itself", null);
        SetTreePosition(merged, parent);
        return (null, null);
    }

    public static void AfterPatch(string resource, JsonObject stored, JsonObject merged, JsonObject changes, IWriteContext context)
    {
        Templates.AfterPatch(resource, merged, changes, context);
        // A host's services follow it into its new realm.
        if (resource == ResourceNames.Host && (string?)merged["_realm"] is { } realm && realm != (string?)stored["_realm"])
            foreach (var serviceId in context.IdsWhere(ResourceNames.Service, "host", (string)merged["_id"]!))
                if (context.Edit(ResourceNames.Service, serviceId) is { } service)
                {
                    service["_realm"] = realm;
                    context.Updated(service);
                }
        if (!IsTree(resource) || (string?)stored["_parent"] == (string?)merged["_parent"]) return;
        var id = (string)merged["_id"]!;
        MoveDescendants(resource, merged, context);
        if (resource != ResourceNames.Realm) return;

        var moved = new List<string> { id };
        moved.AddRange(DocumentIds.In(merged["_all_children"]));
        if ((string?)stored["_parent"] is { } oldParent)
            EditList(context, ResourceNames.Realm, oldParent, "_children", list => RemoveAll(list, [id]));
        foreach (var ancestor in DocumentIds.In(stored["_tree_parents"]))
            EditList(context, ResourceNames.Realm, ancestor, "_all_children", list => RemoveAll(list, moved));
        if ((string?)merged["_parent"] is { } newParent)
            EditList(context, ResourceNames.Realm, newParent, "_children", list => Add(list, id));
        foreach (var ancestor in DocumentIds.In(merged["_tree_parents"]))
            EditList(context, ResourceNames.Realm, ancestor, "_all_children", list => moved.ForEach(m => Add(list, m)));
    }

    /// <summary>Keeps the level and ancestors of everything below a moved tree node right.</summary>
    private static void MoveDescendants(string resource, JsonObject moved, IWriteContext context)
    {
        var id = (string)moved["_id"]!;
        foreach (var childId in context.IdsWhere(resource, "_parent", id))
        {
            var child = context.Edit(resource, childId);
            if (child is null) continue;
            SetTreePosition(child, moved);
            context.Updated(child);
            MoveDescendants(resource, child, context);
        }
    }

    /// <summary>A status that refuses the deletion, or null.</summary>
    public static WriteStatus? RefuseDelete(string resource, JsonObject stored) =>
        resource == ResourceNames.Realm && DocumentIds.In(stored["_children"]).Any() ? WriteStatus.Conflict : null;

    public static void BeforeDelete(string resource, JsonObject stored, IWriteContext context)
    {
        Templates.BeforeDelete(resource, stored, context);
        // A host takes its services with it.
        if (resource == ResourceNames.Host)
            foreach (var serviceId in context.IdsWhere(ResourceNames.Service, "host", (string)stored["_id"]!))
                context.Remove(ResourceNames.Service, serviceId);
    }

    public static void AfterDelete(string resource, JsonObject stored, IWriteContext context)
    {
        if (resource != ResourceNames.Realm) return;
        var id = (string)stored["_id"]!;
        if ((string?)stored["_parent"] is { } parentId)
            EditList(context, ResourceNames.Realm, parentId, "_children", list => RemoveAll(list, [id]));
        foreach (var ancestor in DocumentIds.In(stored["_tree_parents"]))
            EditList(context, ResourceNames.Realm, ancestor, "_all_children", list => RemoveAll(list, [id]));
    }

    public static void AfterDeleteAll(string resource, IWriteContext context)
    {
        if (resource != ResourceNames.Realm || context.FindByName(ResourceNames.Realm, "All") is not { } all) return;
        var edited = context.Edit(ResourceNames.Realm, (string)all["_id"]!)!;
        edited["_children"] = new JsonArray();
        edited["_all_children"] = new JsonArray();
        context.Updated(edited);
    }

    private static readonly string[] HostKeepsUpdated = ["_overall_state_id", "_realm", "customs"];
    private static readonly string[] AlignakRunningFields = ["last_alive", "last_command_check", "last_log_rotation"];

    /// <summary>
    /// Changes the Alignak arbiter must not take for a configuration change keep <c>_updated</c> (it
    /// polls it): live state and custom variables of hosts and services, a user's UI preferences,
    /// the running-state fields of an Alignak instance. The ETag still changes.
    /// </summary>
    public static bool KeepsUpdated(string resource, JsonObject changes) => changes.Count > 0 && resource switch
    {
        ResourceNames.Host or ResourceNames.Service => changes.All(p => p.Key.StartsWith("ls_", StringComparison.Ordinal) || HostKeepsUpdated.Contains(p.Key)),
        ResourceNames.User => changes.All(p => p.Key == "ui_preferences"),
        ResourceNames.Alignak => changes.All(p => AlignakRunningFields.Contains(p.Key)),
        _ => false,
    };

    // ---- helpers ------------------------------------------------------------------------------

    private static void SetTreePosition(JsonObject document, JsonObject? parent)
    {
        if (parent is null)
        {
            document["_parent"] = null;
            document["_level"] = 0;
            document["_tree_parents"] = new JsonArray();
            return;
        }
        var parents = new JsonArray();
        foreach (var ancestor in DocumentIds.In(parent["_tree_parents"])) parents.Add(ancestor);
        parents.Add((string)parent["_id"]!);
        document["_level"] = ((int?)parent["_level"] ?? 0) + 1;
        document["_tree_parents"] = parents;
    }

    private static void DeduplicateMembers(string resource, JsonObject document)
    {
        var member = resource[..^"group".Length];
        foreach (var field in new[] { member + "s", resource + "s" })
            if (document[field] is JsonArray list)
                document[field] = new JsonArray(list.Select(n => n?.ToJsonString()).Distinct()
                    .Select(json => json is null ? null : JsonNode.Parse(json)).ToArray());
    }

    private static void EditList(IWriteContext context, string resource, string id, string field, Action<JsonArray> change)
    {
        var document = context.Edit(resource, id);
        if (document is null) return;
        var list = document[field] as JsonArray ?? new JsonArray();
        document[field] = list;
        change(list);
        context.Updated(document);
    }

    private static void Add(JsonArray list, string id)
    {
        if (!list.Any(n => (string?)n == id)) list.Add(id);
    }

    private static void RemoveAll(JsonArray list, IReadOnlyCollection<string> ids)
    {
        for (var i = list.Count - 1; i >= 0; i--)
            if (ids.Contains((string?)list[i] ?? "")) list.RemoveAt(i);
    }
}

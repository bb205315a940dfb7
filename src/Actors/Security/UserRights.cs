using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Security;

/// <summary>
/// What one user may do, per resource and realm, from its <c>userrestrictrole</c> rows (the original's
/// rights system): realms granted with each crud right, sub-realms included where the row says so,
/// and the <c>custom</c> right through the items' <c>_users_read/_users_update/_users_delete</c>.
/// Super-admins bypass it; the <c>user</c> resource is never realm-restricted. One reusable piece for
/// every route (and the live push).
/// </summary>
public sealed class UserRights
{
    private static readonly Func<JsonObject, bool> Nothing = _ => false;

    private readonly Dictionary<string, Grants> _grants = new(StringComparer.Ordinal);
    private readonly string _userId;

    public bool SuperAdmin { get; }
    public bool CanSubmitCommands { get; }

    private sealed class Grants
    {
        public readonly HashSet<string> Read = new(StringComparer.Ordinal);
        public readonly HashSet<string> ReadParents = new(StringComparer.Ordinal);
        public readonly HashSet<string> Create = new(StringComparer.Ordinal);
        public readonly HashSet<string> Update = new(StringComparer.Ordinal);
        public readonly HashSet<string> Delete = new(StringComparer.Ordinal);
        public readonly HashSet<string> Custom = new(StringComparer.Ordinal);
    }

    private UserRights(string userId, bool superAdmin, bool canSubmitCommands)
    {
        _userId = userId;
        SuperAdmin = superAdmin;
        CanSubmitCommands = canSubmitCommands;
    }

    public static bool IsAction(string resource) => resource is "actionacknowledge" or "actiondowntime" or "actionforcecheck";

    public static UserRights For(JsonObject user, DocumentIndex index)
    {
        var userId = (string)user["_id"]!;
        var rights = new UserRights(userId, (bool?)user["back_role_super_admin"] == true, (bool?)user["can_submit_commands"] == true);
        if (rights.SuperAdmin) return rights;

        var realms = index.Collection("realm");
        var roles = index.Collection("userrestrictrole");
        foreach (var roleId in roles.IdsWhere("user", userId))
        {
            if (roles.Get(roleId) is not { } role || (string?)role["realm"] is not { } realmId || realms.Get(realmId) is not { } realm)
                continue;
            var granted = new List<string> { realmId };
            if ((bool?)role["sub_realm"] == true) granted.AddRange(DocumentIds.In(realm["_all_children"]));
            var resource = (string?)role["resource"] ?? "*";
            var crud = role["crud"] is JsonArray list ? list.Select(c => (string?)c).ToHashSet() : [];
            var targets = resource == "*" ? Schemas.All.Keys : [resource];
            foreach (var target in targets)
            {
                if (!rights._grants.TryGetValue(target, out var grants)) rights._grants[target] = grants = new Grants();
                if (crud.Contains("read"))
                {
                    grants.Read.UnionWith(granted);
                    // Items of an ancestor realm that apply to sub-realms are visible too.
                    grants.ReadParents.UnionWith(DocumentIds.In(realm["_tree_parents"]));
                }
                if (crud.Contains("create")) grants.Create.UnionWith(granted);
                if (crud.Contains("update")) grants.Update.UnionWith(granted);
                if (crud.Contains("delete")) grants.Delete.UnionWith(granted);
                if (crud.Contains("custom")) grants.Custom.UnionWith(granted);
            }
        }
        foreach (var grants in rights._grants.Values) grants.ReadParents.ExceptWith(grants.Read);
        return rights;
    }

    private static bool Exempt(string resource) => resource == "user";

    /// <summary>Which documents of <paramref name="resource"/> the user may read; null means all of them.</summary>
    public Func<JsonObject, bool>? ReadFilter(string resource)
    {
        if (SuperAdmin || Exempt(resource)) return null;
        if (!_grants.TryGetValue(resource, out var g) || (g.Read.Count == 0 && g.Custom.Count == 0)) return Nothing;
        if (resource == "realm") return realm => g.Read.Contains((string?)realm["_id"] ?? "");
        return document =>
        {
            var realm = (string?)document["_realm"] ?? "";
            return g.Read.Contains(realm)
                || ((bool?)document["_sub_realm"] == true && g.ReadParents.Contains(realm))
                || (g.Custom.Contains(realm) && Lists(document["_users_read"], _userId));
        };
    }

    /// <summary>Whether the user may create documents of <paramref name="resource"/> in some realm.</summary>
    public bool MayCreate(string resource) =>
        SuperAdmin || Exempt(resource) || IsAction(resource) || (_grants.TryGetValue(resource, out var g) && g.Create.Count > 0);

    public bool MayUpdate(string resource) =>
        SuperAdmin || Exempt(resource) || IsAction(resource) || (_grants.TryGetValue(resource, out var g) && (g.Update.Count > 0 || g.Custom.Count > 0));

    public bool MayDelete(string resource) =>
        SuperAdmin || Exempt(resource) || (_grants.TryGetValue(resource, out var g) && (g.Delete.Count > 0 || g.Custom.Count > 0));

    /// <summary>Which documents the user may change; null means all of them.</summary>
    public Func<JsonObject, bool>? UpdateFilter(string resource) =>
        WriteFilter(resource, g => g.Update, "_users_update", exemptActions: true);

    public Func<JsonObject, bool>? DeleteFilter(string resource) =>
        WriteFilter(resource, g => g.Delete, "_users_delete", exemptActions: false);

    private Func<JsonObject, bool>? WriteFilter(string resource, Func<Grants, HashSet<string>> realms, string customField, bool exemptActions)
    {
        if (SuperAdmin || Exempt(resource) || (exemptActions && IsAction(resource))) return null;
        if (!_grants.TryGetValue(resource, out var g)) return Nothing;
        var allowed = realms(g);
        var idField = resource == "realm" ? "_id" : "_realm";
        return document =>
        {
            var realm = (string?)document[idField] ?? "";
            return allowed.Contains(realm) || (g.Custom.Contains(realm) && Lists(document[customField], _userId));
        };
    }

    private static bool Lists(JsonNode? node, string id) => node is JsonArray list && list.Any(n => (string?)n == id);
}

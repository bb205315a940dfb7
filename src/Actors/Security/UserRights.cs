using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Security;

/// <summary>
/// What one user may do, per resource and realm, from its <c>userrestrictrole</c> rows (the original's
/// rights system): realms granted with each crud right, sub-realms included where the row says so,
/// and the <c>custom</c> right through the items' <c>_users_read/_users_update/_users_delete</c>.
/// Super-admins bypass it. Unlike the original, users and actions are under the same rights as the
/// rest (a user always reads and edits its own document), writes are checked against the realm they
/// put an item in, rights-granting fields are the super-admins' alone, and secrets are never shown to
/// another user. One reusable piece for every route (and the live push).
/// </summary>
public sealed class UserRights
{
    private static readonly Func<IDocumentFields, bool> Nothing = _ => false;

    /// <summary>Fields of a user that grant rights: only a super-admin changes them.</summary>
    public static readonly IReadOnlyList<string> RightsFields =
        ["back_role_super_admin", "is_admin", "can_submit_commands", "can_update_livestate", "_realm", "_sub_realm"];

    /// <summary>Fields of a user that are its credentials: never shown to another user, the hash to nobody.</summary>
    public static readonly IReadOnlyList<string> SecretFields = ["token", "password"];

    private readonly Dictionary<string, Grants> _grants = new(StringComparer.Ordinal);
    private readonly DocumentIndex _index;
    private readonly string? _ownRealm;

    public string UserId { get; }
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

    private UserRights(IDocumentFields user, DocumentIndex index)
    {
        _index = index;
        UserId = (string)user["_id"]!;
        _ownRealm = (string?)user["_realm"];
        SuperAdmin = (bool?)user["back_role_super_admin"] == true;
        CanSubmitCommands = (bool?)user["can_submit_commands"] == true;
    }

    public static bool IsAction(string resource) => resource is ResourceNames.ActionAcknowledge or ResourceNames.ActionDowntime or ResourceNames.ActionForceCheck;

    public static UserRights For(IDocumentFields user, DocumentIndex index)
    {
        var rights = new UserRights(user, index);
        if (rights.SuperAdmin) return rights;

        var realms = index.Collection(ResourceNames.Realm);
        var roles = index.Collection(ResourceNames.UserRestrictRole);
        foreach (var roleId in roles.IdsWhere("user", rights.UserId))
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

    private bool IsSelf(IDocumentFields document) => (string?)document["_id"] == UserId;

    // ---- reads ---------------------------------------------------------------------------------

    /// <summary>Which documents of <paramref name="resource"/> the user may read; null means all of them.</summary>
    public Func<IDocumentFields, bool>? ReadFilter(string resource)
    {
        if (SuperAdmin) return null;
        var inRealms = RealmReadFilter(resource);
        if (resource == ResourceNames.User) return user => IsSelf(user) || inRealms(user);
        return inRealms;
    }

    private Func<IDocumentFields, bool> RealmReadFilter(string resource)
    {
        if (!_grants.TryGetValue(resource, out var g) || (g.Read.Count == 0 && g.Custom.Count == 0)) return Nothing;
        if (resource == ResourceNames.Realm) return realm => g.Read.Contains((string?)realm["_id"] ?? "");
        // A user's _sub_realm says where its rights reach, not that sub-realms may see it.
        var parents = resource == ResourceNames.User ? [] : g.ReadParents;
        return document =>
        {
            var realm = (string?)document["_realm"] ?? "";
            return g.Read.Contains(realm)
                || ((bool?)document["_sub_realm"] == true && parents.Contains(realm))
                || (g.Custom.Contains(realm) && Lists(document["_users_read"], UserId));
        };
    }

    /// <summary>
    /// A stored document as this user may see it, or null when it may not read it: what an embedded
    /// relation or any other response shows of another resource's document.
    /// </summary>
    public JsonObject? Reveal(string resource, JsonObject document)
    {
        if (ReadFilter(resource) is { } readable && !readable(new JsonFields(document))) return null;
        return AsShown(resource, document);
    }

    /// <summary>
    /// Whether <see cref="AsShown"/> may change documents of <paramref name="resource"/> for this user, so that
    /// they cannot be sent as stored.
    /// </summary>
    public bool Reshapes(string resource) => resource == ResourceNames.User || (resource == ResourceNames.Realm && !SuperAdmin);

    /// <summary>
    /// A readable document as this user may see it; the same instance when nothing is hidden: never a password
    /// hash, another user's token, nor (as the original) the ids of realms it may not read in a realm's links.
    /// </summary>
    public JsonObject AsShown(string resource, JsonObject document)
    {
        if (resource == ResourceNames.User && HidesSecretsOf(document))
        {
            var shown = document.DeepClone().AsObject();
            shown.Remove("password");
            if (!SuperAdmin && (string?)document["_id"] != UserId) shown.Remove("token");
            return shown;
        }
        if (resource == ResourceNames.Realm && !SuperAdmin)
        {
            var readable = RealmReadFilter(ResourceNames.Realm);
            var realms = _index.Collection(ResourceNames.Realm);
            bool Readable(string id) => realms.Get(id) is { } realm && readable(realm);
            var parent = (string?)(document["_parent"] as JsonValue);
            var parents = DocumentIds.In(document["_tree_parents"]).ToList();
            if ((parent is null || Readable(parent)) && parents.All(Readable)) return document;
            var shown = document.DeepClone().AsObject();
            if (parent is not null && !Readable(parent)) shown["_parent"] = null;
            shown["_tree_parents"] = new JsonArray(parents.Where(Readable).Select(id => (JsonNode)id).ToArray());
            return shown;
        }
        return document;
    }

    private bool HidesSecretsOf(JsonObject user) =>
        user.ContainsKey("password") || (!SuperAdmin && (string?)user["_id"] != UserId && user.ContainsKey("token"));

    /// <summary>
    /// Whether a query on <paramref name="resource"/> that reads these fields (filter or sort) must be kept to
    /// the user's own document: nobody but a super-admin may search users by their credentials.
    /// </summary>
    public bool SearchesSecrets(string resource, IEnumerable<string> fields) =>
        resource == ResourceNames.User && !SuperAdmin
        && fields.Any(f => SecretFields.Any(s => f == s || f.StartsWith(s + ".", StringComparison.Ordinal)));

    // ---- writes --------------------------------------------------------------------------------

    /// <summary>Whether the user may create documents of <paramref name="resource"/> in some realm.</summary>
    public bool MayCreate(string resource) =>
        SuperAdmin || IsAction(resource) || (_grants.TryGetValue(resource, out var g) && g.Create.Count > 0);

    /// <summary>Whether the user may change some document of <paramref name="resource"/> (its own user document always).</summary>
    public bool MayUpdate(string resource) =>
        SuperAdmin || IsAction(resource) || resource == ResourceNames.User
        || (_grants.TryGetValue(resource, out var g) && (g.Update.Count > 0 || g.Custom.Count > 0));

    public bool MayDelete(string resource) =>
        SuperAdmin || (_grants.TryGetValue(resource, out var g) && (g.Delete.Count > 0 || g.Custom.Count > 0));

    /// <summary>Which documents the user may change; null means all of them.</summary>
    public Func<IDocumentFields, bool>? UpdateFilter(string resource)
    {
        if (SuperAdmin) return null;
        if (IsAction(resource)) return ActionFilter();
        var inRealms = RealmWriteFilter(resource, g => g.Update, "_users_update");
        if (resource == ResourceNames.User) return user => IsSelf(user) || inRealms(user);
        return inRealms;
    }

    public Func<IDocumentFields, bool>? DeleteFilter(string resource)
    {
        if (SuperAdmin) return null;
        var inRealms = RealmWriteFilter(resource, g => g.Delete, "_users_delete");
        if (!IsAction(resource)) return inRealms;
        // The original's delete grant on the action's realm, and a command on a host the user reads.
        var command = ActionFilter();
        return action => inRealms(action) && command(action);
    }

    /// <summary>Actions are commands on a host: they need <c>can_submit_commands</c> and the right to read the host.</summary>
    private Func<IDocumentFields, bool> ActionFilter()
    {
        if (!CanSubmitCommands) return Nothing;
        var hostReadable = RealmReadFilter(ResourceNames.Host);
        var hosts = _index.Collection(ResourceNames.Host);
        return action => action["host"] is JsonValue id && id.TryGetValue<string>(out var hostId)
            && hosts.Get(hostId) is { } host && hostReadable(host);
    }

    private Func<IDocumentFields, bool> RealmWriteFilter(string resource, Func<Grants, HashSet<string>> realms, string customField)
    {
        if (!_grants.TryGetValue(resource, out var g)) return Nothing;
        var allowed = realms(g);
        var idField = resource == ResourceNames.Realm ? "_id" : "_realm";
        return document =>
        {
            var realm = (string?)document[idField] ?? "";
            return allowed.Contains(realm) || (g.Custom.Contains(realm) && Lists(document[customField], UserId));
        };
    }

    /// <summary>
    /// Why this user may not store <paramref name="written"/> (a new document when <paramref name="stored"/> is
    /// null), as the write would leave it after templates and hooks; null when it may. The document's realm must
    /// be one where the user holds the right (a realm's own realm is its parent), actions must be on a host the
    /// user reads, and rights (a user's rights fields, <c>userrestrictrole</c>) and other users' credentials are
    /// the super-admins' alone.
    /// </summary>
    public WriteRefusal? RefuseWrite(string resource, JsonObject? stored, JsonObject written)
    {
        if (SuperAdmin) return null;
        var verb = stored is null ? "POST" : "PATCH";
        if (resource == ResourceNames.UserRestrictRole)
            return WriteRefusal.Forbidden("Only a super-administrator may change users' rights");
        if (IsAction(resource))
            return ActionFilter()(new JsonFields(written)) ? null : WriteRefusal.Unauthorized(verb);

        if (resource == ResourceNames.User && RefuseUserWrite(stored, written) is { } userRefusal) return userRefusal;

        var schema = Schemas.Find(resource);
        var realmField = resource == ResourceNames.Realm ? "_parent" : schema?.Fields.ContainsKey("_realm") == true ? "_realm" : null;
        if (realmField is null || !_grants.TryGetValue(resource, out var g)) return realmField is null ? null : WriteRefusal.Unauthorized(verb);
        var target = Text(written[realmField]);
        if (stored is not null)
        {
            // The edge checked the document where it is; only a move needs the right where it goes.
            if (target == Text(stored[realmField])) return null;
            return target is not null && g.Update.Contains(target) ? null : WriteRefusal.Unauthorized(verb);
        }
        // An item posted without a realm is the caller's own realm's business, as the original's default realm.
        target ??= _ownRealm;
        return target is not null && g.Create.Contains(target) ? null : WriteRefusal.Unauthorized(verb);
    }

    private WriteRefusal? RefuseUserWrite(JsonObject? stored, JsonObject written)
    {
        var schema = Schemas.Find(ResourceNames.User)!;
        foreach (var field in RightsFields)
        {
            // A new user goes in a realm where the caller may create users (checked as any item's realm); its
            // default role reads that realm, and its sub-realms only if the caller may create users in each of them.
            if (stored is null && field == "_realm") continue;
            if (stored is null && field == "_sub_realm")
            {
                if ((bool?)written[field] == true && !MayCreateUsersBelow((string?)written["_realm"] ?? _ownRealm))
                    return WriteRefusal.Forbidden("Not allowed to give a user the sub-realms of its realm");
                continue;
            }
            var before = stored is null ? schema.Fields.GetValueOrDefault(field)?.Default : stored[field];
            if (!JsonNode.DeepEquals(before, written[field]))
                return WriteRefusal.Forbidden($"Only a super-administrator may change the field '{field}' of a user");
        }
        if (stored is not null && (string?)stored["_id"] != UserId)
            foreach (var field in SecretFields)
                if (!JsonNode.DeepEquals(stored[field], written[field]))
                    return WriteRefusal.Forbidden($"Only a super-administrator or the user itself may change the field '{field}' of a user");
        return null;
    }

    private bool MayCreateUsersBelow(string? realmId) =>
        realmId is not null && _grants.TryGetValue(ResourceNames.User, out var g)
        && _index.Collection(ResourceNames.Realm).Get(realmId) is { } realm
        && DocumentIds.In(realm["_all_children"]).All(g.Create.Contains);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool Lists(JsonNode? node, string id) => node is JsonArray list && list.Any(n => (string?)n == id);
}

/// <summary>A write the caller's rights refuse: 401 as the original's missing grant, or 403 for what no grant allows.</summary>
public sealed record WriteRefusal(bool IsForbidden, string Message)
{
    public static WriteRefusal Unauthorized(string verb) => new(false, $"Not allowed to {verb} on this endpoint / resource.");

    public static WriteRefusal Forbidden(string message) => new(true, message);
}

using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Documents;

/// <summary>
/// The original's template system for hosts, services and users (API.md 2.7): fields copied from
/// templates at creation (the last template wins; cumulative fields merged over the ancestry),
/// <c>_template_fields</c> listing what is inherited, detaching on an item's own edit, propagation of a
/// template's edit, services generated from the service templates of host templates, and cascades.
/// </summary>
internal static class Templates
{
    public static bool Applies(string resource) => resource is ResourceNames.Host or ResourceNames.Service or ResourceNames.User;

    private static string[] Cumulative(string resource) => resource == ResourceNames.User
        ? ["tags", "customs", "host_notification_commands", "service_notification_commands"]
        : ["tags", "customs", "users", "usergroups"];

    /// <summary>Fields an item can inherit: no meta or internal field, no live state, never a service's host nor a user's token.</summary>
    private static bool Inheritable(string resource, string field) =>
        !field.StartsWith('_') && !(resource != ResourceNames.User && field.StartsWith("ls_", StringComparison.Ordinal))
        && !(resource == ResourceNames.Service && field == "host") && !(resource == ResourceNames.User && field == "token");

    /// <summary>
    /// Inherited fields whose value a template hands down. A user's password is listed in <c>_template_fields</c>, as
    /// the original, but never copied: a copy of the template's hash would let the template's password log in as
    /// every user made from it.
    /// </summary>
    private static bool Copied(string resource, string field) => Inheritable(resource, field) && !(resource == ResourceNames.User && field == "password");

    /// <summary>The original's plain-text 412 before validation: a <c>_templates</c> entry that is not an id.</summary>
    public static string? RefuseFormat(string resource, JsonObject document)
    {
        if (!Applies(resource) || document["_templates"] is not JsonArray list) return null;
        foreach (var entry in list)
            if (entry is not JsonValue v || !v.TryGetValue<string>(out var id) || !DocumentIds.IsValid(id))
                return $"The template '{(entry is JsonValue text && text.TryGetValue<string>(out var raw) ? raw : entry?.ToJsonString() ?? "None")}' is not at the right format";
        return null;
    }

    /// <summary>Before validation of an insert: the template fields, or the issues that refuse the item.</summary>
    public static JsonObject? Fill(string resource, JsonObject document, IWriteContext context)
    {
        if (!Applies(resource) || document["_templates"] is not JsonArray { Count: > 0 } list) return null;
        var (templates, issue) = Resolve(resource, list, context, selfId: null);
        if (issue is not null) return new JsonObject { ["_templates"] = issue };

        var sent = document.Select(p => p.Key).ToHashSet();
        var cumulative = Cumulative(resource);
        var inherited = new List<string>();
        foreach (var template in templates)
            foreach (var (field, value) in template)
            {
                if (!Copied(resource, field) || cumulative.Contains(field) || sent.Contains(field)) continue;
                document[field] = value?.DeepClone(); // a later template overwrites an earlier one
                if (!inherited.Contains(field)) inherited.Add(field);
            }
        foreach (var field in cumulative)
        {
            document[field] = Merge(document[field], templates.Select(t => t[field]));
            inherited.Add(field);
        }
        foreach (var field in Schemas.Find(resource)!.Fields.Keys)
            if (Inheritable(resource, field) && !document.ContainsKey(field) && !inherited.Contains(field))
                inherited.Add(field);
        document["_template_fields"] = new JsonArray(inherited.Select(f => (JsonNode)f).ToArray());
        return null;
    }

    /// <summary>
    /// The templates named by <paramref name="list"/>, in order; or a clear message when one is not an id,
    /// does not exist, is not a template, or would make a cycle through <paramref name="selfId"/>.
    /// </summary>
    private static (List<JsonObject> Templates, string? Issue) Resolve(string resource, JsonArray list, IWriteContext context, string? selfId)
    {
        var templates = new List<JsonObject>();
        foreach (var entry in list)
        {
            var id = entry is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
            if (id is null || !DocumentIds.IsValid(id))
                return ([], $"template '{entry?.ToJsonString().Trim('"')}' is not an id: _templates takes the _id of {resource} templates");
            if (context.Find(resource, id) is not { } template)
                return ([], $"template '{id}' does not exist in resource '{resource}'");
            if ((bool?)template["_is_template"] != true)
                return ([], $"'{id}' ({(string?)template["name"]}) is not a template");
            if (selfId is not null && Ancestry(resource, template, context).Contains(selfId))
                return ([], $"template '{id}' would make a cycle: it already inherits from this {resource}");
            templates.Add(template);
        }
        return (templates, null);
    }

    /// <summary>A template and every template it inherits from, through <c>_templates</c>.</summary>
    private static HashSet<string> Ancestry(string resource, JsonObject template, IWriteContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonObject>([template]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add((string)current["_id"]!)) continue;
            foreach (var parent in DocumentIds.In(current["_templates"]))
                if (context.Find(resource, parent) is { } next) pending.Push(next);
        }
        return seen;
    }

    /// <summary>Lists: the templates' values first, then the item's own, first occurrence kept. Dicts: own keys win, then the first template's.</summary>
    private static JsonNode? Merge(JsonNode? own, IEnumerable<JsonNode?> fromTemplates)
    {
        var sources = fromTemplates.ToList();
        if (own is JsonObject || sources.Any(s => s is JsonObject))
        {
            var merged = own is JsonObject o ? o.DeepClone().AsObject() : new JsonObject();
            foreach (var source in sources.OfType<JsonObject>())
                foreach (var (key, value) in source)
                    if (!merged.ContainsKey(key)) merged[key] = value?.DeepClone();
            return merged;
        }
        var result = new JsonArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sources.OfType<JsonArray>().SelectMany(a => a).Concat(own as JsonArray ?? []))
            if (seen.Add(item?.ToJsonString() ?? "null")) result.Add(item?.DeepClone());
        return result;
    }

    /// <summary>A PATCH: template references checked (422 issues), fields the item now sets itself detached.</summary>
    public static JsonObject? OnPatch(string resource, JsonObject merged, JsonObject changes, IWriteContext context)
    {
        if (!Applies(resource)) return null;
        if (changes["_templates"] is JsonArray list)
        {
            var (_, issue) = Resolve(resource, list, context, selfId: (string?)merged["_id"]);
            if (issue is not null) return new JsonObject { ["_templates"] = issue };
        }
        if (merged["_template_fields"] is JsonArray fields && fields.Count > 0)
        {
            var kept = fields.Where(f => !changes.ContainsKey((string?)f ?? "")).Select(f => f?.DeepClone()).ToArray();
            if (kept.Length != fields.Count) merged["_template_fields"] = new JsonArray(kept);
        }
        return null;
    }

    public static string? RefusePatch(string resource, JsonObject stored, JsonObject changes) =>
        resource == ResourceNames.Service && (bool?)stored["_is_template"] == true && changes["_is_template"] is JsonValue v
        && v.TryGetValue<bool>(out var isTemplate) && !isTemplate
            ? "Change a service template to not template is forbidden"
            : null;

    /// <summary>
    /// A template's edit reaches every item still inheriting the edited fields, through templates of templates;
    /// a host whose templates change gets the services of its new host templates and loses those of the old ones.
    /// </summary>
    public static void AfterPatch(string resource, JsonObject merged, JsonObject changes, IWriteContext context)
    {
        if (resource == ResourceNames.Host && changes.ContainsKey("_templates") && (bool?)merged["_is_template"] != true
            && (bool?)merged["_templates_with_services"] != false)
            RegenerateServices(merged, context);
        if (!Applies(resource) || (bool?)merged["_is_template"] != true) return;
        var edited = changes.Select(p => p.Key).Where(f => Copied(resource, f)).ToList();
        Propagate(resource, (string)merged["_id"]!, edited, context, new HashSet<string>(StringComparer.Ordinal));
    }

    private static void Propagate(string resource, string templateId, List<string> fields, IWriteContext context, HashSet<string> visited)
    {
        if (fields.Count == 0 || !visited.Add(templateId)) return;
        var cumulative = Cumulative(resource);
        foreach (var itemId in context.IdsContaining(resource, "_templates", templateId))
        {
            var item = context.Edit(resource, itemId);
            if (item is null) continue;
            var inherited = DocumentIds.In(item["_template_fields"]).ToHashSet();
            var changed = new List<string>();
            foreach (var field in fields.Where(f => inherited.Contains(f) && !cumulative.Contains(f)))
            {
                JsonNode? value = null;
                foreach (var parentId in DocumentIds.In(item["_templates"]))
                    if (context.Find(resource, parentId) is { } parent && parent.TryGetPropertyValue(field, out var candidate))
                        value = candidate; // the last template wins
                item[field] = value?.DeepClone();
                changed.Add(field);
            }
            if (changed.Count == 0) continue;
            context.Updated(item);
            if ((bool?)item["_is_template"] == true) Propagate(resource, itemId, changed, context, visited);
        }
    }

    /// <summary>Service rules of the original: none but templates on a template host; one name per host.</summary>
    public static string? RefuseInsert(string resource, JsonObject document, IWriteContext context)
    {
        if (resource != ResourceNames.Service || (string?)document["host"] is not { } hostId || context.Find(ResourceNames.Host, hostId) is not { } host)
            return null;
        if ((bool?)host["_is_template"] == true && (bool?)document["_is_template"] != true)
            return "Adding a non template service on a template host is forbidden";
        return (string?)document["name"] is { } name && context.AnyWhere(ResourceNames.Service, "host", hostId, "name", name)
            ? "Adding a service with the same name as an existing one is forbidden"
            : null;
    }

    /// <summary>After an insert: a templated host gets the services of its host templates; a new service template reaches the hosts.</summary>
    public static void AfterInsert(string resource, JsonObject document, IWriteContext context)
    {
        if (resource == ResourceNames.Host && (bool?)document["_is_template"] != true && (bool?)document["_templates_with_services"] != false
            && document["_templates"] is JsonArray { Count: > 0 } list)
        {
            foreach (var serviceTemplate in ServiceTemplates(DocumentIds.In(list), context).Values)
                CreateDerivedService(serviceTemplate, document, context);
        }

        if (resource == ResourceNames.Service && (bool?)document["_is_template"] == true && (bool?)document["_templates_from_host_template"] == true
            && (string?)document["host"] is { } hostTemplate)
        {
            foreach (var hostId in context.IdsContaining(ResourceNames.Host, "_templates", hostTemplate))
                if (context.Find(ResourceNames.Host, hostId) is { } host && (bool?)host["_is_template"] != true
                    && (bool?)host["_templates_with_services"] != false)
                    CreateDerivedService(document, host, context);
        }
    }

    private static void RegenerateServices(JsonObject host, IWriteContext context)
    {
        var hostId = (string)host["_id"]!;
        var wanted = ServiceTemplates(DocumentIds.In(host["_templates"]), context);
        var wantedIds = wanted.Values.Select(t => (string)t["_id"]!).ToHashSet();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var serviceId in context.IdsWhere(ResourceNames.Service, "host", hostId))
        {
            if (context.Find(ResourceNames.Service, serviceId) is not { } service || (bool?)service["_templates_from_host_template"] != true) continue;
            var from = DocumentIds.In(service["_templates"]).FirstOrDefault() ?? "";
            if (wantedIds.Contains(from)) present.Add(from);
            else context.Remove(ResourceNames.Service, serviceId);
        }
        foreach (var template in wanted.Values.Where(t => !present.Contains((string)t["_id"]!)))
            CreateDerivedService(template, host, context);
    }

    /// <summary>Service templates of host templates (and of their own templates), by name; later ones override.</summary>
    private static Dictionary<string, JsonObject> ServiceTemplates(IEnumerable<string> hostTemplates, IWriteContext context)
    {
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string hostTemplateId)
        {
            if (!visited.Add(hostTemplateId) || context.Find(ResourceNames.Host, hostTemplateId) is not { } hostTemplate) return;
            foreach (var parent in DocumentIds.In(hostTemplate["_templates"])) Visit(parent);
            foreach (var id in context.IdsWhere(ResourceNames.Service, "host", hostTemplateId))
                if (context.Find(ResourceNames.Service, id) is { } service && (bool?)service["_is_template"] == true)
                    byName[(string?)service["name"] ?? id] = service;
        }
        foreach (var id in hostTemplates) Visit(id);
        return byName;
    }

    private static void CreateDerivedService(JsonObject serviceTemplate, JsonObject host, IWriteContext context)
    {
        var service = new JsonObject();
        foreach (var (field, value) in serviceTemplate)
            if (field is not ("_id" or "_created" or "_updated" or "_etag"))
                service[field] = value?.DeepClone();
        service["host"] = (string)host["_id"]!;
        service["_realm"] = host["_realm"]?.DeepClone();
        service["_templates"] = new JsonArray((string)serviceTemplate["_id"]!);
        service["_is_template"] = false;
        service["_templates_from_host_template"] = true;
        service["_template_fields"] = new JsonArray(Schemas.Find(ResourceNames.Service)!.Fields.Keys
            .Where(f => Inheritable(ResourceNames.Service, f)).Select(f => (JsonNode)f).ToArray());
        context.InsertInternal(ResourceNames.Service, service);
    }

    /// <summary>Deleting a service template deletes the services made from it.</summary>
    public static void BeforeDelete(string resource, JsonObject stored, IWriteContext context)
    {
        if (resource != ResourceNames.Service || (bool?)stored["_is_template"] != true) return;
        foreach (var id in context.IdsContaining(ResourceNames.Service, "_templates", (string)stored["_id"]!))
            context.Remove(ResourceNames.Service, id);
    }
}

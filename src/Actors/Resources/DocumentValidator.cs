using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Resources;

/// <summary>
/// Validates documents the way Eve 0.7 with Cerberus 0.9.2 did, and returns the <c>_issues</c> object it would
/// have sent: field → message, or a list of messages when a field has several, nested objects for list
/// elements (keyed by index) and sub-documents.
/// </summary>
/// <remarks>
/// Cerberus semantics kept on purpose: per field, null is checked first ("null value not allowed", then the
/// type check still runs and usually adds its own message); a type error or a missing dependency stops the
/// other rules of that field; the nested schema runs before the plain rules, which run in declaration order;
/// a required field whose dependencies are missing is not reported as required; <c>regex</c> is anchored at the
/// start only (Python re.match; every pattern of the model ends with <c>$</c> anyway). Eve additions: objectid
/// type, data_relation, unique, point, and dependencies that ignore fields having a default.
/// </remarks>
public static class DocumentValidator
{
    /// <summary>Eve adds the id field to every schema (<c>{"type": "objectid"}</c>), so a client may send it.</summary>
    private static readonly FieldSchema IdField =
        FieldSchema.Parse("_id", new JsonObject { ["type"] = "objectid" });

    /// <summary>Validates a document to be inserted (POST). Null when valid.</summary>
    public static JsonObject? ValidateInsert(ResourceSchema schema, JsonObject doc, IRelationLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(lookup);
        return Run(new Context(schema, lookup, update: false, exceptId: null, root: doc), doc);
    }

    /// <summary>
    /// Validates the fields of a PATCH (<paramref name="changes"/>) in update mode: required is not enforced,
    /// uniqueness ignores document <paramref name="id"/>, and dependencies look at <paramref name="merged"/>
    /// (the stored document with the changes applied). Null when valid.
    /// </summary>
    public static JsonObject? ValidateUpdate(
        ResourceSchema schema, JsonObject changes, JsonObject merged, string id, IRelationLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(lookup);
        return Run(new Context(schema, lookup, update: true, exceptId: id, root: merged), changes);
    }

    /// <summary>
    /// Validates a whole replacement document (PUT): like an insert, but uniqueness ignores document
    /// <paramref name="id"/> (Eve's validate_replace).
    /// </summary>
    public static JsonObject? ValidateReplace(ResourceSchema schema, JsonObject doc, string id, IRelationLookup lookup)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(lookup);
        return Run(new Context(schema, lookup, update: false, exceptId: id, root: doc), doc);
    }

    /// <summary>
    /// Materialises schema defaults into a document being inserted, as Eve's resolve_default_values does after
    /// validation: absent fields get their default (a null default is stored as null); a dict default fills
    /// the missing keys of the sent dict; dict fields with a nested schema get the nested defaults; fields
    /// without default stay absent.
    /// </summary>
    public static void ApplyDefaults(ResourceSchema schema, JsonObject doc)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(doc);
        if (DefaultsTrees.GetValue(schema, s => new StrongBox<JsonObject?>(DefaultsTree(s.Fields))).Value is { } tree) Resolve(tree, doc);
    }

    /// <summary>
    /// Each schema's defaults, built once: every stored document takes them (each logcheckresult an Alignak scheduler
    /// sends), and <see cref="Resolve"/> only reads the tree, copying what it takes.
    /// </summary>
    private static readonly ConditionalWeakTable<ResourceSchema, StrongBox<JsonObject?>> DefaultsTrees = new();

    /// <summary>
    /// What Eve's Mongo serializers did before validation: an objectid given as "" becomes null and a hex id
    /// lowercase (ObjectId round trip); integer fields go through Python's int() (1.5 → 1, "12" → 12,
    /// true → 1) and float fields through float(); a value they cannot convert is left for validation to
    /// refuse. Applies to top-level fields and to the items of lists.
    /// </summary>
    public static void Serialize(ResourceSchema schema, JsonObject doc)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(doc);
        foreach (var (name, _) in doc.ToArray())
        {
            var field = name == "_id" ? IdField : schema.Field(name);
            if (field is null) continue;
            if (field.Type == "list" && field.Items is { } items && doc[name] is JsonArray list)
            {
                for (var i = 0; i < list.Count; i++)
                    list[i] = SerializeValue(items.Type, list[i]);
            }
            else doc[name] = SerializeValue(field.Type, doc[name]);
        }
    }

    private static JsonNode? SerializeValue(string type, JsonNode? node) => type switch
    {
        "objectid" => NormalizeId(node),
        "integer" => PythonInt(node),
        "float" => PythonFloat(node),
        _ => node?.DeepClone(),
    };

    private static JsonNode? PythonInt(JsonNode? node)
    {
        if (node is not JsonValue v) return node?.DeepClone();
        switch (v.GetValueKind())
        {
            case JsonValueKind.True: return JsonValue.Create(1L);
            case JsonValueKind.False: return JsonValue.Create(0L);
            case JsonValueKind.Number when v.TryGetValue<long>(out var whole): return JsonValue.Create(whole);
            case JsonValueKind.Number when v.TryGetValue<double>(out var real)
                && double.IsFinite(real) && Math.Abs(real) < 9.2e18:
                return JsonValue.Create((long)Math.Truncate(real));
            case JsonValueKind.String when long.TryParse(v.GetValue<string>().Trim(), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                return JsonValue.Create(parsed);
            default: return node.DeepClone();
        }
    }

    private static JsonNode? PythonFloat(JsonNode? node)
    {
        if (node is not JsonValue v) return node?.DeepClone();
        switch (v.GetValueKind())
        {
            case JsonValueKind.True: return JsonValue.Create(1.0);
            case JsonValueKind.False: return JsonValue.Create(0.0);
            case JsonValueKind.String when double.TryParse(v.GetValue<string>().Trim(), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed):
                return JsonValue.Create(parsed);
            default: return node.DeepClone();
        }
    }

    private static JsonNode? NormalizeId(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return node?.DeepClone();
        var s = v.GetValue<string>();
        if (s.Length == 0) return null;
        return DocumentIds.IsObjectId(s) ? JsonValue.Create(s.ToLowerInvariant()) : JsonValue.Create(s);
    }

    // ---------------------------------------------------------------------------------------------------
    // validation

    private sealed class Context(ResourceSchema schema, IRelationLookup lookup, bool update, string? exceptId, JsonObject root)
    {
        public ResourceSchema Schema { get; } = schema;
        public IRelationLookup Lookup { get; } = lookup;
        public bool Update { get; } = update;
        public string? ExceptId { get; } = exceptId;
        /// <summary>The document dependencies are checked against (Cerberus' root document; merged on update).</summary>
        public JsonObject Root { get; } = root;
    }

    /// <summary>A Python exception escaping the validator; Eve reports it as the only issue, "exception".</summary>
    private sealed class PythonError(string message) : Exception(message);

    private static JsonObject? Run(Context ctx, JsonObject doc)
    {
        ErrorTree errors;
        try
        {
            errors = ValidateObject(ctx, ctx.Schema.Fields, doc, ctx.Schema.AllowUnknown, isRoot: true, update: ctx.Update);
        }
        catch (PythonError e)
        {
            return new JsonObject { ["exception"] = e.Message };
        }
        return errors.Count == 0 ? null : errors.ToJson();
    }

    private static ErrorTree ValidateObject(
        Context ctx, IReadOnlyDictionary<string, FieldSchema> fields, JsonObject doc, bool allowUnknown,
        bool isRoot, bool update)
    {
        var errors = new ErrorTree();
        foreach (var (name, value) in doc)
        {
            var definition = fields.GetValueOrDefault(name) ?? (isRoot && name == "_id" ? IdField : null);
            if (definition is not null)
                ValidateDefinition(ctx, errors, definition, name, value, isRoot);
            else if (!allowUnknown)
                errors.Add(name, "unknown field");
        }

        if (!update)
        {
            foreach (var (name, definition) in fields)
            {
                if (!definition.Required || doc.ContainsKey(name)) continue;
                if (DependenciesSatisfied(ctx, fields, definition, ctx.Root))
                    errors.Add(name, "required field");
            }
        }
        return errors;
    }

    private static void ValidateDefinition(
        Context ctx, ErrorTree errors, FieldSchema definition, string name, JsonNode? value, bool isRoot)
    {
        if (value is null || (value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Null))
        {
            if (definition.Nullable) return;
            errors.Add(name, "null value not allowed");
            value = null;
        }

        CheckType(errors, definition, name, value, isRoot ? ctx.Schema.Name : null);
        if (errors.Has(name)) return;

        if (definition.Dependencies.Count > 0)
        {
            foreach (var dependency in EffectiveDependencies(ctx.Root, isRoot ? ctx.Schema.Fields : null, definition))
                if (!HasPath(ctx.Root, dependency))
                    errors.Add(name, $"field '{dependency}' is required");
            if (errors.Has(name)) return;
        }

        if (definition.Items is not null && value is JsonArray list)
        {
            var listErrors = new ErrorTree();
            for (var i = 0; i < list.Count; i++)
            {
                var key = i.ToString(CultureInfo.InvariantCulture);
                var child = new ErrorTree();
                ValidateDefinition(ctx, child, definition.Items, key, list[i], isRoot: false);
                listErrors.Merge(child);
            }
            if (listErrors.Count > 0) errors.Add(name, listErrors);
        }
        else if (definition.Schema is not null && value is JsonObject sub)
        {
            var nested = ValidateObject(ctx, definition.Schema, sub,
                ctx.Schema.AllowUnknown || definition.AllowUnknown, isRoot: false, update: ctx.Update);
            if (nested.Count > 0) errors.Add(name, nested);
        }

        foreach (var rule in definition.RuleOrder)
        {
            switch (rule)
            {
                case "unique":
                    if (definition.Unique && value is not null
                        && ctx.Lookup.IsTaken(ctx.Schema.Name, name, value, ctx.ExceptId))
                        errors.Add(name, $"value '{PythonText.Str(value)}' is not unique");
                    break;
                case "empty":
                    if (definition.Empty == false && AsString(value) is { Length: 0 })
                        errors.Add(name, "empty values not allowed");
                    break;
                case "regex":
                    if (AsString(value) is { } text && !definition.CompiledRegex!.IsMatch(text))
                        errors.Add(name, $"value does not match regex '{definition.Regex}'");
                    break;
                case "allowed":
                    CheckAllowed(errors, definition, name, value);
                    break;
                case "min":
                    if (PythonText.TryNumber(value, out var low) && low < definition.Min)
                        errors.Add(name, $"min value is {definition.MinText}");
                    break;
                case "max":
                    if (PythonText.TryNumber(value, out var high) && high > definition.Max)
                        errors.Add(name, $"max value is {definition.MaxText}");
                    break;
                case "minlength":
                    if (Length(value) is { } shortLength && shortLength < definition.MinLength)
                        errors.Add(name, $"min length is {definition.MinLength}");
                    break;
                case "maxlength":
                    if (Length(value) is { } longLength && longLength > definition.MaxLength)
                        errors.Add(name, $"max length is {definition.MaxLength}");
                    break;
                case "relation":
                    CheckRelation(ctx, errors, definition, name, value);
                    break;
            }
        }
    }

    private static void CheckType(ErrorTree errors, FieldSchema definition, string name, JsonNode? value, string? resource)
    {
        switch (definition.Type)
        {
            case "string":
                if (AsString(value) is null) errors.Add(name, "must be of string type");
                break;
            case "integer":
                if (!PythonText.IsBool(value) && PythonText.KindOf(value) != PythonText.NumberKind.Integer)
                    errors.Add(name, "must be of integer type");
                else if (IntegerOutOfRange(resource, name, value) is { } bound)
                    errors.Add(name, bound);
                break;
            case "float":
            case "number":
                if (!PythonText.IsBool(value) && PythonText.KindOf(value) == PythonText.NumberKind.NotNumber)
                    errors.Add(name, $"must be of {definition.Type} type");
                else if (!PythonText.IsBool(value) && !(PythonText.TryNumber(value, out var real) && double.IsFinite(real)))
                    errors.Add(name, Negative(value) ? "min value is -1.7976931348623157e+308" : "max value is 1.7976931348623157e+308");
                break;
            case "boolean":
                if (!PythonText.IsBool(value)) errors.Add(name, "must be of boolean type");
                break;
            case "dict":
                if (value is not JsonObject) errors.Add(name, "must be of dict type");
                break;
            case "list":
                if (value is not JsonArray) errors.Add(name, "must be of list type");
                break;
            case "objectid":
                if (AsString(value) is not { } id || !DocumentIds.IsObjectId(id))
                    errors.Add(name, $"value '{PythonText.Str(value)}' cannot be converted to a ObjectId");
                break;
            case "point":
                if (PointProblem(value) is { } problem)
                    errors.Add(name, $"Point not correct {PythonText.Str(value)}: {problem}");
                break;
            case "datetime":
                if (AsString(value) is not { } date || !DateTime.TryParseExact(date, "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
                        CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _))
                    errors.Add(name, "must be of datetime type");
                break;
            default:
                throw new InvalidOperationException($"unknown type '{definition.Type}' for field '{name}'");
        }
    }

    /// <summary>
    /// Integer fields the server holds in 32 bits (ports, state ids and attempts it computes with): a value past
    /// them is refused here, not met when a part of the server reads the stored document.
    /// </summary>
    private static readonly Dictionary<string, HashSet<string>> Int32Fields = new(StringComparer.Ordinal)
    {
        ["graphite"] = ["carbon_port", "graphite_port"],
        ["influxdb"] = ["port"],
        ["statsd"] = ["port"],
        ["grafana"] = ["port"],
        ["alignakdaemon"] = ["port"],
        ["host"] = ["max_check_attempts", "ls_state_id", "ls_current_attempt", "ls_acknowledgement_type", "ls_state_changed", "_overall_state_id"],
        ["service"] = ["max_check_attempts", "ls_state_id", "ls_current_attempt", "ls_acknowledgement_type", "ls_state_changed", "_overall_state_id"],
    };

    /// <summary>
    /// The bound an integer passes, in Cerberus' min/max words: every integer is stored in 64 bits (as Mongo did;
    /// Python's ints are unbounded), some in 32. Null when it fits.
    /// </summary>
    private static string? IntegerOutOfRange(string? resource, string name, JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return null;
        // Through the JSON text: the value may be parsed or set by server code as any CLR integer type.
        if (!long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            return Negative(value) ? $"min value is {long.MinValue}" : $"max value is {long.MaxValue}";
        if (resource is not null && Int32Fields.TryGetValue(resource, out var narrow) && narrow.Contains(name))
        {
            if (whole > int.MaxValue) return $"max value is {int.MaxValue}";
            if (whole < int.MinValue) return $"min value is {int.MinValue}";
        }
        return null;
    }

    private static bool Negative(JsonNode? value) => value is JsonValue v && v.ToJsonString().StartsWith('-');

    /// <summary>Eve's GeoJSON Point check; returns the Python exception text, or null when valid.</summary>
    private static string? PointProblem(JsonNode? value)
    {
        switch (value)
        {
            case null: return "'NoneType' object is not subscriptable";
            case JsonArray: return "list indices must be integers or slices, not str";
            case JsonValue v when v.GetValueKind() == JsonValueKind.String: return "string indices must be integers";
            case JsonValue v when PythonText.IsBool(v): return "'bool' object is not subscriptable";
            case JsonValue v:
                return PythonText.KindOf(v) == PythonText.NumberKind.Float
                    ? "'float' object is not subscriptable"
                    : "'int' object is not subscriptable";
        }
        var point = (JsonObject)value;
        if (!point.ContainsKey("type") || point.Count != 2) return "Not compilant to GeoJSON";
        if (point["coordinates"] is not JsonArray coordinates || AsString(point["type"]) != "Point")
            return "Geometry not compilant to GeoJSON";
        foreach (var position in coordinates)
            if (!PythonText.IsBool(position) && PythonText.KindOf(position) == PythonText.NumberKind.NotNumber)
                return "";
        return null;
    }

    private static void CheckAllowed(ErrorTree errors, FieldSchema definition, string name, JsonNode? value)
    {
        var allowed = definition.Allowed!;
        if (AsString(value) is { } text)
        {
            if (!allowed.Any(a => PythonText.ScalarEquals(a, value)))
                errors.Add(name, $"unallowed value {text}");
        }
        else if (value is JsonArray list)
        {
            var disallowed = new List<JsonNode?>();
            foreach (var item in list)
            {
                if (item is JsonObject) throw new PythonError("unhashable type: 'dict'");
                if (item is JsonArray) throw new PythonError("unhashable type: 'list'");
                if (!allowed.Any(a => PythonText.ScalarEquals(a, item))
                    && !disallowed.Any(d => PythonText.ScalarEquals(d, item)))
                    disallowed.Add(item);
            }
            if (disallowed.Count > 0)
                errors.Add(name, "unallowed values " + PythonText.Repr(new JsonArray(disallowed.Select(d => d?.DeepClone()).ToArray())));
        }
        else if (PythonText.IsBool(value) || PythonText.KindOf(value) == PythonText.NumberKind.Integer)
        {
            if (!allowed.Any(a => PythonText.ScalarEquals(a, value)))
                errors.Add(name, $"unallowed value {PythonText.Str(value)}");
        }
    }

    private static void CheckRelation(Context ctx, ErrorTree errors, FieldSchema definition, string name, JsonNode? value)
    {
        if (value is null) return;
        IEnumerable<JsonNode?> items = value is JsonArray list ? list : new[] { value };
        foreach (var item in items)
        {
            var id = AsString(item);
            var key = id is not null && DocumentIds.IsObjectId(id) ? id.ToLowerInvariant() : null;
            if (key is null || !ctx.Lookup.Exists(definition.Relation!, key))
                errors.Add(name,
                    $"value '{(key ?? PythonText.Str(item))}' must exist in resource '{definition.Relation}', field '_id'.");
        }
    }

    /// <summary>Eve skips dependencies on fields that have a (truthy) default and are absent.</summary>
    private static IEnumerable<string> EffectiveDependencies(
        JsonObject document, IReadOnlyDictionary<string, FieldSchema>? fields, FieldSchema definition)
    {
        foreach (var dependency in definition.Dependencies)
        {
            var root = dependency.Split('.')[0];
            if (fields?.GetValueOrDefault(root) is { HasDefault: true } target
                && PythonText.IsTruthy(target.DefaultNode) && !document.ContainsKey(root))
                continue;
            yield return dependency;
        }
    }

    private static bool DependenciesSatisfied(
        Context ctx, IReadOnlyDictionary<string, FieldSchema> fields, FieldSchema definition, JsonObject document) =>
        EffectiveDependencies(document, fields, definition).All(d => HasPath(document, d));

    private static bool HasPath(JsonObject document, string dotted)
    {
        JsonNode? current = document;
        foreach (var part in dotted.Split('.'))
        {
            if (current is not JsonObject obj || !obj.ContainsKey(part)) return false;
            current = obj[part];
        }
        return true;
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int? Length(JsonNode? node) => node switch
    {
        JsonArray a => a.Count,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => PythonText.Length(v.GetValue<string>()),
        _ => null,
    };

    // ---------------------------------------------------------------------------------------------------
    // defaults (Eve's build_defaults + resolve_default_values)

    /// <summary>
    /// Tree of defaults: field → default value, or → nested tree (JsonObject) for a dict with a nested schema,
    /// or → one-element array holding the element tree for a list whose elements have defaults. Empty branches
    /// are dropped.
    /// </summary>
    private static JsonObject? DefaultsTree(IReadOnlyDictionary<string, FieldSchema> fields)
    {
        var tree = new JsonObject();
        foreach (var (name, field) in fields)
        {
            if (field.HasDefault)
                tree[name] = field.Default;
            else if (field.Type == "dict" && field.Schema is not null && DefaultsTree(field.Schema) is { } nested)
                tree[name] = nested;
            else if (field.Type == "list" && field.Items is not null && ItemDefaults(field.Items) is { } item)
                tree[name] = new JsonArray(item);
        }
        return tree.Count > 0 ? tree : null;
    }

    private static JsonNode? ItemDefaults(FieldSchema items)
    {
        if (items.HasDefault) return items.Default;
        if (items.Type == "dict" && items.Schema is not null) return DefaultsTree(items.Schema);
        if (items.Type == "list" && items.Items is not null && ItemDefaults(items.Items) is { } inner)
            return new JsonArray(inner);
        return null;
    }

    private static void Resolve(JsonObject defaults, JsonObject document)
    {
        foreach (var (name, value) in defaults)
        {
            if (value is JsonObject nestedDefaults)
            {
                // a default dict fills the missing keys of the sent dict (and replaces a non-dict value)
                if (document[name] is not JsonObject existing)
                {
                    existing = new JsonObject();
                    document[name] = existing;
                }
                Resolve(nestedDefaults, existing);
            }
            else if (value is JsonArray { Count: > 0 } listDefaults)
            {
                if (!document.ContainsKey(name))
                {
                    document[name] = listDefaults.DeepClone();
                    continue;
                }
                if (document[name] is JsonArray { Count: > 0 } existing
                    && existing.All(i => i is JsonObject or JsonArray)
                    && listDefaults[0] is JsonObject elementDefaults)
                {
                    foreach (var element in existing)
                        if (element is JsonObject elementObject)
                            Resolve(elementDefaults, elementObject);
                }
            }
            else if (!document.ContainsKey(name))
            {
                document[name] = value?.DeepClone();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /// <summary>Cerberus' errors dict: field → one error, or a list when several; an error is a message or a nested dict.</summary>
    private sealed class ErrorTree
    {
        private readonly OrderedDictionary<string, List<object>> _entries = new(StringComparer.Ordinal);

        public int Count => _entries.Count;

        public bool Has(string field) => _entries.ContainsKey(field);

        public void Add(string field, string message) => Entry(field).Add(message);

        public void Add(string field, ErrorTree nested) => Entry(field).Add(nested);

        /// <summary>dict.update: later keys replace earlier ones.</summary>
        public void Merge(ErrorTree other)
        {
            foreach (var (key, value) in other._entries)
                _entries[key] = value;
        }

        private List<object> Entry(string field)
        {
            if (!_entries.TryGetValue(field, out var list))
            {
                list = [];
                _entries.Add(field, list);
            }
            return list;
        }

        public JsonObject ToJson()
        {
            var result = new JsonObject();
            foreach (var (key, list) in _entries)
                result[key] = list.Count == 1 ? One(list[0]) : new JsonArray(list.Select(One).ToArray());
            return result;
        }

        private static JsonNode One(object error) =>
            error is ErrorTree tree ? tree.ToJson() : JsonValue.Create((string)error);
    }
}

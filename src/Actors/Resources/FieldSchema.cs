using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alignak.Actors.Resources;

/// <summary>
/// Rules of one field, as the original Eve/Cerberus schema declared them. <see cref="RuleOrder"/> keeps the
/// declaration order because Cerberus evaluates the plain rules in that order, which decides the order of
/// several messages for one field.
/// </summary>
public sealed class FieldSchema
{
    private readonly JsonNode? _default;
    private readonly string? _minText;
    private readonly string? _maxText;
    private Regex? _compiled;

    private FieldSchema(
        string name, string type, JsonObject rules, IReadOnlyList<string> ruleOrder,
        FieldSchema? items, IReadOnlyDictionary<string, FieldSchema>? schema)
    {
        Name = name;
        Type = type;
        RuleOrder = ruleOrder;
        Items = items;
        Schema = schema;
        Required = Flag(rules, "required");
        Unique = Flag(rules, "unique");
        Nullable = Flag(rules, "nullable");
        AllowUnknown = Flag(rules, "allow_unknown");
        HasDefault = rules.ContainsKey("default");
        _default = rules["default"]?.DeepClone();
        if (rules["empty"] is JsonValue empty) Empty = empty.GetValue<bool>();
        if (rules["regex"] is JsonValue regex) Regex = regex.GetValue<string>();
        if (rules["min"] is JsonValue min) { Min = min.GetValue<double>(); _minText = min.ToJsonString(); }
        if (rules["max"] is JsonValue max) { Max = max.GetValue<double>(); _maxText = max.ToJsonString(); }
        if (rules["minlength"] is JsonValue minLength) MinLength = minLength.GetValue<int>();
        if (rules["maxlength"] is JsonValue maxLength) MaxLength = maxLength.GetValue<int>();
        if (rules["allowed"] is JsonArray allowed) Allowed = allowed.Select(a => a?.DeepClone()).ToArray();
        Dependencies = rules["dependencies"] switch
        {
            JsonArray deps => deps.Select(d => d!.GetValue<string>()).ToArray(),
            JsonValue dep => [dep.GetValue<string>()],
            _ => [],
        };
        if (rules["relation"] is JsonValue relation)
        {
            Relation = relation.GetValue<string>();
            Embeddable = rules["embeddable"] is not JsonValue e || e.GetValue<bool>();
        }
    }

    /// <summary>Field name; "[]" for the item schema of a list.</summary>
    public string Name { get; }
    /// <summary>string, integer, float, number, boolean, objectid, list, dict, point or datetime.</summary>
    public string Type { get; }
    public bool Required { get; }
    public bool Unique { get; }
    public bool Nullable { get; }
    /// <summary>Only meaningful on a dict with a nested schema.</summary>
    public bool AllowUnknown { get; }
    /// <summary>True when the schema declares a default, even a null one.</summary>
    public bool HasDefault { get; }
    /// <summary>A fresh copy of the declared default (null for no default or a null default: see <see cref="HasDefault"/>).</summary>
    public JsonNode? Default => _default?.DeepClone();
    public IReadOnlyList<JsonNode?>? Allowed { get; }
    /// <summary>Python regex as declared; Cerberus matches it at the start of the value (re.match).</summary>
    public string? Regex { get; }
    public double? Min { get; }
    public double? Max { get; }
    public int? MinLength { get; }
    public int? MaxLength { get; }
    /// <summary>null when the rule is absent (empty strings allowed).</summary>
    public bool? Empty { get; }
    public IReadOnlyList<string> Dependencies { get; }
    /// <summary>Target resource of an objectid relation (the target field is always _id).</summary>
    public string? Relation { get; }
    public bool Embeddable { get; }
    /// <summary>Schema of each element of a list.</summary>
    public FieldSchema? Items { get; }
    /// <summary>Nested fields of a dict.</summary>
    public IReadOnlyDictionary<string, FieldSchema>? Schema { get; }
    /// <summary>Rule names in declaration order.</summary>
    public IReadOnlyList<string> RuleOrder { get; }

    /// <summary>Target resource of this field or of its list elements.</summary>
    public string? RelationTarget => Relation ?? Items?.Relation;
    public bool IsRelationList => Relation is null && Items?.Relation is not null;

    internal string? MinText => _minText;
    internal string? MaxText => _maxText;
    internal JsonNode? DefaultNode => _default;

    internal Regex? CompiledRegex =>
        Regex is null ? null
        : _compiled ??= new Regex(@"\A(?:" + Regex + ")", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    internal static FieldSchema Parse(string name, JsonObject rules)
    {
        var type = rules["type"]?.GetValue<string>()
            ?? throw new InvalidDataException($"field '{name}' has no type");
        FieldSchema? items = null;
        IReadOnlyDictionary<string, FieldSchema>? nested = null;
        if (rules["schema"] is JsonObject sub)
        {
            if (type == "list")
                items = Parse("[]", sub);
            else if (type == "dict")
                nested = ParseFields(sub);
            else
                throw new InvalidDataException($"field '{name}': nested schema on type {type}");
        }
        var order = rules.Select(kv => kv.Key).ToArray();
        return new FieldSchema(name, type, rules, order, items, nested);
    }

    internal static IReadOnlyDictionary<string, FieldSchema> ParseFields(JsonObject fields)
    {
        var result = new OrderedDictionary<string, FieldSchema>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
            result.Add(key, Parse(key, value as JsonObject
                ?? throw new InvalidDataException($"field '{key}' must be an object")));
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, FieldSchema>(result);
    }

    private static bool Flag(JsonObject rules, string name) =>
        rules[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}:{Type}");
}

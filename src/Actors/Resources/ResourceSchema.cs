using System.Text.Json.Nodes;

namespace Alignak.Actors.Resources;

/// <summary>One resource of the original backend: its switches, HTTP methods, indexes and field rules.</summary>
public sealed class ResourceSchema
{
    private ResourceSchema(
        string name, string itemTitle, bool @internal, bool allowUnknown, string? authField,
        IReadOnlyList<string> resourceMethods, IReadOnlyList<string> itemMethods,
        IReadOnlyDictionary<string, IReadOnlyList<IndexKey>> indexes,
        IReadOnlyDictionary<string, FieldSchema> fields)
    {
        Name = name;
        ItemTitle = itemTitle;
        Internal = @internal;
        AllowUnknown = allowUnknown;
        AuthField = authField;
        ResourceMethods = resourceMethods;
        ItemMethods = itemMethods;
        Indexes = indexes;
        Fields = fields;
        Relations = fields.Values.Where(f => f.RelationTarget is not null).ToArray();
        Defaults = fields.Values.Where(f => f.HasDefault).ToArray();
    }

    /// <summary>Resource name, also its URL.</summary>
    public string Name { get; }
    /// <summary>Title of an item in <c>_links.self</c> (Eve's derivation: "Livesynthesi" for livesynthesis).</summary>
    public string ItemTitle { get; }
    /// <summary>Internal resources have no HTTP route.</summary>
    public bool Internal { get; }
    /// <summary>Fields outside the schema are accepted and stored as sent.</summary>
    public bool AllowUnknown { get; }
    /// <summary>Eve auth_field (per-user documents), null for most resources.</summary>
    public string? AuthField { get; }
    public IReadOnlyList<string> ResourceMethods { get; }
    public IReadOnlyList<string> ItemMethods { get; }
    /// <summary>Mongo index name → keys, as declared by the original; documents the hot lookups.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IndexKey>> Indexes { get; }
    /// <summary>Fields in declaration order (meta fields such as _id are not listed).</summary>
    public IReadOnlyDictionary<string, FieldSchema> Fields { get; }
    /// <summary>Fields holding an id or a list of ids of another (or the same) resource.</summary>
    public IReadOnlyList<FieldSchema> Relations { get; }
    /// <summary>Fields with a declared default (possibly null).</summary>
    public IReadOnlyList<FieldSchema> Defaults { get; }

    public FieldSchema? Field(string name) => Fields.GetValueOrDefault(name);

    public override string ToString() => Name;

    internal static ResourceSchema Parse(JsonObject root)
    {
        static IReadOnlyList<string> Strings(JsonNode? node) =>
            node is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToArray() : [];

        var indexes = new OrderedDictionary<string, IReadOnlyList<IndexKey>>(StringComparer.Ordinal);
        if (root["indexes"] is JsonObject idx)
        {
            foreach (var (name, keys) in idx)
                indexes.Add(name, keys!.AsArray()
                    .Select(k => new IndexKey(k![0]!.GetValue<string>(), k[1]!.GetValue<int>()))
                    .ToArray());
        }

        return new ResourceSchema(
            root["resource"]!.GetValue<string>(),
            root["item_title"]!.GetValue<string>(),
            root["internal"]?.GetValue<bool>() ?? false,
            root["allow_unknown"]?.GetValue<bool>() ?? false,
            root["auth_field"]?.GetValue<string>(),
            Strings(root["resource_methods"]),
            Strings(root["item_methods"]),
            new System.Collections.ObjectModel.ReadOnlyDictionary<string, IReadOnlyList<IndexKey>>(indexes),
            FieldSchema.ParseFields(root["fields"] as JsonObject
                ?? throw new InvalidDataException("schema without fields")));
    }
}

/// <summary>One key of a Mongo index: field and direction (1 ascending, -1 descending).</summary>
public readonly record struct IndexKey(string Field, int Direction);

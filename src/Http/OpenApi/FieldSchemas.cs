using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Http.OpenApi;

/// <summary>
/// The JSON Schema (OpenAPI 3.1 dialect) of a resource, derived from its Cerberus field rules: one component
/// for the stored document as read and patched, and one with the fields a POST or PUT must carry.
/// </summary>
public static class FieldSchemas
{
    /// <summary>What an id looks like: Eve's ObjectId as 24 lowercase hex characters.</summary>
    public const string ObjectIdPattern = "^[0-9a-f]{24}$";

    /// <summary>Component name of the schema a POST/PUT body must match (the document's plus its required fields).</summary>
    public static string CreateName(ResourceSchema schema) => schema.Name + "Create";

    /// <summary>
    /// The document: every declared field, plus the meta fields the server adds (read-only). No field is
    /// required here: a projection may drop any of them, and PATCH bodies use this schema too.
    /// </summary>
    public static JsonObject Document(ResourceSchema schema)
    {
        var properties = new JsonObject
        {
            ["_id"] = ReadOnly(Ref("ObjectId"), "Document id, given by the server."),
            ["_created"] = ReadOnly(Ref("Rfc1123Date"), "Creation date, given by the server."),
            ["_updated"] = ReadOnly(Ref("Rfc1123Date"), "Last update date, given by the server."),
            ["_etag"] = ReadOnly(new JsonObject { ["type"] = "string" },
                "Version of the document; send it back in If-Match to change or delete it."),
        };
        foreach (var (name, field) in schema.Fields)
            properties[name] = Field(field);
        properties["_links"] = ReadOnly(Ref("EveItemLinks"), "Links of the document, added by the server.");

        var description = $"A `{schema.Name}` document as stored and read. Fields never set and without a default are absent."
            + (schema.AllowUnknown ? " Fields outside this schema are accepted and stored as sent." : " Fields outside this schema are refused (422 \"unknown field\").")
            + (schema.AuthField is { } owner ? $" Each caller sees and changes only the documents it created (`{owner}`)." : "");
        return new JsonObject
        {
            ["type"] = "object",
            ["title"] = schema.ItemTitle,
            ["description"] = description,
            ["properties"] = properties,
            ["additionalProperties"] = schema.AllowUnknown,
        };
    }

    /// <summary>The body of a POST (or PUT): the document with its required fields.</summary>
    public static JsonObject Create(ResourceSchema schema)
    {
        var required = new JsonArray();
        foreach (var field in schema.Fields.Values.Where(f => f.Required)) required.Add(field.Name);
        return new JsonObject
        {
            ["title"] = schema.ItemTitle + " (create)",
            ["description"] = $"A new `{schema.Name}` document: the fields of `{schema.Name}` with the required ones present. "
                + "Fields not sent get their schema default.",
            ["allOf"] = new JsonArray(Ref(schema.Name), new JsonObject { ["type"] = "object", ["required"] = required }),
        };
    }

    /// <summary>One field: its JSON type, then each Cerberus rule that has a JSON Schema keyword.</summary>
    public static JsonObject Field(FieldSchema field)
    {
        var result = Typed(field);
        var notes = new List<string>();

        if (field.Allowed is { } allowed)
        {
            // On a list, Cerberus checks each element against the allowed values.
            var target = field.Type == "list" ? Items(result) : result;
            var values = new JsonArray();
            foreach (var value in allowed) values.Add(value?.DeepClone());
            if (field.Type != "list" && NullAllowed(field) && !allowed.Any(a => a is null)) values.Add(null);
            target["enum"] = values;
        }
        if (field.Regex is { } regex)
            // Cerberus anchors the regex at the start only (Python's re.match); JSON Schema's pattern is a search.
            result["pattern"] = regex.StartsWith('^') ? regex : "^(?:" + regex + ")";
        if (field.Min is { } min) result["minimum"] = Number(min);
        if (field.Max is { } max) result["maximum"] = Number(max);
        var (minKey, maxKey) = field.Type == "list" ? ("minItems", "maxItems") : ("minLength", "maxLength");
        if (field.MinLength is { } minLength) result[minKey] = minLength;
        else if (field.Empty == false && field.Type is "string" or "list") result[minKey] = 1;
        if (field.MaxLength is { } maxLength) result[maxKey] = maxLength;
        if (field.HasDefault) result["default"] = field.Default;

        if (field.Unique)
        {
            result["x-unique"] = true;
            notes.Add("Unique in the resource.");
        }
        if (field.Empty == false && field.Type == "dict") notes.Add("Must not be empty.");
        if (field.Dependencies.Count > 0)
        {
            result["x-dependencies"] = new JsonArray(field.Dependencies.Select(d => (JsonNode?)d).ToArray());
            notes.Add("Needs " + string.Join(", ", field.Dependencies.Select(d => $"`{d}`")) + " in the same document.");
        }
        if (field.RelationTarget is { } relation)
        {
            result["x-relation"] = relation;
            notes.Add(field.Name == "[]" ? $"Id of a `{relation}` document."
                : field.IsRelationList ? $"Ids of `{relation}` documents" + (Embeddable(field) ? $"; `embedded={{\"{field.Name}\":1}}` returns the documents instead." : ".")
                : $"Id of a `{relation}` document" + (Embeddable(field) ? $"; `embedded={{\"{field.Name}\":1}}` returns the document instead." : "."));
        }
        if (field.HasDefault && field.Default is null && !field.Nullable)
            notes.Add("Null only as the stored default: a client cannot send null.");
        if (notes.Count > 0) result["description"] = string.Join(" ", notes);
        return result;
    }

    private static bool Embeddable(FieldSchema field) => field.Relation is not null ? field.Embeddable : field.Items?.Embeddable ?? false;

    /// <summary>A stored null is possible for nullable fields and for those whose default is null.</summary>
    private static bool NullAllowed(FieldSchema field) => field.Nullable || (field.HasDefault && field.Default is null);

    private static JsonObject Typed(FieldSchema field)
    {
        var result = field.Type switch
        {
            "string" => new JsonObject { ["type"] = "string" },
            "integer" => new JsonObject { ["type"] = "integer" },
            "float" or "number" => new JsonObject { ["type"] = "number" },
            "boolean" => new JsonObject { ["type"] = "boolean" },
            "objectid" => new JsonObject { ["type"] = "string", ["pattern"] = ObjectIdPattern },
            "datetime" => new JsonObject { ["type"] = "string", ["description"] = "RFC 1123 date." },
            "point" => new JsonObject
            {
                ["type"] = "object",
                ["description"] = "GeoJSON point.",
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("Point") },
                    ["coordinates"] = new JsonObject
                    {
                        ["type"] = "array", ["items"] = new JsonObject { ["type"] = "number" }, ["minItems"] = 2, ["maxItems"] = 2,
                    },
                },
                ["required"] = new JsonArray("type", "coordinates"),
            },
            "list" => new JsonObject
            {
                ["type"] = "array",
                ["items"] = field.Items is { } items ? Field(items) : new JsonObject(),
            },
            "dict" => Dict(field),
            _ => new JsonObject(),
        };
        if (NullAllowed(field) && result["type"] is JsonValue type)
            result["type"] = new JsonArray(type.GetValue<string>(), "null");
        return result;
    }

    private static JsonObject Dict(FieldSchema field)
    {
        var result = new JsonObject { ["type"] = "object" };
        if (field.Schema is { } nested)
        {
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var (name, sub) in nested)
            {
                properties[name] = Field(sub);
                if (sub.Required) required.Add(name);
            }
            result["properties"] = properties;
            if (required.Count > 0) result["required"] = required;
            result["additionalProperties"] = field.AllowUnknown;
        }
        return result;
    }

    private static JsonObject Items(JsonObject array) =>
        array["items"] as JsonObject ?? throw new InvalidOperationException("array schema without items");

    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    internal static JsonObject Ref(string component) => new() { ["$ref"] = "#/components/schemas/" + component };

    private static JsonObject ReadOnly(JsonObject schema, string description)
    {
        schema["readOnly"] = true;
        schema["description"] = description;
        return schema;
    }
}

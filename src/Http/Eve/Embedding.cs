using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;

namespace Alignak.Http.Eve;

/// <summary>
/// Eve's <c>embedded={"field": 1}</c>: relation ids replaced by the referenced stored documents
/// (element-wise for lists; a dangling id becomes null). Unlike the original, a document the caller may not
/// read stays an id, and a user's credentials are left out as everywhere else.
/// </summary>
public sealed class Embedding
{
    private readonly IReadOnlyList<(string Field, string Target)> _fields;

    private Embedding(IReadOnlyList<(string, string)> fields) => _fields = fields;

    public static Embedding? Parse(string? embedded, ResourceSchema schema)
    {
        if (string.IsNullOrWhiteSpace(embedded)) return null;
        JsonObject? request;
        try { request = JsonNode.Parse(embedded) as JsonObject; }
        catch (JsonException) { request = null; }
        if (request is null) throw new QueryException("Unable to parse `embedded` clause");

        var fields = new List<(string, string)>();
        foreach (var (name, flag) in request)
        {
            if (flag is not JsonValue value || !(value.TryGetValue<int>(out var n) ? n != 0 : value.TryGetValue<bool>(out var b) && b))
                continue;
            if (schema.Field(name) is not { RelationTarget: { } target, Embeddable: true })
                throw new QueryException($"Field '{name}' is not embeddable");
            fields.Add((name, target));
        }
        return fields.Count == 0 ? null : new Embedding(fields);
    }

    public JsonObject Apply(JsonObject document, DocumentIndex index, UserRights rights)
    {
        var result = new JsonObject();
        foreach (var (key, value) in document)
        {
            var target = _fields.FirstOrDefault(f => f.Field == key).Target;
            result[key] = target is null ? value?.DeepClone() : value switch
            {
                JsonArray ids => new JsonArray(ids.Select(id => Resolve(id, target, index, rights)).ToArray()),
                _ => Resolve(value, target, index, rights),
            };
        }
        return result;
    }

    private static JsonNode? Resolve(JsonNode? id, string target, DocumentIndex index, UserRights rights)
    {
        if (id is not JsonValue v || !v.TryGetValue<string>(out var text) || index.Collection(target).Get(text) is not { } embedded)
            return null;
        return rights.Reveal(target, embedded.ToJsonObject()) is { } shown ? shown : id.DeepClone();
    }
}

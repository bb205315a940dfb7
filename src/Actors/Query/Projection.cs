using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Query;

/// <summary>
/// A parsed <c>projection</c> parameter (API.md 3.3), applied the way Eve 0.7 rewrites it before querying Mongo:
/// when any value equals 1 (or true) the projection is inclusive: the meta fields <c>_id</c>, <c>_created</c>,
/// <c>_updated</c>, <c>_etag</c> plus every field with a truthy value (dotted paths select sub-fields, through
/// arrays of objects); otherwise it is exclusive: every stored field except top-level fields given a falsy value.
/// Meta fields are never excluded; a dotted exclusion has no effect (Eve turns exclusions into an inclusion of the
/// schema's top-level fields); a mix of 1 and 0 is inclusive, its zeros ignored, as in Eve.
/// </summary>
public sealed class Projection
{
    /// <summary>The fields Eve always returns (<c>auto_fields</c>).</summary>
    public static IReadOnlySet<string> AlwaysKept { get; } = new HashSet<string>(StringComparer.Ordinal) { "_id", "_created", "_updated", "_etag" };

    private readonly Node _tree;

    private Projection(bool inclusive, IReadOnlyList<string> fields, Node tree)
    {
        Inclusive = inclusive;
        Fields = fields;
        _tree = tree;
    }

    /// <summary>True for an inclusive projection, false for an exclusive one.</summary>
    public bool Inclusive { get; }

    /// <summary>The included (inclusive) or excluded (exclusive) fields that take effect.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>
    /// Parses a projection; null when absent or <c>{}</c>. Anything but a JSON object throws
    /// <see cref="QueryException"/> "Unable to parse `projection` clause".
    /// </summary>
    public static Projection? Parse(string? projection)
    {
        if (string.IsNullOrEmpty(projection))
        {
            return null;
        }

        if (!QueryJson.IsWellFormedUtf16(projection))
        {
            throw new QueryException(QueryException.UnparsableProjection);
        }

        List<KeyValuePair<string, JsonElement>> members;
        try
        {
            using var doc = JsonDocument.Parse(projection);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new QueryException(QueryException.UnparsableProjection);
            }

            members = QueryJson.Members(doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new QueryException(QueryException.UnparsableProjection, e);
        }

        if (members.Count == 0)
        {
            return null;
        }

        var inclusive = members.Any(m => IsOne(m.Value));
        var fields = new List<string>();
        var tree = new Node();
        foreach (var (field, value) in members)
        {
            var segments = field.Split('.');
            if (field.Length == 0 || AlwaysKept.Contains(segments[0]) || PythonText.IsTruthy(value) != inclusive)
            {
                continue;
            }

            if (!inclusive && segments.Length > 1)
            {
                continue;
            }

            if (segments.Any(s => s.Length == 0))
            {
                throw new QueryException(QueryException.UnparsableProjection);
            }

            fields.Add(field);
            tree.Add(segments, 0);
        }

        return new Projection(inclusive, fields, tree);
    }

    private static bool IsOne(JsonElement e) =>
        e.ValueKind == JsonValueKind.True || (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && d == 1);

    /// <summary>A new object holding the projected fields in document order (values deep-cloned).</summary>
    public JsonObject Apply(IEnumerable<KeyValuePair<string, JsonNode?>> doc)
    {
        var result = new JsonObject();
        foreach (var (key, value) in doc)
        {
            if (AlwaysKept.Contains(key))
            {
                result[key] = value?.DeepClone();
                continue;
            }

            var child = _tree.Children?.GetValueOrDefault(key);
            if (!Inclusive)
            {
                if (child is null)
                {
                    result[key] = value?.DeepClone();
                }

                continue;
            }

            if (child is null)
            {
                continue;
            }

            if (child.Whole)
            {
                result[key] = value?.DeepClone();
            }
            else if (Sub(value, child) is { } projected)
            {
                result[key] = projected;
            }
        }

        return result;
    }

    /// <summary>Mongo sub-field inclusion: objects keep the selected members, arrays project their objects.</summary>
    private static JsonNode? Sub(JsonNode? value, Node node)
    {
        switch (value)
        {
            case JsonObject obj:
                var o = new JsonObject();
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, v) = obj.GetAt(i);
                    var child = node.Children!.GetValueOrDefault(key);
                    if (child is null)
                    {
                        continue;
                    }

                    if (child.Whole)
                    {
                        o[key] = v?.DeepClone();
                    }
                    else if (Sub(v, child) is { } projected)
                    {
                        o[key] = projected;
                    }
                }

                return o;
            case JsonArray array:
                var a = new JsonArray();
                foreach (var item in array)
                {
                    if (item is JsonObject or JsonArray && Sub(item, node) is { } projected)
                    {
                        a.Add(projected);
                    }
                }

                return a;
            default:
                return null;
        }
    }

    private sealed class Node
    {
        public bool Whole { get; private set; }

        public Dictionary<string, Node>? Children { get; private set; }

        public void Add(string[] segments, int depth)
        {
            if (depth == segments.Length)
            {
                Whole = true;
                return;
            }

            Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!Children.TryGetValue(segments[depth], out var child))
            {
                child = new Node();
                Children[segments[depth]] = child;
            }

            child.Add(segments, depth + 1);
        }
    }
}

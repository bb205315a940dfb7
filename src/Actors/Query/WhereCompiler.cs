using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Actors.Query;

/// <summary>
/// Turns a Mongo query document into a <see cref="Matcher"/> tree once per request, validating operators the way
/// Eve 0.7 (<c>_sanitize</c>) and MongoDB would, and applying Eve's value coercions.
/// </summary>
internal sealed class WhereCompiler
{
    /// <summary>The operators Eve 0.7's Mongo layer lets through (<c>Mongo.operators</c>).</summary>
    private static readonly HashSet<string> EveOperators =
    [
        "$gt", "$gte", "$in", "$lt", "$lte", "$ne", "$nin", "$or", "$and", "$not", "$nor", "$mod", "$regex", "$text",
        "$where", "$options", "$search", "$language", "$exists", "$type", "$geoWithin", "$geoIntersects", "$near",
        "$nearSphere", "$all", "$elemMatch", "$size",
    ];

    private static readonly HashSet<string> Blacklist = ["$where"];

    public List<(string Field, JsonNode? Value)> Equalities { get; } = [];

    /// <summary>Every field path the query reads, at any depth (inside <c>$elemMatch</c>, relative to its array).</summary>
    public HashSet<string> Fields { get; } = new(StringComparer.Ordinal);

    public Matcher CompileRoot(JsonElement query)
    {
        Sanitize(query);
        return CompileDocument(query, collectEqualities: true);
    }

    /// <summary>Eve's checks: unknown operators and blacklisted ones anywhere in the query are a 400.</summary>
    private static void Sanitize(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            var unknown = new List<string>();
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name.StartsWith('$') && !EveOperators.Contains(p.Name))
                {
                    unknown.Add(p.Name);
                }
            }

            if (unknown.Count > 0)
            {
                throw new QueryException("Query contains unknown or unsupported operators: " + string.Join(", ", unknown.Distinct()));
            }

            foreach (var p in e.EnumerateObject())
            {
                if (Blacklist.Contains(p.Name))
                {
                    throw new QueryException("Query contains operators banned in MONGO_QUERY_BLACKLIST");
                }
            }

            foreach (var p in e.EnumerateObject())
            {
                Sanitize(p.Value);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Sanitize(item);
            }
        }
    }

    private Matcher CompileDocument(JsonElement query, bool collectEqualities)
    {
        var parts = new List<Matcher>();
        foreach (var (key, value) in QueryJson.Members(query))
        {
            if (key.StartsWith('$'))
            {
                parts.Add(CompileTopOperator(key, value, collectEqualities));
            }
            else
            {
                parts.Add(CompileField(key, value, collectEqualities));
            }
        }

        return Combine(parts);
    }

    private static Matcher Combine(List<Matcher> parts) => parts.Count switch
    {
        0 => ConstMatcher.True,
        1 => parts[0],
        _ => new AndMatcher(parts.ToArray()),
    };

    private Matcher CompileTopOperator(string op, JsonElement value, bool collectEqualities)
    {
        switch (op)
        {
            case "$and":
            case "$or":
            case "$nor":
                if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                {
                    throw new QueryException($"{op} must be a nonempty array");
                }

                var parts = new List<Matcher>();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        throw new QueryException($"{op} argument's entries must be objects");
                    }

                    parts.Add(CompileDocument(item, collectEqualities && op == "$and"));
                }

                return op switch
                {
                    "$and" => parts.Count == 1 ? parts[0] : new AndMatcher(parts.ToArray()),
                    "$or" => new OrMatcher(parts.ToArray()),
                    _ => new NotMatcher(new OrMatcher(parts.ToArray())),
                };
            case "$text":
                throw new QueryException("$text is not supported (no text index)");
            default:
                throw new QueryException($"unknown top level operator: {op}");
        }
    }

    private Matcher CompileField(string path, JsonElement value, bool collectEqualities)
    {
        if (path.Length == 0 || path.StartsWith('.') || path.EndsWith('.') || path.Contains("..", StringComparison.Ordinal))
        {
            throw new QueryException($"Invalid field name in query: '{path}'");
        }

        Fields.Add(path);

        if (IsOperatorObject(value))
        {
            return CompileOperators(path, value);
        }

        var q = QValue.From(value);
        if (collectEqualities && q.Kind is QKind.String or QKind.Number or QKind.Bool)
        {
            Equalities.Add((path, q.Node?.DeepClone()));
        }

        return new PathMatcher(path, new EqTest(q));
    }

    /// <summary>An object whose keys all start with '$'; mixing operators and field names is an error.</summary>
    private static bool IsOperatorObject(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        int ops = 0, fields = 0;
        string? firstField = null;
        foreach (var p in value.EnumerateObject())
        {
            if (p.Name.StartsWith('$'))
            {
                ops++;
            }
            else
            {
                fields++;
                firstField ??= p.Name;
            }
        }

        if (ops > 0 && fields > 0)
        {
            throw new QueryException($"unknown operator: {firstField}");
        }

        return ops > 0;
    }

    /// <summary>Compiles <c>{"$gt": 1, "$ne": 5, ...}</c> applied to <paramref name="path"/> (empty = the value itself).</summary>
    private Matcher CompileOperators(string path, JsonElement ops)
    {
        var members = QueryJson.Members(ops);
        var parts = new List<Matcher>();
        string? regex = null;
        string? options = null;
        foreach (var (op, v) in members)
        {
            switch (op)
            {
                case "$gt":
                    parts.Add(new PathMatcher(path, new CmpTest(CmpOp.Gt, QValue.From(v))));
                    break;
                case "$gte":
                    parts.Add(new PathMatcher(path, new CmpTest(CmpOp.Gte, QValue.From(v))));
                    break;
                case "$lt":
                    parts.Add(new PathMatcher(path, new CmpTest(CmpOp.Lt, QValue.From(v))));
                    break;
                case "$lte":
                    parts.Add(new PathMatcher(path, new CmpTest(CmpOp.Lte, QValue.From(v))));
                    break;
                case "$ne":
                    parts.Add(new NotMatcher(new PathMatcher(path, new EqTest(QValue.From(v)))));
                    break;
                case "$in":
                    parts.Add(new PathMatcher(path, new InTest(ArrayArgument(op, v))));
                    break;
                case "$nin":
                    parts.Add(new NotMatcher(new PathMatcher(path, new InTest(ArrayArgument(op, v)))));
                    break;
                case "$all":
                    parts.Add(new PathMatcher(path, new AllTest(ArrayArgument(op, v).Select(q => new EqTest(q)).ToArray())));
                    break;
                case "$exists":
                    var exists = new PathMatcher(path, ExistsTest.Instance);
                    parts.Add(Truthy(v) ? exists : new NotMatcher(exists));
                    break;
                case "$size":
                    parts.Add(new PathMatcher(path, new SizeTest(SizeArgument(v))));
                    break;
                case "$regex":
                    if (v.ValueKind != JsonValueKind.String)
                    {
                        throw new QueryException("$regex has to be a string");
                    }

                    regex = v.GetString()!;
                    break;
                case "$options":
                    if (v.ValueKind != JsonValueKind.String)
                    {
                        throw new QueryException("$options has to be a string");
                    }

                    options = v.GetString()!;
                    break;
                case "$not":
                    if (v.ValueKind != JsonValueKind.Object)
                    {
                        throw new QueryException("$not needs a regex or a document");
                    }

                    if (!v.EnumerateObject().Any())
                    {
                        throw new QueryException("$not cannot be empty");
                    }

                    if (!IsOperatorObject(v))
                    {
                        throw new QueryException("$not needs a document of operators");
                    }

                    parts.Add(new NotMatcher(CompileOperators(path, v)));
                    break;
                case "$elemMatch":
                    if (v.ValueKind != JsonValueKind.Object)
                    {
                        throw new QueryException("$elemMatch needs an Object");
                    }

                    parts.Add(new PathMatcher(path, CompileElemMatch(v)));
                    break;
                case "$type":
                    parts.Add(new PathMatcher(path, new TypeTest(TypeArgument(v))));
                    break;
                case "$mod":
                    parts.Add(new PathMatcher(path, ModArgument(v)));
                    break;
                case "$search":
                case "$language":
                case "$text":
                    throw new QueryException($"{op} is not supported (no text index)");
                case "$geoWithin":
                case "$geoIntersects":
                case "$near":
                case "$nearSphere":
                    throw new QueryException($"{op} is not supported (no geospatial index)");
                default:
                    throw new QueryException($"unknown operator: {op}");
            }
        }

        if (options is not null && regex is null)
        {
            throw new QueryException("$options needs a $regex");
        }

        if (regex is not null)
        {
            parts.Add(new PathMatcher(path, new RegexTest(RegexCache.Get(regex, options ?? ""))));
        }

        return Combine(parts);
    }

    private ElemMatchTest CompileElemMatch(JsonElement v)
    {
        if (IsOperatorObject(v))
        {
            return new ElemMatchTest(CompileOperators("", v), documentForm: false);
        }

        return new ElemMatchTest(CompileDocument(v, collectEqualities: false), documentForm: true);
    }

    private static QValue[] ArrayArgument(string op, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new QueryException($"{op} needs an array");
        }

        return v.EnumerateArray().Select(item =>
        {
            if (item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Any(p => p.Name.StartsWith('$')))
            {
                throw new QueryException($"cannot nest $ under {op}");
            }

            return QValue.From(item);
        }).ToArray();
    }

    /// <summary>BSON truthiness as MongoDB applies it to <c>$exists</c>.</summary>
    private static bool Truthy(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.False or JsonValueKind.Null => false,
        JsonValueKind.Number => !(v.TryGetDouble(out var d) && d == 0),
        _ => true,
    };

    private static int SizeArgument(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d))
        {
            throw new QueryException("$size needs a number");
        }

        if (d != Math.Floor(d) || d < 0 || d > int.MaxValue)
        {
            throw new QueryException("$size may only be called with a non-negative integer argument");
        }

        return (int)d;
    }

    private static readonly Dictionary<string, string> TypeAliases = new(StringComparer.Ordinal)
    {
        ["double"] = "double", ["string"] = "string", ["object"] = "object", ["array"] = "array",
        ["objectId"] = "objectId", ["bool"] = "bool", ["date"] = "date", ["null"] = "null", ["int"] = "int",
        ["long"] = "long", ["decimal"] = "double", ["number"] = "number",
        ["1"] = "double", ["2"] = "string", ["3"] = "object", ["4"] = "array", ["7"] = "objectId", ["8"] = "bool",
        ["9"] = "date", ["10"] = "null", ["16"] = "int", ["18"] = "long", ["19"] = "double",
    };

    private static HashSet<string> TypeArgument(JsonElement v)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var items = v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : [v];
        foreach (var item in items)
        {
            var key = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Number when item.TryGetDouble(out var d) && d == Math.Floor(d) => ((long)d).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new QueryException("type must be represented as a number or a string"),
            };
            if (!TypeAliases.TryGetValue(key, out var canonical))
            {
                throw new QueryException($"unknown type name alias: {key}");
            }

            set.Add(canonical);
        }

        return set;
    }

    private static ModTest ModArgument(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2)
        {
            throw new QueryException("malformed mod, needs to be an array of 2 numbers");
        }

        var a = v[0];
        var b = v[1];
        if (a.ValueKind != JsonValueKind.Number || b.ValueKind != JsonValueKind.Number
            || !a.TryGetDouble(out var divisor) || !b.TryGetDouble(out var remainder))
        {
            throw new QueryException("malformed mod, needs to be an array of 2 numbers");
        }

        divisor = Math.Truncate(divisor);
        if (divisor == 0)
        {
            throw new QueryException("divisor cannot be 0");
        }

        return new ModTest(divisor, Math.Truncate(remainder));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Actors.Query;

/// <summary>
/// A compiled <c>where</c> clause (API.md 3.3): a Mongo query document, or Eve's Python-expression fallback,
/// validated and compiled once, then evaluated against in-memory documents without re-parsing.
/// </summary>
/// <remarks>
/// Semantics follow MongoDB as reached through Eve 0.7: implicit equality (also array membership), comparison
/// operators within one type bracket, strings byte-wise, <c>{"f": null}</c> matching missing fields, dotted paths
/// through embedded objects and arrays. Before matching, query strings parsing as RFC 1123 become dates (compared
/// with document strings parsed as dates) and 24-hex strings are ObjectIds (compared as lower-case strings, the form
/// ids are stored in). Instances are immutable and thread-safe.
/// </remarks>
public sealed class WhereFilter
{
    private readonly Matcher _root;

    private WhereFilter(Matcher root, IReadOnlyList<(string Field, JsonNode? Value)> equalities, IReadOnlySet<string> fields,
        bool equalitiesOnly = false)
    {
        _root = root;
        Fields = fields;
        TopLevelEqualities = equalities;
        EqualitiesOnly = equalitiesOnly;
    }

    /// <summary>The filter matching every document.</summary>
    public static WhereFilter All { get; } = new(ConstMatcher.True, [], new HashSet<string>());

    /// <summary>Every field path the filter reads (what a rights check must see: a filter is a way to read a field).</summary>
    public IReadOnlySet<string> Fields { get; }

    /// <summary>True when the filter matches every document (no constraint).</summary>
    public bool MatchesAll => _root is ConstMatcher { Value: true };

    /// <summary>
    /// Plain equality constraints every matching document satisfies: scalar (string, number, boolean) values given
    /// at the top level or inside a top-level <c>$and</c>, after coercion (24-hex ids lower-cased; dates and nulls are
    /// not listed). As in Mongo, a constraint is also met when the field is an array containing the value, so an
    /// index over array fields must index each element. Candidates must still go through <see cref="Matches"/>.
    /// </summary>
    public IReadOnlyList<(string Field, JsonNode? Value)> TopLevelEqualities { get; }

    /// <summary>
    /// True when <see cref="TopLevelEqualities"/> is the whole filter (a flat object of scalar values), so an index
    /// holding those fields' scalar values answers it without <see cref="Matches"/>.
    /// </summary>
    public bool EqualitiesOnly { get; }

    /// <summary>
    /// Parses a <c>where</c> parameter. Null or empty matches everything. Throws <see cref="QueryException"/> for
    /// anything Eve answers with a 400: unparsable input ("Unable to parse `where` clause"), <c>$where</c>,
    /// unknown operators, malformed operator arguments or an invalid regular expression.
    /// </summary>
    public static WhereFilter Parse(string? where)
    {
        if (string.IsNullOrEmpty(where))
        {
            return All;
        }

        if (!QueryJson.IsWellFormedUtf16(where))
        {
            throw new QueryException(QueryException.UnparsableWhere);
        }

        JsonDocument? document = null;
        try
        {
            try
            {
                document = JsonDocument.Parse(where, new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                document = null;
            }

            if (document is not null && document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return Compile(document.RootElement);
            }
        }
        finally
        {
            document?.Dispose();
        }

        // Not a JSON object: Eve gives its Python-expression parser a shot.
        JsonObject parsed;
        try
        {
            parsed = PythonWhereParser.Parse(where);
        }
        catch (Exception e) when (e is PySyntaxException or OverflowException or FormatException or ArgumentException)
        {
            throw new QueryException(QueryException.UnparsableWhere, e);
        }

        using var fromPython = JsonDocument.Parse(parsed.ToJsonString());
        return Compile(fromPython.RootElement);
    }

    private static WhereFilter Compile(JsonElement root)
    {
        var compiler = new WhereCompiler();
        try
        {
            var matcher = compiler.CompileRoot(root);
            var equalities = compiler.Equalities.ToArray();
            var flat = root.EnumerateObject().All(p => !p.Name.StartsWith('$') && !p.Name.Contains('.')
                && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False);
            var count = root.EnumerateObject().Count();
            return new WhereFilter(matcher, equalities, compiler.Fields, flat && count > 0 && equalities.Length == count);
        }
        catch (InvalidOperationException e)
        {
            // A JsonElement accessor on an unexpected kind: a malformed operator argument.
            throw new QueryException(QueryException.UnparsableWhere, e);
        }
    }

    /// <summary>Whether the document satisfies the filter.</summary>
    public bool Matches(JsonObject doc) => _root.Match(doc);

    /// <summary>Whether the document satisfies the filter, read through its fields.</summary>
    public bool Matches(IDocumentFields doc) => _root.MatchDocument(doc);

    /// <summary>The conjunction of both filters (e.g. the client's <c>where</c> and the rights filter).</summary>
    public WhereFilter And(WhereFilter other)
    {
        if (other.MatchesAll)
        {
            return this;
        }

        if (MatchesAll)
        {
            return other;
        }

        return new WhereFilter(new AndMatcher([_root, other._root]), [.. TopLevelEqualities, .. other.TopLevelEqualities],
            new HashSet<string>(Fields.Concat(other.Fields), StringComparer.Ordinal));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alignak.Actors.Query;

/// <summary>
/// A parsed <c>sort</c> parameter (API.md 3.3) and the MongoDB ordering it implies: <c>name</c>, <c>-name</c>,
/// <c>a,-b</c>, or a Python/JSON list literal <c>[("name", 1), ("_id", -1)]</c>. Values are ordered by
/// <see cref="MongoOrder"/>; a missing field sorts as null (first ascending); an array sorts by its smallest
/// element ascending and its largest descending (an empty array below null). Fields named in the date field set
/// (by default <c>_created</c> and <c>_updated</c>, stored as RFC 1123 strings) sort chronologically, as the
/// datetimes Mongo stores do.
/// </summary>
public sealed partial class SortSpec
{
    /// <summary>The datetime meta fields every resource has.</summary>
    public static IReadOnlySet<string> DefaultDateFields { get; } = new HashSet<string>(StringComparer.Ordinal) { "_created", "_updated" };

    private readonly KeyPath[] _keys;

    private SortSpec(IReadOnlyList<(string Field, bool Descending)> fields, IReadOnlySet<string> dateFields)
    {
        Fields = fields;
        _keys = fields.Select(f => new KeyPath(f.Field, f.Descending, dateFields.Contains(f.Field))).ToArray();
        Comparer = new DocComparer(this);
    }

    /// <summary>The sort fields in priority order.</summary>
    public IReadOnlyList<(string Field, bool Descending)> Fields { get; }

    /// <summary>Compares documents by the sort fields (not stable by itself; see <see cref="Sort"/>).</summary>
    public IComparer<JsonObject> Comparer { get; }

    /// <summary>
    /// Parses a <c>sort</c> parameter; null for no sort (null, blank, <c>[]</c>). Throws <see cref="QueryException"/>
    /// on bad syntax (what Python's <c>literal_eval</c> rejects with a SyntaxError, malformed pairs, directions
    /// other than 1/-1, empty fields).
    /// </summary>
    public static SortSpec? Parse(string? sort) => Parse(sort, DefaultDateFields);

    /// <summary>As <see cref="Parse(string?)"/>, with the resource's datetime fields.</summary>
    public static SortSpec? Parse(string? sort, IReadOnlySet<string> dateFields)
    {
        if (sort is null)
        {
            return null;
        }

        if (!QueryJson.IsWellFormedUtf16(sort))
        {
            throw new QueryException("Invalid sort syntax: malformed text");
        }

        var text = sort.Trim();
        if (text.Length == 0)
        {
            return null;
        }

        var fields = text[0] is '[' or '(' or '{' ? ParseLiteral(text) : ParseCommaList(text);
        return fields is null || fields.Count == 0 ? null : new SortSpec(fields, dateFields);
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();

    private static List<(string, bool)>? ParseCommaList(string text)
    {
        if (text == "None")
        {
            return null; // literal_eval gives None: Eve falls back to the default (natural) order
        }

        var fields = new List<(string, bool)>();
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var descending = false;
            if (part.StartsWith('-') || part.StartsWith('+'))
            {
                descending = part[0] == '-';
                part = part[1..].TrimStart();
            }

            if (part.Length == 0)
            {
                throw new QueryException("Invalid sort syntax: empty field name");
            }

            if (!FieldPattern().IsMatch(part) || part.Split('.').Any(PyLexer.Keywords.Contains))
            {
                throw new QueryException($"Invalid sort syntax: '{raw.Trim()}'");
            }

            fields.Add((part, descending));
        }

        return fields;
    }

    private static List<(string, bool)> ParseLiteral(string text)
    {
        object? literal;
        try
        {
            literal = PyLiteral.Parse(text);
        }
        catch (Exception e) when (e is PySyntaxException or OverflowException or FormatException or ArgumentException)
        {
            throw new QueryException("Invalid sort syntax: " + e.Message, e);
        }

        var fields = new List<(string, bool)>();
        switch (literal)
        {
            case List<object?> { Count: 2 } pair when pair[0] is string:
                fields.Add(Pair(pair));
                break;
            case List<object?> list:
                foreach (var item in list)
                {
                    fields.Add(item is List<object?> p ? Pair(p) : throw new QueryException("Invalid sort syntax: expected (field, direction) pairs"));
                }

                break;
            case PyLiteral.Dict dict:
                foreach (var (k, v) in dict.Items)
                {
                    fields.Add(Pair([k, v]));
                }

                break;
            default:
                throw new QueryException("Invalid sort syntax: expected a list of (field, direction) pairs");
        }

        return fields;

        static (string, bool) Pair(List<object?> p)
        {
            if (p.Count != 2 || p[0] is not string field || field.Length == 0)
            {
                throw new QueryException("Invalid sort syntax: expected (field, direction) pairs");
            }

            return p[1] switch
            {
                1L or true => (field, false),
                -1L => (field, true),
                _ => throw new QueryException($"bad sort specification: direction of '{field}' must be 1 or -1"),
            };
        }
    }

    /// <summary>Sorts stably (ties keep the input, i.e. natural, order), extracting each key once.</summary>
    public List<T> Sort<T>(IEnumerable<T> docs) where T : class
    {
        var list = docs as IReadOnlyList<T> ?? docs.ToList();
        var width = _keys.Length;
        var keys = new SortKey[list.Count * width];
        var order = new int[list.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            for (var k = 0; k < width; k++)
            {
                keys[i * width + k] = _keys[k].Extract(list[i], materialize: true);
            }
        }

        Array.Sort(order, new IndexComparer(keys, _keys));
        var result = new List<T>(order.Length);
        foreach (var i in order)
        {
            result.Add(list[i]);
        }

        return result;
    }

    /// <summary>Orders document indexes by their precomputed keys, ties by index (a stable sort).</summary>
    private sealed class IndexComparer(SortKey[] keys, KeyPath[] paths) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var width = paths.Length;
            for (var k = 0; k < width; k++)
            {
                var c = SortKey.Compare(in keys[x * width + k], in keys[y * width + k]);
                if (c != 0)
                {
                    return paths[k].Descending ? -c : c;
                }
            }

            return x.CompareTo(y);
        }
    }

    private sealed class DocComparer(SortSpec spec) : IComparer<JsonObject>
    {
        public int Compare(JsonObject? x, JsonObject? y)
        {
            foreach (var k in spec._keys)
            {
                var c = SortKey.Compare(k.Extract(x, materialize: false), k.Extract(y, materialize: false));
                if (c != 0)
                {
                    return k.Descending ? -c : c;
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// A sort key: its BSON rank, the value, the instant for dates, and (when materialized for a whole sort) the
    /// number or string, so that comparisons do not go back to the JSON nodes.
    /// </summary>
    private readonly record struct SortKey(int Rank, JsonNode? Node, long Ticks, double Number = 0, string? Text = null, bool Materialized = false)
    {
        public static readonly SortKey Null = new(MongoOrder.RankNull, null, 0);

        public static int Compare(in SortKey a, in SortKey b)
        {
            if (a.Rank != b.Rank)
            {
                return a.Rank < b.Rank ? -1 : 1;
            }

            if (a.Materialized && b.Materialized)
            {
                switch (a.Rank)
                {
                    case MongoOrder.RankNumber:
                        return a.Number.CompareTo(b.Number);
                    case MongoOrder.RankString:
                        return QueryJson.CompareCodePoints(a.Text, b.Text);
                }
            }

            return a.Rank == MongoOrder.RankDate ? a.Ticks.CompareTo(b.Ticks) : MongoOrder.CompareSameRank(a.Rank, a.Node, b.Node);
        }
    }

    private sealed class KeyPath(string field, bool descending, bool isDate)
    {
        private readonly string[] _segments = field.Split('.');

        public bool Descending { get; } = descending;

        /// <summary>The key of a document: a JSON node or a document read through its fields.</summary>
        public SortKey Extract(object? doc, bool materialize)
        {
            var found = false;
            var best = SortKey.Null;
            if (doc is IDocumentFields fields)
            {
                if (fields.TryGetPropertyValue(_segments[0], out var child))
                {
                    Visit(child, 1, ref found, ref best);
                }
                else
                {
                    Offer(SortKey.Null, ref found, ref best);
                }
            }
            else
            {
                Visit(doc as JsonNode, 0, ref found, ref best);
            }

            if (!found || !materialize)
            {
                return found ? best : SortKey.Null;
            }

            return best.Rank switch
            {
                MongoOrder.RankNumber when QueryJson.TryGetNumber(best.Node, out var d) => best with { Number = d, Materialized = true },
                MongoOrder.RankString when QueryJson.TryGetString(best.Node, out var clr, out var e) => best with { Text = clr ?? e.GetString(), Materialized = true },
                _ => best,
            };
        }

        private void Visit(JsonNode? node, int depth, ref bool found, ref SortKey best)
        {
            if (depth == _segments.Length)
            {
                if (node is JsonArray leaf)
                {
                    if (leaf.Count == 0)
                    {
                        Offer(new SortKey(MongoOrder.RankEmptyArray, leaf, 0), ref found, ref best);
                    }

                    for (var i = 0; i < leaf.Count; i++)
                    {
                        Offer(KeyOf(leaf[i]), ref found, ref best);
                    }
                }
                else
                {
                    Offer(KeyOf(node), ref found, ref best);
                }

                return;
            }

            switch (node)
            {
                case JsonObject obj:
                    if (obj.TryGetPropertyValue(_segments[depth], out var child))
                    {
                        Visit(child, depth + 1, ref found, ref best);
                    }
                    else
                    {
                        Offer(SortKey.Null, ref found, ref best);
                    }

                    break;
                case JsonArray array:
                    if (int.TryParse(_segments[depth], out var index) && index >= 0 && index < array.Count)
                    {
                        Visit(array[index], depth + 1, ref found, ref best);
                    }

                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonObject)
                        {
                            Visit(array[i], depth, ref found, ref best);
                        }
                    }

                    break;
                default:
                    Offer(SortKey.Null, ref found, ref best);
                    break;
            }
        }

        private SortKey KeyOf(JsonNode? node)
        {
            var rank = MongoOrder.Rank(node);
            if (isDate && rank == MongoOrder.RankString && QueryJson.TryGetDate(node, out var ticks))
            {
                return new SortKey(MongoOrder.RankDate, node, ticks);
            }

            return new SortKey(rank, node, 0);
        }

        private void Offer(SortKey key, ref bool found, ref SortKey best)
        {
            if (!found)
            {
                found = true;
                best = key;
                return;
            }

            var c = SortKey.Compare(key, best);
            if (Descending ? c > 0 : c < 0)
            {
                best = key;
            }
        }
    }
}

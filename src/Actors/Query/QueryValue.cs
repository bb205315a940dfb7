using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Query;

internal enum QKind : byte
{
    Null,
    Number,
    String,
    Bool,
    Date,
    Array,
    Object,
}

/// <summary>
/// A constant of a compiled query, after Eve's coercions (<c>_mongotize</c>): RFC 1123 strings become dates,
/// 24-hex strings become ObjectIds (kept as lower-case strings, since stored ids are strings).
/// </summary>
internal sealed class QValue
{
    public QKind Kind { get; private init; }
    public double Number { get; private init; }
    public string Str { get; private init; } = "";
    public byte[] Utf8 { get; private init; } = [];
    public bool Bool { get; private init; }
    public long Ticks { get; private init; }
    public QValue[] Items { get; private init; } = [];
    public KeyValuePair<string, QValue>[] Fields { get; private init; } = [];

    /// <summary>The value as JSON (dates as RFC 1123 strings), for ordering arrays and objects and for indexes.</summary>
    public JsonNode? Node { get; private init; }

    public static readonly QValue Null = new() { Kind = QKind.Null };

    public static QValue FromString(string s)
    {
        if (Rfc1123.TryParseLoose(s, out var ticks))
        {
            return new QValue { Kind = QKind.Date, Ticks = ticks, Str = s, Node = JsonValue.Create(Rfc1123.Format(ticks)) };
        }

        if (DocumentIds.IsObjectId(s))
        {
            s = s.ToLowerInvariant();
        }

        return new QValue { Kind = QKind.String, Str = s, Utf8 = Encoding.UTF8.GetBytes(s), Node = JsonValue.Create(s) };
    }

    public static QValue FromNumber(double d, JsonNode node) => new() { Kind = QKind.Number, Number = d, Node = node };

    public static QValue FromBool(bool b) => new() { Kind = QKind.Bool, Bool = b, Node = JsonValue.Create(b) };

    /// <summary>Compiles a JSON constant, coercing strings as Eve does (recursively through lists and dicts).</summary>
    public static QValue From(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return FromString(e.GetString()!);
            case JsonValueKind.Number:
                var d = e.TryGetDouble(out var x) ? x : double.Parse(e.GetRawText(), System.Globalization.CultureInfo.InvariantCulture);
                return FromNumber(d, e.TryGetInt64(out var l) ? JsonValue.Create(l) : JsonValue.Create(d));
            case JsonValueKind.True:
                return FromBool(true);
            case JsonValueKind.False:
                return FromBool(false);
            case JsonValueKind.Array:
                var items = e.EnumerateArray().Select(From).ToArray();
                return new QValue { Kind = QKind.Array, Items = items, Node = new JsonArray(items.Select(i => i.Node?.DeepClone()).ToArray()) };
            case JsonValueKind.Object:
                var fields = QueryJson.Members(e).Select(kv => new KeyValuePair<string, QValue>(kv.Key, From(kv.Value))).ToArray();
                var obj = new JsonObject();
                foreach (var f in fields)
                {
                    obj[f.Key] = f.Value.Node?.DeepClone();
                }

                return new QValue { Kind = QKind.Object, Fields = fields, Node = obj };
            default:
                return Null;
        }
    }

    /// <summary>Mongo equality of a document value (not expanded through arrays) with this constant.</summary>
    public bool EqualsNode(JsonNode? n)
    {
        switch (Kind)
        {
            case QKind.Null:
                return QueryJson.IsNull(n);
            case QKind.Number:
                return QueryJson.TryGetNumber(n, out var d) && d == Number;
            case QKind.String:
                return QueryJson.StringEquals(n, Str);
            case QKind.Bool:
                return n is JsonValue v && v.GetValueKind() == (Bool ? JsonValueKind.True : JsonValueKind.False);
            case QKind.Date:
                return QueryJson.TryGetDate(n, out var t) && t == Ticks;
            case QKind.Array:
                if (n is not JsonArray a || a.Count != Items.Length)
                {
                    return false;
                }

                for (var i = 0; i < Items.Length; i++)
                {
                    if (!Items[i].EqualsNode(a[i]))
                    {
                        return false;
                    }
                }

                return true;
            case QKind.Object:
                if (n is not JsonObject o || o.Count != Fields.Length)
                {
                    return false;
                }

                for (var i = 0; i < Fields.Length; i++)
                {
                    var p = o.GetAt(i);
                    if (!string.Equals(p.Key, Fields[i].Key, StringComparison.Ordinal) || !Fields[i].Value.EqualsNode(p.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Orders a document value against this constant when both are in the same type bracket (Mongo's comparison
    /// operators never match across brackets); false otherwise.
    /// </summary>
    public bool TryCompare(JsonNode? n, out int result)
    {
        result = 0;
        switch (Kind)
        {
            case QKind.Null:
                return QueryJson.IsNull(n);
            case QKind.Number:
                if (!QueryJson.TryGetNumber(n, out var d) || double.IsNaN(d) || double.IsNaN(Number))
                {
                    return false;
                }

                result = d.CompareTo(Number);
                return true;
            case QKind.String:
                return QueryJson.TryCompareString(n, Str, Utf8, out result);
            case QKind.Bool:
                if (n is not JsonValue v)
                {
                    return false;
                }

                var k = v.GetValueKind();
                if (k != JsonValueKind.True && k != JsonValueKind.False)
                {
                    return false;
                }

                result = (k == JsonValueKind.True).CompareTo(Bool);
                return true;
            case QKind.Date:
                if (!QueryJson.TryGetDate(n, out var t))
                {
                    return false;
                }

                result = t.CompareTo(Ticks);
                return true;
            case QKind.Array:
                if (n is not JsonArray)
                {
                    return false;
                }

                result = MongoOrder.Compare(n, Node);
                return true;
            case QKind.Object:
                if (n is not JsonObject)
                {
                    return false;
                }

                result = MongoOrder.Compare(n, Node);
                return true;
            default:
                return false;
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Query;

/// <summary>
/// Allocation-free readers over <see cref="JsonNode"/> values, whether they wrap a parsed <see cref="JsonElement"/>
/// or a CLR primitive, plus the RFC 1123 date parser and UTF-8 (code point) string ordering used by the engine.
/// </summary>
internal static class QueryJson
{
    public static JsonValueKind Kind(JsonNode? node) => node switch
    {
        null => JsonValueKind.Null,
        JsonObject => JsonValueKind.Object,
        JsonArray => JsonValueKind.Array,
        _ => node.GetValueKind(),
    };

    public static bool IsNull(JsonNode? node) => node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    public static bool TryGetNumber(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue<JsonElement>(out var e))
        {
            if (e.ValueKind != JsonValueKind.Number)
            {
                return false;
            }

            if (e.TryGetDouble(out value))
            {
                return true;
            }

            return double.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }

        if (v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (v.TryGetValue<int>(out var i)) { value = i; return true; }
        if (v.TryGetValue<long>(out var l)) { value = l; return true; }
        if (v.TryGetValue<double>(out var d)) { value = d; return true; }
        if (v.TryGetValue<decimal>(out var m)) { value = (double)m; return true; }
        if (v.TryGetValue<float>(out var f)) { value = f; return true; }
        if (v.TryGetValue<uint>(out var ui)) { value = ui; return true; }
        if (v.TryGetValue<ulong>(out var ul)) { value = ul; return true; }
        if (v.TryGetValue<short>(out var s)) { value = s; return true; }
        if (v.TryGetValue<ushort>(out var us)) { value = us; return true; }
        if (v.TryGetValue<byte>(out var b)) { value = b; return true; }
        if (v.TryGetValue<sbyte>(out var sb)) { value = sb; return true; }
        // Anything else numeric: go through its JSON text.
        return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A string value: either <paramref name="clr"/> is set, or the value is backed by <paramref name="element"/>.
    /// </summary>
    public static bool TryGetString(JsonNode? node, out string? clr, out JsonElement element)
    {
        clr = null;
        element = default;
        if (node is not JsonValue v)
        {
            return false;
        }

        if (v.TryGetValue<JsonElement>(out element))
        {
            return element.ValueKind == JsonValueKind.String;
        }

        if (v.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        if (v.TryGetValue<string>(out clr))
        {
            return true;
        }

        // Another CLR type serialized as a JSON string (Guid, char, DateTime...): read its JSON text.
        clr = JsonSerializer.Deserialize<string>(v.ToJsonString()) ?? "";
        return true;
    }

    /// <summary>The raw UTF-8 of an element-backed string, without quotes; false when it contains escapes.</summary>
    public static bool TryGetUnescapedUtf8(JsonElement element, out ReadOnlySpan<byte> utf8)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        utf8 = raw.Length >= 2 ? raw[1..^1] : ReadOnlySpan<byte>.Empty;
        return utf8.IndexOf((byte)'\\') < 0;
    }

    public static bool StringEquals(JsonNode? node, string expected)
    {
        if (!TryGetString(node, out var clr, out var element))
        {
            return false;
        }

        return clr is not null ? string.Equals(clr, expected, StringComparison.Ordinal) : element.ValueEquals(expected);
    }

    /// <summary>Byte-wise UTF-8 order of a document string against a query string; false when not a string.</summary>
    public static bool TryCompareString(JsonNode? node, string query, byte[] queryUtf8, out int result)
    {
        result = 0;
        if (!TryGetString(node, out var clr, out var element))
        {
            return false;
        }

        if (clr is not null)
        {
            result = CompareCodePoints(clr, query);
        }
        else if (TryGetUnescapedUtf8(element, out var utf8))
        {
            result = Math.Sign(utf8.SequenceCompareTo(queryUtf8));
        }
        else
        {
            result = CompareCodePoints(element.GetString()!, query);
        }

        return true;
    }

    /// <summary>Orders two document strings byte-wise in UTF-8.</summary>
    public static int CompareStrings(JsonNode a, JsonNode b)
    {
        TryGetString(a, out var ca, out var ea);
        TryGetString(b, out var cb, out var eb);
        if (ca is null && cb is null && TryGetUnescapedUtf8(ea, out var ua) && TryGetUnescapedUtf8(eb, out var ub))
        {
            return Math.Sign(ua.SequenceCompareTo(ub));
        }

        return CompareCodePoints(ca ?? ea.GetString()!, cb ?? eb.GetString()!);
    }

    /// <summary>
    /// Ordinal comparison by Unicode code point, which is the order of the UTF-8 bytes (MongoDB's string order).
    /// UTF-16 ordinal order differs only between surrogates and U+E000..U+FFFF.
    /// </summary>
    public static int CompareCodePoints(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var i = a.CommonPrefixLength(b);
        if (i == a.Length || i == b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }

        int x = a[i], y = b[i];
        if (x >= 0xD800 && y >= 0xD800)
        {
            x = x >= 0xE000 ? x - 0x800 : x + 0x2000;
            y = y >= 0xE000 ? y - 0x800 : y + 0x2000;
        }

        return x < y ? -1 : 1;
    }

    public static bool RegexMatches(JsonNode? node, System.Text.RegularExpressions.Regex regex)
    {
        if (!TryGetString(node, out var clr, out var element))
        {
            return false;
        }

        if (clr is not null)
        {
            return regex.IsMatch(clr);
        }

        if (!TryGetUnescapedUtf8(element, out var utf8))
        {
            return regex.IsMatch(element.GetString()!);
        }

        if (utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var n = Encoding.UTF8.GetChars(utf8, chars);
            return regex.IsMatch(chars[..n]);
        }

        var rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            var n = Encoding.UTF8.GetChars(utf8, rented);
            return regex.IsMatch(rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>A document string holding an RFC 1123 date, as UTC ticks.</summary>
    public static bool TryGetDate(JsonNode? node, out long ticks)
    {
        ticks = 0;
        if (!TryGetString(node, out var clr, out var element))
        {
            return false;
        }

        if (clr is not null)
        {
            if (Rfc1123.TryParseLoose(clr, out ticks))
            {
                return true;
            }

            // A CLR date held in the node (not the stored form, but cheap to honour).
            var v = (JsonValue)node!;
            if (v.TryGetValue<DateTime>(out var dt))
            {
                ticks = dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime().Ticks : dt.Ticks;
                return true;
            }

            if (v.TryGetValue<DateTimeOffset>(out var dto))
            {
                ticks = dto.UtcTicks;
                return true;
            }

            return false;
        }

        if (!TryGetUnescapedUtf8(element, out var utf8))
        {
            return Rfc1123.TryParseLoose(element.GetString()!, out ticks);
        }

        if (utf8.Length > 64)
        {
            return false;
        }

        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] >= 0x80)
            {
                return false;
            }

            chars[i] = (char)utf8[i];
        }

        return Rfc1123.TryParseLoose(chars[..utf8.Length], out ticks);
    }

    /// <summary>False when the text holds an unpaired surrogate (it cannot be UTF-8, so it cannot be parsed).</summary>
    public static bool IsWellFormedUtf16(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Object members in document order, the last of duplicate names winning (as Python's json does).</summary>
    public static List<KeyValuePair<string, JsonElement>> Members(JsonElement obj)
    {
        var list = new List<KeyValuePair<string, JsonElement>>();
        foreach (var p in obj.EnumerateObject())
        {
            var i = list.FindIndex(kv => kv.Key == p.Name);
            if (i >= 0)
            {
                list[i] = new KeyValuePair<string, JsonElement>(p.Name, p.Value);
            }
            else
            {
                list.Add(new KeyValuePair<string, JsonElement>(p.Name, p.Value));
            }
        }

        return list;
    }
}

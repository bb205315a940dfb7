using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Actors.Resources;

/// <summary>
/// How Python 3 would print a JSON-decoded value: <c>str()</c> for "%s" formatting and <c>repr()</c> inside
/// lists and dicts. The original's messages embed values this way ("unallowed values ['x']").
/// </summary>
internal static class PythonText
{
    internal enum NumberKind { NotNumber, Integer, Float }

    /// <summary>Python's json module yields an int for a number without fraction or exponent, else a float.</summary>
    internal static NumberKind KindOf(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number) return NumberKind.NotNumber;
        return value.GetValue<object>() switch
        {
            JsonElement e => e.GetRawText().AsSpan().IndexOfAny(".eE") >= 0 ? NumberKind.Float : NumberKind.Integer,
            double or float or decimal or Half => NumberKind.Float,
            _ => NumberKind.Integer,
        };
    }

    internal static bool IsBool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    /// <summary>Numeric value of a number or a boolean (Python bools are ints).</summary>
    internal static bool TryNumber(JsonNode? node, out double number)
    {
        number = 0;
        if (node is not JsonValue v) return false;
        switch (v.GetValueKind())
        {
            case JsonValueKind.True: number = 1; return true;
            case JsonValueKind.False: number = 0; return true;
            case JsonValueKind.Number:
                var o = v.GetValue<object>();
                if (o is JsonElement e) return e.TryGetDouble(out number);
                number = Convert.ToDouble(o, CultureInfo.InvariantCulture);
                return true;
            default: return false;
        }
    }

    /// <summary>Python's <c>bool(value)</c>: empty strings, lists and dicts, zero, false and None are false.</summary>
    internal static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.True => true,
            JsonValueKind.Number => TryNumber(v, out var d) && d != 0,
            _ => false,
        },
        _ => false,
    };

    /// <summary>The same for a parsed value; containers are not materialized (a duplicate key would throw there).</summary>
    internal static bool IsTruthy(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => e.GetArrayLength() > 0,
        JsonValueKind.Object => e.EnumerateObject().Any(),
        _ => IsTruthy(JsonValue.Create(e)),
    };

    /// <summary>Python str(value).</summary>
    internal static string Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Repr(node);

    /// <summary>Python repr(value).</summary>
    internal static string Repr(JsonNode? node)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, node);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("None");
                return;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    AppendRepr(sb, array[i]);
                }
                sb.Append(']');
                return;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    AppendString(sb, key);
                    sb.Append(": ");
                    AppendRepr(sb, value);
                }
                sb.Append('}');
                return;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String: AppendString(sb, value.GetValue<string>()); return;
                    case JsonValueKind.True: sb.Append("True"); return;
                    case JsonValueKind.False: sb.Append("False"); return;
                    case JsonValueKind.Null: sb.Append("None"); return;
                    case JsonValueKind.Number:
                        if (KindOf(value) == NumberKind.Integer)
                            sb.Append(value.TryGetValue<JsonElement>(out var e) ? e.GetRawText() : value.ToJsonString());
                        else
                            sb.Append(FloatRepr(TryNumber(value, out var d) ? d : double.NaN));
                        return;
                    default: sb.Append(value.ToJsonString()); return;
                }
        }
    }

    /// <summary>Python float repr: shortest round-trip digits, ".0" for integral values, "1e+16" style exponents.</summary>
    internal static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var exp = 0;
        var mantissa = r;
        var ePos = r.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = r[..ePos];
            exp = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        var negative = mantissa.StartsWith('-');
        if (negative) mantissa = mantissa[1..];
        var dot = mantissa.IndexOf('.');
        var digits = dot >= 0 ? mantissa.Remove(dot, 1) : mantissa;
        var pointPos = (dot >= 0 ? dot : mantissa.Length) + exp; // position of the decimal point in digits
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0');
        pointPos -= lead;
        if (digits.Length == 0) return negative ? "-0.0" : "0.0";
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var decimalExponent = pointPos - 1; // exponent in scientific notation
        string text;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            var m = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            text = m + "e" + (decimalExponent < 0 ? "-" : "+") + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (pointPos <= 0)
            text = "0." + new string('0', -pointPos) + digits;
        else if (pointPos >= digits.Length)
            text = digits + new string('0', pointPos - digits.Length) + ".0";
        else
            text = digits[..pointPos] + "." + digits[pointPos..];
        return negative ? "-" + text : text;
    }

    private static void AppendString(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == quote || c == '\\') sb.Append('\\').Append((char)c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            else if (c is >= 0x80 and < 0xa0) sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append(rune.ToString());
        }
        sb.Append(quote);
    }

    /// <summary>Python equality between JSON scalars: 1 == 1.0 == True, strings by ordinal.</summary>
    internal static bool ScalarEquals(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (TryNumber(a, out var x) && TryNumber(b, out var y)) return x.Equals(y);
        if (a is JsonValue va && b is JsonValue vb
            && va.GetValueKind() == JsonValueKind.String && vb.GetValueKind() == JsonValueKind.String)
            return string.Equals(va.GetValue<string>(), vb.GetValue<string>(), StringComparison.Ordinal);
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>Python len() of a str: code points.</summary>
    internal static int Length(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes()) n++;
        return n;
    }
}

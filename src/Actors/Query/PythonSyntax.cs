using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Query;

internal enum PyTok : byte
{
    Name,
    Number,
    String,
    Op,
    End,
}

internal readonly record struct PyToken(PyTok Kind, string Text, object? Value, int Position);

/// <summary>Raised for any syntax the Python subsets below do not accept; callers turn it into a 400.</summary>
internal sealed class PySyntaxException(string message) : Exception(message);

/// <summary>A tokenizer for the small part of Python's expression syntax Eve's parsers accept.</summary>
internal static class PyLexer
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "<>", "**", "//", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "-", "+", ";", "*", "/", "%", "~", "=", "@", "&", "|", "^"];

    public static List<PyToken> Tokenize(string s)
    {
        var tokens = new List<PyToken>();
        var i = 0;
        var depth = 0;
        while (true)
        {
            while (i < s.Length && (s[i] is ' ' or '\t' or '\f' || (depth > 0 && s[i] is '\r' or '\n') || (s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\n')))
            {
                i += s[i] == '\\' ? 2 : 1;
            }

            if (i >= s.Length)
            {
                tokens.Add(new PyToken(PyTok.End, "", null, i));
                return tokens;
            }

            var c = s[i];
            var start = i;
            if (c is '\r' or '\n')
            {
                while (i < s.Length && s[i] is '\r' or '\n' or ' ' or '\t')
                {
                    i++;
                }

                tokens.Add(new PyToken(PyTok.Op, ";", null, start));
                continue;
            }

            if (c == '#')
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_' || c > 127 && char.IsLetter(c))
            {
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_' || s[i] > 127 && char.IsLetterOrDigit(s[i])))
                {
                    i++;
                }

                var word = s[start..i];
                if (i < s.Length && s[i] is '\'' or '"' && IsStringPrefix(word))
                {
                    tokens.Add(new PyToken(PyTok.String, word, ReadString(s, ref i, word), start));
                    continue;
                }

                tokens.Add(new PyToken(PyTok.Name, word, null, start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                tokens.Add(new PyToken(PyTok.Number, "", ReadNumber(s, ref i), start));
                continue;
            }

            if (c is '\'' or '"')
            {
                tokens.Add(new PyToken(PyTok.String, "", ReadString(s, ref i, ""), start));
                continue;
            }

            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(s, i, o, 0, o.Length) == 0)
                ?? throw new PySyntaxException($"invalid character '{c}' at {i}");
            depth += op is "(" or "[" or "{" ? 1 : op is ")" or "]" or "}" ? -1 : 0;
            i += op.Length;
            tokens.Add(new PyToken(PyTok.Op, op, null, start));
        }
    }

    private static bool IsStringPrefix(string w) =>
        w.ToLowerInvariant() is "r" or "u" or "b" or "br" or "rb" or "ur" or "f" or "fr" or "rf";

    private static object ReadNumber(string s, ref int i)
    {
        var start = i;
        if (s[i] == '0' && i + 1 < s.Length && char.ToLowerInvariant(s[i + 1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(s[i + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            i += 2;
            long v = 0;
            var digits = 0;
            while (i < s.Length && (char.IsAsciiHexDigit(s[i]) || s[i] == '_'))
            {
                if (s[i] != '_')
                {
                    var d = Convert.ToInt32(s[i].ToString(), 16);
                    if (d >= radix)
                    {
                        throw new PySyntaxException("invalid digit in number");
                    }

                    v = checked(v * radix + d);
                    digits++;
                }

                i++;
            }

            if (digits == 0)
            {
                throw new PySyntaxException("invalid number");
            }

            return v;
        }

        var isFloat = false;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }

        if (i < s.Length && s[i] == '.')
        {
            isFloat = true;
            i++;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var save = i;
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            if (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                isFloat = true;
                while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }
            }
            else
            {
                i = save;
            }
        }

        if (i < s.Length && (char.IsAsciiLetter(s[i]) || s[i] == '_'))
        {
            throw new PySyntaxException("invalid number");
        }

        var text = s[start..i];
        if (text.Contains("__", StringComparison.Ordinal) || text.EndsWith('_') || text.Contains("_.", StringComparison.Ordinal) || text.Contains("._", StringComparison.Ordinal))
        {
            throw new PySyntaxException("invalid number");
        }

        text = text.Replace("_", "", StringComparison.Ordinal);
        if (!isFloat && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
        {
            if (text.Length > 1 && text[0] == '0' && l != 0)
            {
                throw new PySyntaxException("leading zeros in decimal integer literals are not permitted");
            }

            return l;
        }

        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static string ReadString(string s, ref int i, string prefix)
    {
        var raw = prefix.Contains('r', StringComparison.OrdinalIgnoreCase);
        if (prefix.Contains('f', StringComparison.OrdinalIgnoreCase))
        {
            throw new PySyntaxException("f-strings are not literals");
        }

        var quote = s[i];
        var triple = i + 2 < s.Length && s[i + 1] == quote && s[i + 2] == quote;
        i += triple ? 3 : 1;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= s.Length)
            {
                throw new PySyntaxException("unterminated string literal");
            }

            var c = s[i];
            if (c == quote && (!triple || (i + 2 < s.Length && s[i + 1] == quote && s[i + 2] == quote)))
            {
                i += triple ? 3 : 1;
                return sb.ToString();
            }

            if (!triple && c is '\n' or '\r')
            {
                throw new PySyntaxException("unterminated string literal");
            }

            if (c == '\\' && i + 1 < s.Length)
            {
                if (raw)
                {
                    sb.Append(c).Append(s[i + 1]);
                    i += 2;
                    continue;
                }

                i++;
                var e = s[i++];
                switch (e)
                {
                    case '\n': break;
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'a': sb.Append('\a'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'v': sb.Append('\v'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case 'x': sb.Append((char)Hex(s, ref i, 2)); break;
                    case 'u': sb.Append((char)Hex(s, ref i, 4)); break;
                    case 'U': sb.Append(char.ConvertFromUtf32(Hex(s, ref i, 8))); break;
                    case >= '0' and <= '7':
                        var v = e - '0';
                        for (var k = 0; k < 2 && i < s.Length && s[i] is >= '0' and <= '7'; k++)
                        {
                            v = v * 8 + (s[i++] - '0');
                        }

                        sb.Append((char)v);
                        break;
                    default: sb.Append('\\').Append(e); break;
                }

                continue;
            }

            sb.Append(c);
            i++;
        }
    }

    private static int Hex(string s, ref int i, int n)
    {
        if (i + n > s.Length || !int.TryParse(s.AsSpan(i, n), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            throw new PySyntaxException("truncated escape");
        }

        i += n;
        try
        {
            char.ConvertFromUtf32(v);
        }
        catch (ArgumentOutOfRangeException)
        {
            if (v is < 0xD800 or > 0xDFFF)
            {
                throw new PySyntaxException("illegal Unicode character");
            }
        }

        return v;
    }

    public static readonly HashSet<string> Keywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ];
}

/// <summary>
/// Eve's fallback <c>where</c> syntax (<c>eve.io.mongo.parser</c>): a Python boolean expression of comparisons,
/// e.g. <c>name == "x" and (age &gt;= 5 or tag != 'y')</c>, turned into the equivalent Mongo query.
/// Supported: <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>and</c>, <c>or</c>, parentheses, dotted names, strings,
/// numbers, <c>True/False/None</c>, <c>ObjectId("...")</c> and <c>datetime(y, m, d[, H, M, S])</c>.
/// </summary>
internal sealed class PythonWhereParser
{
    private readonly List<PyToken> _tokens;
    private int _pos;

    private const int MaxDepth = 64;
    private int _depth;

    private PythonWhereParser(string text) => _tokens = PyLexer.Tokenize(text);

    /// <summary>Parses the expression; throws <see cref="PySyntaxException"/> when it is not a supported one.</summary>
    public static JsonObject Parse(string text)
    {
        var parser = new PythonWhereParser(text);
        var query = new JsonObject();
        var any = false;
        while (parser.Peek.Kind != PyTok.End)
        {
            if (parser.IsOp(";"))
            {
                parser._pos++;
                continue;
            }

            var node = parser.ParseOr();
            if (node is not Cond cond)
            {
                throw new PySyntaxException("Will only parse conditional statements");
            }

            foreach (var (k, v) in cond.ToQuery())
            {
                query[k] = v;
            }

            any = true;
            if (parser.Peek.Kind != PyTok.End && !parser.IsOp(";"))
            {
                throw new PySyntaxException("invalid syntax");
            }
        }

        if (!any)
        {
            throw new PySyntaxException("Only conditional statements with boolean (and, or) and comparison operators are supported.");
        }

        return query;
    }

    private abstract record PyNode;

    private abstract record Cond : PyNode
    {
        public abstract IEnumerable<(string Key, JsonNode? Value)> ToQuery();

        public JsonObject ToObject()
        {
            var o = new JsonObject();
            foreach (var (k, v) in ToQuery())
            {
                o[k] = v;
            }

            return o;
        }
    }

    private sealed record Compare(string Key, string Op, JsonNode? Value) : Cond
    {
        public override IEnumerable<(string Key, JsonNode? Value)> ToQuery()
        {
            yield return (Key, Op.Length == 0 ? Value : new JsonObject { [Op] = Value });
        }
    }

    private sealed record BoolOp(string Op, List<Cond> Items) : Cond
    {
        public override IEnumerable<(string Key, JsonNode? Value)> ToQuery()
        {
            yield return (Op, new JsonArray(Items.Select(JsonNode? (c) => c.ToObject()).ToArray()));
        }
    }

    /// <summary>A value; <paramref name="Path"/> is set for a (dotted) name, which can be a query key.</summary>
    private sealed record Val(JsonNode? Value, string? Path, bool IsString) : PyNode;

    private PyToken Peek => _tokens[_pos];

    private bool IsOp(string op) => Peek.Kind == PyTok.Op && Peek.Text == op;

    private bool IsName(string name) => Peek.Kind == PyTok.Name && Peek.Text == name;

    private PyToken Next() => _tokens[_pos++];

    private void Expect(string op)
    {
        if (!IsOp(op))
        {
            throw new PySyntaxException($"expected '{op}'");
        }

        _pos++;
    }

    private PyNode ParseOr() => ParseBool("or", "$or", ParseAnd);

    private PyNode ParseAnd() => ParseBool("and", "$and", ParseNot);

    private PyNode ParseBool(string keyword, string op, Func<PyNode> operand)
    {
        var first = operand();
        if (!IsName(keyword))
        {
            return first;
        }

        var items = new List<Cond> { AsCond(first) };
        while (IsName(keyword))
        {
            _pos++;
            items.Add(AsCond(operand()));
        }

        return new BoolOp(op, items);
    }

    private static Cond AsCond(PyNode node) =>
        node as Cond ?? throw new PySyntaxException("Only conditional statements are supported in boolean operations");

    private PyNode ParseNot()
    {
        if (IsName("not"))
        {
            throw new PySyntaxException("'not' is not supported");
        }

        return ParseComparison();
    }

    private static readonly Dictionary<string, string> CompareOps = new(StringComparer.Ordinal)
    {
        ["=="] = "", ["!="] = "$ne", ["<>"] = "$ne", ["<"] = "$lt", ["<="] = "$lte", [">"] = "$gt", [">="] = "$gte",
    };

    private PyNode ParseComparison()
    {
        var left = ParseOperand();
        if (IsName("in") || IsName("is") || IsName("not"))
        {
            throw new PySyntaxException($"operator '{Peek.Text}' is not supported");
        }

        if (Peek.Kind != PyTok.Op || !CompareOps.TryGetValue(Peek.Text, out var op))
        {
            return left;
        }

        _pos++;
        var right = ParseOperand();
        if (Peek.Kind == PyTok.Op && CompareOps.ContainsKey(Peek.Text))
        {
            throw new PySyntaxException("chained comparisons are not supported");
        }

        if (left is not Val { } lv || (lv.Path is null && !lv.IsString))
        {
            throw new PySyntaxException("the left side of a comparison must be a field name");
        }

        if (right is not Val rv)
        {
            throw new PySyntaxException("the right side of a comparison must be a value");
        }

        var key = lv.Path ?? lv.Value!.GetValue<string>();
        // Eve's visitor turns a bare name on the right into its text (name == foo means name == "foo").
        return new Compare(key, op, rv.Path is not null ? JsonValue.Create(rv.Path) : rv.Value);
    }

    private PyNode ParseOperand()
    {
        var signs = 0;
        var negate = false;
        while (IsOp("-") || IsOp("+"))
        {
            negate ^= Next().Text == "-";
            signs++;
        }

        var inner = ParsePrimary();
        if (signs == 0)
        {
            return inner;
        }

        if (inner is not Val { Path: null, IsString: false, Value: JsonValue v } || !QueryJson.TryGetNumber(v, out var d))
        {
            throw new PySyntaxException("unary minus applies to numbers only");
        }

        if (!negate)
        {
            return inner;
        }

        return new Val(v.TryGetValue<long>(out var l) ? JsonValue.Create(-l) : JsonValue.Create(-d), null, false);
    }

    private PyNode ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case PyTok.Number:
                return new Val(t.Value is long l ? JsonValue.Create(l) : JsonValue.Create((double)t.Value!), null, false);
            case PyTok.String:
                var s = (string)t.Value!;
                while (Peek.Kind == PyTok.String)
                {
                    s += (string)Next().Value!;
                }

                return new Val(JsonValue.Create(s), null, true);
            case PyTok.Op when t.Text == "(":
                if (++_depth > MaxDepth)
                {
                    throw new PySyntaxException("too many nested parentheses");
                }

                var inner = ParseOr();
                Expect(")");
                _depth--;
                return inner;
            case PyTok.Name:
                switch (t.Text)
                {
                    case "True": return new Val(JsonValue.Create(true), null, false);
                    case "False": return new Val(JsonValue.Create(false), null, false);
                    case "None": return new Val(null, null, false);
                }

                if (PyLexer.Keywords.Contains(t.Text))
                {
                    throw new PySyntaxException("invalid syntax");
                }

                if (IsOp("("))
                {
                    return ParseCall(t.Text);
                }

                var path = t.Text;
                while (IsOp("."))
                {
                    _pos++;
                    var attr = Next();
                    if (attr.Kind != PyTok.Name)
                    {
                        throw new PySyntaxException("invalid syntax");
                    }

                    path += "." + attr.Text;
                }

                return new Val(null, path, false);
            default:
                throw new PySyntaxException("invalid syntax");
        }
    }

    private Val ParseCall(string function)
    {
        Expect("(");
        var args = new List<JsonNode?>();
        while (!IsOp(")"))
        {
            if (ParseOperand() is not Val { Path: null } arg)
            {
                throw new PySyntaxException("invalid call argument");
            }

            args.Add(arg.Value);
            if (!IsOp(","))
            {
                break;
            }

            _pos++;
        }

        Expect(")");
        switch (function)
        {
            case "ObjectId" when args.Count == 1 && args[0] is JsonValue v && v.TryGetValue<string>(out var id) && DocumentIds.IsObjectId(id):
                return new Val(JsonValue.Create(id.ToLowerInvariant()), null, true);
            case "datetime" when args.Count is >= 3 and <= 6 && args.All(a => a is JsonValue n && n.TryGetValue<long>(out _)):
                var p = args.Select(a => (int)a!.GetValue<long>()).Concat(Enumerable.Repeat(0, 6 - args.Count)).ToArray();
                try
                {
                    var date = new DateTime(p[0], p[1], p[2], p[3], p[4], p[5], DateTimeKind.Utc);
                    return new Val(JsonValue.Create(Rfc1123.Format(date.Ticks)), null, true);
                }
                catch (ArgumentOutOfRangeException)
                {
                    throw new PySyntaxException("invalid datetime");
                }
            default:
                throw new PySyntaxException($"unsupported call {function}()");
        }
    }
}

/// <summary>A parser for Python literals as <c>ast.literal_eval</c> reads them (used by <c>sort</c>).</summary>
internal sealed class PyLiteral
{
    private readonly List<PyToken> _tokens;
    private int _pos;

    private const int MaxDepth = 64;
    private int _depth;

    private PyLiteral(string text) => _tokens = PyLexer.Tokenize(text);

    /// <summary>Lists and tuples become <see cref="List{T}"/>, dicts <see cref="List{T}"/> of pairs, numbers long or double.</summary>
    public static object? Parse(string text)
    {
        var p = new PyLiteral(text);
        var value = p.Value();
        if (p._tokens[p._pos].Kind != PyTok.End)
        {
            throw new PySyntaxException("invalid syntax");
        }

        return value;
    }

    public sealed record Dict(List<KeyValuePair<object?, object?>> Items);

    private PyToken Peek => _tokens[_pos];

    private bool IsOp(string op) => Peek.Kind == PyTok.Op && Peek.Text == op;

    private object? Value()
    {
        if (++_depth > MaxDepth)
        {
            throw new PySyntaxException("too deeply nested");
        }

        try
        {
            return ValueCore();
        }
        finally
        {
            _depth--;
        }
    }

    private object? ValueCore()
    {
        var t = _tokens[_pos++];
        switch (t.Kind)
        {
            case PyTok.Number:
                return t.Value;
            case PyTok.String:
                var s = (string)t.Value!;
                while (Peek.Kind == PyTok.String)
                {
                    s += (string)_tokens[_pos++].Value!;
                }

                return s;
            case PyTok.Name when t.Text == "True":
                return true;
            case PyTok.Name when t.Text == "False":
                return false;
            case PyTok.Name when t.Text == "None":
                return null;
            case PyTok.Op when t.Text is "-" or "+":
                var n = Value();
                return (n, t.Text) switch
                {
                    (long l, "-") => -l,
                    (double d, "-") => -d,
                    (long or double, _) => n,
                    _ => throw new PySyntaxException("malformed node or string"),
                };
            case PyTok.Op when t.Text == "[":
                return Sequence("]", out _);
            case PyTok.Op when t.Text == "(":
                var items = Sequence(")", out var sawComma);
                return items.Count == 1 && !sawComma ? items[0] : items;
            case PyTok.Op when t.Text == "{":
                return DictBody();
            default:
                throw new PySyntaxException("malformed node or string");
        }
    }

    private List<object?> Sequence(string close, out bool sawComma)
    {
        sawComma = false;
        var items = new List<object?>();
        while (!IsOp(close))
        {
            items.Add(Value());
            if (!IsOp(","))
            {
                break;
            }

            sawComma = true;
            _pos++;
        }

        if (!IsOp(close))
        {
            throw new PySyntaxException("invalid syntax");
        }

        _pos++;
        return items;
    }

    private Dict DictBody()
    {
        var items = new List<KeyValuePair<object?, object?>>();
        while (!IsOp("}"))
        {
            var key = Value();
            if (!IsOp(":"))
            {
                throw new PySyntaxException("invalid syntax");
            }

            _pos++;
            items.Add(new KeyValuePair<object?, object?>(key, Value()));
            if (!IsOp(","))
            {
                break;
            }

            _pos++;
        }

        if (!IsOp("}"))
        {
            throw new PySyntaxException("invalid syntax");
        }

        _pos++;
        return new Dict(items);
    }
}

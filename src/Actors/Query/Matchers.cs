using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Query;

/// <summary>A compiled query (or sub-query) evaluated against a document or an array element.</summary>
internal abstract class Matcher
{
    public abstract bool Match(JsonNode? node);

    /// <summary>Matches a document read through its fields (no JSON object is built for it).</summary>
    public virtual bool MatchDocument(IDocumentFields document) => Match(document.ToJsonObject());
}

internal sealed class ConstMatcher(bool value) : Matcher
{
    public static readonly ConstMatcher True = new(true);
    public bool Value { get; } = value;

    public override bool Match(JsonNode? node) => Value;

    public override bool MatchDocument(IDocumentFields document) => Value;
}

internal sealed class AndMatcher(Matcher[] parts) : Matcher
{
    public Matcher[] Parts { get; } = parts;

    public override bool Match(JsonNode? node)
    {
        foreach (var p in Parts)
        {
            if (!p.Match(node))
            {
                return false;
            }
        }

        return true;
    }

    public override bool MatchDocument(IDocumentFields document)
    {
        foreach (var p in Parts)
        {
            if (!p.MatchDocument(document))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrMatcher(Matcher[] parts) : Matcher
{
    public override bool Match(JsonNode? node)
    {
        foreach (var p in parts)
        {
            if (p.Match(node))
            {
                return true;
            }
        }

        return false;
    }

    public override bool MatchDocument(IDocumentFields document)
    {
        foreach (var p in parts)
        {
            if (p.MatchDocument(document))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotMatcher(Matcher inner) : Matcher
{
    public override bool Match(JsonNode? node) => !inner.Match(node);

    public override bool MatchDocument(IDocumentFields document) => !inner.MatchDocument(document);
}

/// <summary>
/// Resolves a dotted path with MongoDB's array traversal (each element of an intermediate array is searched,
/// numeric segments also index arrays) and succeeds when any reached value passes the test.
/// </summary>
internal sealed class PathMatcher : Matcher
{
    private readonly string[] _segments;
    private readonly int[] _indexes;
    private readonly ValueTest _test;

    public PathMatcher(string path, ValueTest test)
    {
        _segments = path.Length == 0 ? [] : path.Split('.');
        _indexes = _segments.Select(s => s.Length > 0 && s.All(char.IsAsciiDigit) && int.TryParse(s, out var i) ? i : -1).ToArray();
        _test = test;
    }

    public override bool Match(JsonNode? node) => Resolve(node, 0);

    public override bool MatchDocument(IDocumentFields document)
    {
        if (_segments.Length == 0)
        {
            return base.MatchDocument(document);
        }

        return document.TryGetPropertyValue(_segments[0], out var child) ? Resolve(child, 1) : _test.TestMissing();
    }

    private bool Resolve(JsonNode? node, int depth)
    {
        if (depth == _segments.Length)
        {
            return _test.Test(node);
        }

        if (node is JsonObject obj)
        {
            return obj.TryGetPropertyValue(_segments[depth], out var child) ? Resolve(child, depth + 1) : _test.TestMissing();
        }

        if (node is JsonArray array)
        {
            var index = _indexes[depth];
            if (index >= 0 && index < array.Count && Resolve(array[index], depth + 1))
            {
                return true;
            }

            var missingTried = false;
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject element)
                {
                    if (Resolve(element, depth))
                    {
                        return true;
                    }
                }
                else if (!missingTried && index < 0)
                {
                    missingTried = true;
                    if (_test.TestMissing())
                    {
                        return true;
                    }
                }
            }

            return array.Count == 0 && _test.TestMissing();
        }

        return _test.TestMissing();
    }
}

/// <summary>A positive test on one reached value; most tests also succeed when an array element passes.</summary>
internal abstract class ValueTest
{
    public abstract bool Test(JsonNode? value);

    public abstract bool TestMissing();
}

/// <summary>
/// A test Mongo applies to an array field as a whole (when <see cref="MatchesWholeArray"/> says so) and then
/// to each of its elements; any success matches.
/// </summary>
internal abstract class ElementWiseTest : ValueTest
{
    public sealed override bool Test(JsonNode? node)
    {
        if (node is not JsonArray array) return One(node);
        if (MatchesWholeArray(array)) return true;
        for (var i = 0; i < array.Count; i++)
            if (One(array[i])) return true;
        return false;
    }

    protected virtual bool MatchesWholeArray(JsonArray array) => false;

    protected abstract bool One(JsonNode? node);
}

internal sealed class EqTest(QValue value) : ValueTest
{
    public QValue Value { get; } = value;

    public override bool Test(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            if (Value.Kind == QKind.Array && Value.EqualsNode(array))
            {
                return true;
            }

            for (var i = 0; i < array.Count; i++)
            {
                if (Value.EqualsNode(array[i]))
                {
                    return true;
                }
            }

            return false;
        }

        return Value.EqualsNode(node);
    }

    public override bool TestMissing() => Value.Kind == QKind.Null;
}

internal enum CmpOp : byte
{
    Gt,
    Gte,
    Lt,
    Lte,
}

internal sealed class CmpTest(CmpOp op, QValue value) : ElementWiseTest
{
    protected override bool MatchesWholeArray(JsonArray array) => value.Kind == QKind.Array && One(array);

    protected override bool One(JsonNode? node)
    {
        if (!value.TryCompare(node, out var c))
        {
            return false;
        }

        return op switch
        {
            CmpOp.Gt => c > 0,
            CmpOp.Gte => c >= 0,
            CmpOp.Lt => c < 0,
            _ => c <= 0,
        };
    }

    public override bool TestMissing() => value.Kind == QKind.Null && (op is CmpOp.Gte or CmpOp.Lte);
}

internal sealed class InTest : ElementWiseTest
{
    private readonly QValue[] _values;
    private readonly HashSet<string>? _strings;
    private readonly bool _hasNull;

    public InTest(QValue[] values)
    {
        _values = values;
        _hasNull = values.Any(v => v.Kind == QKind.Null);
        if (values.Length > 8 && values.All(v => v.Kind == QKind.String))
        {
            _strings = new HashSet<string>(values.Select(v => v.Str), StringComparer.Ordinal);
        }
    }

    protected override bool MatchesWholeArray(JsonArray array) =>
        _values.Any(v => v.Kind == QKind.Array && v.EqualsNode(array));

    protected override bool One(JsonNode? node)
    {
        if (_strings is not null)
        {
            if (!QueryJson.TryGetString(node, out var clr, out var element))
            {
                return _hasNull && QueryJson.IsNull(node);
            }

            return _strings.Contains(clr ?? element.GetString()!);
        }

        foreach (var v in _values)
        {
            if (v.EqualsNode(node))
            {
                return true;
            }
        }

        return false;
    }

    public override bool TestMissing() => _hasNull;
}

internal sealed class RegexTest(Regex regex) : ValueTest
{
    public override bool Test(JsonNode? node)
    {
        try
        {
            if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (QueryJson.RegexMatches(array[i], regex))
                    {
                        return true;
                    }
                }

                return false;
            }

            return QueryJson.RegexMatches(node, regex);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new QueryException("$regex evaluation timed out: " + regex, e);
        }
    }

    public override bool TestMissing() => false;
}

internal sealed class ExistsTest : ValueTest
{
    public static readonly ExistsTest Instance = new();

    public override bool Test(JsonNode? node) => true;

    public override bool TestMissing() => false;
}

internal sealed class SizeTest(int size) : ValueTest
{
    public override bool Test(JsonNode? node) => node is JsonArray a && a.Count == size;

    public override bool TestMissing() => false;
}

internal sealed class AllTest(EqTest[] items) : ValueTest
{
    public override bool Test(JsonNode? node)
    {
        if (items.Length == 0)
        {
            return false;
        }

        foreach (var item in items)
        {
            if (!item.Test(node))
            {
                return false;
            }
        }

        return true;
    }

    public override bool TestMissing() => false;
}

internal sealed class ElemMatchTest(Matcher inner, bool documentForm) : ValueTest
{
    public override bool Test(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return false;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var e = array[i];
            if ((!documentForm || e is JsonObject) && inner.Match(e))
            {
                return true;
            }
        }

        return false;
    }

    public override bool TestMissing() => false;
}

internal sealed class TypeTest(HashSet<string> types) : ElementWiseTest
{
    protected override bool MatchesWholeArray(JsonArray array) => types.Contains("array");

    protected override bool One(JsonNode? node)
    {
        switch (QueryJson.Kind(node))
        {
            case JsonValueKind.Null:
                return types.Contains("null");
            case JsonValueKind.True:
            case JsonValueKind.False:
                return types.Contains("bool");
            case JsonValueKind.Object:
                return types.Contains("object");
            case JsonValueKind.Array:
                return types.Contains("array");
            case JsonValueKind.Number:
                if (types.Contains("number"))
                {
                    return true;
                }

                QueryJson.TryGetNumber(node, out var d);
                var integral = Math.Floor(d) == d && !double.IsInfinity(d);
                return integral
                    ? types.Contains("int") || (types.Contains("long") && Math.Abs(d) > int.MaxValue)
                    : types.Contains("double");
            case JsonValueKind.String:
                if (types.Contains("string"))
                {
                    return true;
                }

                if (types.Contains("objectId") && QueryJson.TryGetString(node, out var clr, out var el)
                    && DocumentIds.IsObjectId(clr ?? el.GetString()!))
                {
                    return true;
                }

                return types.Contains("date") && QueryJson.TryGetDate(node, out _);
            default:
                return false;
        }
    }

    public override bool TestMissing() => false;
}

internal sealed class ModTest(double divisor, double remainder) : ElementWiseTest
{
    protected override bool One(JsonNode? node) =>
        QueryJson.TryGetNumber(node, out var d) && !double.IsNaN(d) && !double.IsInfinity(d)
        && Math.Truncate(d) % divisor == remainder;

    public override bool TestMissing() => false;
}

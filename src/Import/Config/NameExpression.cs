namespace Alignak.Import.Config;

/// <summary>
/// Object name lists and the Shinken/Alignak group expressions (spec b.7): a plain comma list with <c>*</c>
/// (everything) and <c>!name</c> exclusions applied to the whole list, or an expression with <c>|</c> (or;
/// a comma too), <c>&amp;</c> (and), <c>!</c> (not), parentheses and <c>*</c>.
/// </summary>
public static class NameExpression
{
    /// <summary>The names the text selects; <paramref name="lookup"/> gives the members of one name, or null when unknown.</summary>
    /// <param name="plainList">Regexp matching is on: names may hold <c>|</c> or parentheses, so no expressions.</param>
    public static HashSet<string> Evaluate(string text, IReadOnlyCollection<string> everything,
        Func<string, IEnumerable<string>?> lookup, Action<string> unknown, bool plainList = false)
    {
        if (plainList || !IsExpression(text)) return EvaluateList(text, everything, lookup, unknown);
        var tokens = Tokenize(text);
        var position = 0;
        var result = Or(tokens, ref position, everything, lookup, unknown);
        if (position < tokens.Count) unknown($"unexpected '{tokens[position]}' in expression '{text}'");
        return result;
    }

    /// <summary>Parentheses alone do not make an expression: <c>srv(1)</c> is a name.</summary>
    public static bool IsExpression(string text) =>
        text.IndexOfAny(['&', '|']) >= 0 || text.TrimStart().StartsWith('(') || text.TrimStart().StartsWith("!(", StringComparison.Ordinal);

    private static HashSet<string> EvaluateList(string text, IReadOnlyCollection<string> everything,
        Func<string, IEnumerable<string>?> lookup, Action<string> unknown)
    {
        var included = new HashSet<string>(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Lists.Split(text))
        {
            var exclude = item.StartsWith('!');
            var name = exclude ? item[1..].Trim() : item;
            var target = exclude ? excluded : included;
            if (name == "*") target.UnionWith(everything);
            else if (lookup(name) is { } members) target.UnionWith(members);
            else unknown(name);
        }
        included.ExceptWith(excluded);
        return included;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var name = new System.Text.StringBuilder();
        void Flush()
        {
            if (name.ToString().Trim() is { Length: > 0 } n) tokens.Add(n);
            name.Clear();
        }
        foreach (var c in text)
        {
            if (c is '&' or '|' or '!' or '(' or ')' or ',')
            {
                Flush();
                tokens.Add(c == ',' ? "|" : c.ToString());
            }
            else name.Append(c);
        }
        Flush();
        return tokens;
    }

    private static HashSet<string> Or(List<string> t, ref int p, IReadOnlyCollection<string> all,
        Func<string, IEnumerable<string>?> lookup, Action<string> unknown)
    {
        var result = And(t, ref p, all, lookup, unknown);
        while (p < t.Count && t[p] == "|")
        {
            p++;
            result.UnionWith(And(t, ref p, all, lookup, unknown));
        }
        return result;
    }

    private static HashSet<string> And(List<string> t, ref int p, IReadOnlyCollection<string> all,
        Func<string, IEnumerable<string>?> lookup, Action<string> unknown)
    {
        var result = Not(t, ref p, all, lookup, unknown);
        while (p < t.Count && t[p] == "&")
        {
            p++;
            result.IntersectWith(Not(t, ref p, all, lookup, unknown));
        }
        return result;
    }

    private static HashSet<string> Not(List<string> t, ref int p, IReadOnlyCollection<string> all,
        Func<string, IEnumerable<string>?> lookup, Action<string> unknown)
    {
        if (p >= t.Count)
        {
            unknown("expression ends too early");
            return [];
        }
        var token = t[p++];
        switch (token)
        {
            case "!":
                var everything = new HashSet<string>(all, StringComparer.Ordinal);
                everything.ExceptWith(Not(t, ref p, all, lookup, unknown));
                return everything;
            case "(":
                var inner = Or(t, ref p, all, lookup, unknown);
                if (p < t.Count && t[p] == ")") p++;
                else unknown("missing ')'");
                return inner;
            case "*":
                return new HashSet<string>(all, StringComparer.Ordinal);
            case "&" or "|" or ")":
                unknown($"unexpected '{token}'");
                return [];
            default:
                if (lookup(token) is { } members) return new HashSet<string>(members, StringComparer.Ordinal);
                unknown(token);
                return [];
        }
    }
}

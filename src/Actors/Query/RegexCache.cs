using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Alignak.Actors.Query;

/// <summary>
/// Compiles MongoDB <c>$regex</c> patterns (PCRE syntax, Python's <c>(?P&lt;name&gt;...)</c> groups translated)
/// into cached .NET regexes. Matching has a timeout, surfaced as a <see cref="QueryException"/>.
/// </summary>
internal static class RegexCache
{
    private const int MaxEntries = 512;
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly ConcurrentDictionary<(string Pattern, string Options), Regex> Cache = new();

    public static Regex Get(string pattern, string options)
    {
        if (Cache.TryGetValue((pattern, options), out var cached))
        {
            return cached;
        }

        var regex = Build(pattern, options);
        if (Cache.Count >= MaxEntries)
        {
            Cache.Clear();
        }

        Cache[(pattern, options)] = regex;
        return regex;
    }

    private static Regex Build(string pattern, string options)
    {
        var opts = RegexOptions.CultureInvariant | RegexOptions.Compiled;
        foreach (var c in options)
        {
            opts |= c switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                's' => RegexOptions.Singleline,
                'u' => RegexOptions.None,
                _ => throw new QueryException($"invalid flag in regex options: {c}"),
            };
        }

        try
        {
            return new Regex(Translate(pattern), opts, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new QueryException($"Regular expression is invalid: {e.Message}", e);
        }
    }

    /// <summary>Rewrites the PCRE/Python constructs .NET spells differently.</summary>
    private static string Translate(string pattern)
    {
        if (!pattern.Contains("(?P", StringComparison.Ordinal))
        {
            return pattern;
        }

        var sb = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                sb.Append("(?<");
                i += 3;
                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P=", 0, 4) == 0)
            {
                var end = pattern.IndexOf(')', i);
                if (end > 0)
                {
                    sb.Append("\\k<").Append(pattern, i + 4, end - i - 4).Append('>');
                    i = end;
                    continue;
                }
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

using System.Globalization;

namespace Alignak.Actors.Query;

/// <summary>
/// <c>max_results</c> and <c>page</c> as Eve 0.7's <c>parse_request</c> reads them (API.md 3.3).
/// </summary>
public static class Paging
{
    /// <summary>
    /// <c>max_results</c>: Python <c>int(float(x))</c> (so "10.7" is 10, "1e2" is 100); missing, non-numeric,
    /// non-finite or ≤ 0 gives the default; the result is capped at the limit silently.
    /// <c>page</c>: Python <c>abs(int(x)) or 1</c>, 1-based; missing or non-integer gives 1, negative its absolute
    /// value, 0 gives 1.
    /// </summary>
    public static (int MaxResults, int Page) Resolve(string? maxResults, string? page, int paginationDefault, int paginationLimit)
    {
        var max = paginationDefault;
        if (TryParsePythonFloat(maxResults, out var f) && double.IsFinite(f))
        {
            var truncated = Math.Truncate(f);
            if (truncated > 0)
            {
                max = truncated >= int.MaxValue ? int.MaxValue : (int)truncated;
            }
        }

        if (max > paginationLimit)
        {
            max = paginationLimit;
        }

        var p = 1;
        if (TryParsePythonInt(page, out var n))
        {
            n = Math.Abs(n);
            p = n == 0 ? 1 : n > int.MaxValue ? int.MaxValue : (int)n;
        }

        return (max, p);
    }

    /// <summary>Python's <c>int(str)</c>: surrounding whitespace, a sign, decimal digits with single underscores.</summary>
    private static bool TryParsePythonInt(string? s, out long value)
    {
        value = 0;
        if (s is null)
        {
            return false;
        }

        var t = s.AsSpan().Trim();
        var negative = false;
        if (t.Length > 0 && t[0] is '+' or '-')
        {
            negative = t[0] == '-';
            t = t[1..];
        }

        if (t.Length == 0 || !char.IsAsciiDigit(t[0]) || !char.IsAsciiDigit(t[^1]))
        {
            return false;
        }

        decimal acc = 0;
        for (var i = 0; i < t.Length; i++)
        {
            if (t[i] == '_')
            {
                if (t[i - 1] == '_')
                {
                    return false;
                }

                continue;
            }

            if (!char.IsAsciiDigit(t[i]))
            {
                return false;
            }

            acc = Math.Min(acc * 10 + (t[i] - '0'), long.MaxValue);
        }

        value = negative ? -(long)acc : (long)acc;
        return true;
    }

    /// <summary>Python's <c>float(str)</c> (including "inf" and "nan", which callers then reject).</summary>
    private static bool TryParsePythonFloat(string? s, out double value)
    {
        value = 0;
        if (s is null)
        {
            return false;
        }

        var t = s.Trim();
        if (t.Contains('_', StringComparison.Ordinal))
        {
            // Underscores only between digits.
            for (var i = 0; i < t.Length; i++)
            {
                if (t[i] == '_' && (i == 0 || i == t.Length - 1 || !char.IsAsciiDigit(t[i - 1]) || !char.IsAsciiDigit(t[i + 1])))
                {
                    return false;
                }
            }

            t = t.Replace("_", "", StringComparison.Ordinal);
        }

        if (t.Length == 0 || t.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var lower = t.TrimStart('+', '-').ToLowerInvariant();
        if (lower is "inf" or "infinity" or "nan")
        {
            value = double.NaN;
            return true;
        }

        if (!lower.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or '+' or '-'))
        {
            return false;
        }

        return double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out value);
    }
}

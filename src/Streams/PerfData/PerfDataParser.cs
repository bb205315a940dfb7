using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Alignak.Streams.PerfData;

/// <summary>
/// Reads the performance data of a plugin's output (the part after <c>|</c>), following the Nagios plugin guidelines
/// where they are clear and the original backend where plugins are sloppy:
/// <list type="bullet">
/// <item>A quoted label may hold spaces and <c>=</c>; <c>''</c> inside it is one quote.</item>
/// <item>An unquoted label runs up to its <c>=</c> and may hold spaces (<c>C:\ Used Space=12Gb</c>), as the original's
/// split did, so such plugins keep the series names they had. Stray quotes in it are dropped, as the original did.
/// A run of words without <c>=</c> is malformed when it ends the text or is followed by a quoted label.</item>
/// <item>The value part runs to the next whitespace.</item>
/// </list>
/// Never throws: what cannot be read is counted in the result.
/// </summary>
public static class PerfDataParser
{
    private enum Outcome { Metric, Unknown, Malformed }

    public static PerfDataParseResult Parse(string? perfData)
    {
        if (string.IsNullOrWhiteSpace(perfData)) return PerfDataParseResult.Empty;

        var text = perfData;
        var metrics = new List<PerfMetric>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        int unknown = 0, malformed = 0;
        var i = 0;

        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;

            string? label;
            if (text[i] == '\'' && TryReadQuotedLabel(text, ref i, out label))
            {
                if (i >= text.Length || text[i] != '=')
                {
                    // 'label' glued to something else, or a space before '=': not a metric.
                    malformed++;
                    SkipToWhitespace(text, ref i);
                    continue;
                }
            }
            else
            {
                label = ReadUnquotedLabel(text, ref i, out var endsWithoutEquals);
                if (label is null)
                {
                    // Words that never reached an '=' (garbage, or text before a quoted label).
                    malformed++;
                    if (endsWithoutEquals) break;
                    continue;
                }
            }

            i++; // the '='
            var start = i;
            SkipToWhitespace(text, ref i);

            switch (ReadData(label, text.AsSpan(start, i - start), out var metric))
            {
                case Outcome.Unknown:
                    unknown++;
                    break;
                case Outcome.Malformed:
                    malformed++;
                    break;
                default:
                    if (positions.TryGetValue(metric!.Label, out var at)) metrics[at] = metric;
                    else
                    {
                        positions[metric.Label] = metrics.Count;
                        metrics.Add(metric);
                    }
                    break;
            }
        }

        return new PerfDataParseResult(metrics, unknown, malformed);
    }

    /// <summary>
    /// At an opening quote: reads to the closing one. An unterminated quote is left for the unquoted reader (which
    /// drops the quote), as the original read <c>'abc=5</c> as <c>abc</c>.
    /// </summary>
    private static bool TryReadQuotedLabel(string text, ref int i, [NotNullWhen(true)] out string? label)
    {
        var sb = new StringBuilder();
        for (var j = i + 1; j < text.Length; j++)
        {
            if (text[j] != '\'')
            {
                sb.Append(text[j]);
                continue;
            }
            if (j + 1 < text.Length && text[j + 1] == '\'')
            {
                sb.Append('\'');
                j++;
                continue;
            }
            i = j + 1;
            label = sb.ToString();
            return true;
        }
        label = null;
        return false;
    }

    /// <summary>
    /// Reads up to the '=' (left at <paramref name="i"/>). Returns null when there is no usable label: the words read
    /// were followed by a quoted label (<paramref name="i"/> left on its quote) or by the end of the text.
    /// </summary>
    private static string? ReadUnquotedLabel(string text, ref int i, out bool endsWithoutEquals)
    {
        endsWithoutEquals = false;
        var start = i;
        for (; i < text.Length && text[i] != '='; i++)
        {
            // A quote that opens a word starts a new, quoted label: what came before it is not part of it.
            if (text[i] == '\'' && i > start && char.IsWhiteSpace(text[i - 1])) return null;
        }
        if (i >= text.Length)
        {
            endsWithoutEquals = true;
            return null;
        }
        var label = text[start..i].Replace("'", "", StringComparison.Ordinal).Trim();
        if (label.Length > 0) return label;

        // "=5" or "''=5": no label; skip its value so it is counted once.
        SkipToWhitespace(text, ref i);
        return null;
    }

    private static void SkipToWhitespace(string text, ref int i)
    {
        while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
    }

    private static Outcome ReadData(string label, ReadOnlySpan<char> data, out PerfMetric? metric)
    {
        metric = null;
        if (label.Length == 0) return Outcome.Malformed;

        // value[uom];warn;crit;min;max — parts past the fifth are ignored, as the original's pattern did.
        Span<Range> parts = stackalloc Range[6];
        var count = data.Split(parts, ';');
        var valuePart = data[parts[0]];

        if (valuePart is "U") return Outcome.Unknown;

        var numberLength = NumberPrefixLength(valuePart);
        if (numberLength == 0 || !TryParseFinite(valuePart[..numberLength], out var value)) return Outcome.Malformed;

        var uom = valuePart[numberLength..];
        if (!IsUnit(uom)) return Outcome.Malformed;

        var warning = count > 1 ? PlainNumber(data[parts[1]]) : null;
        var critical = count > 2 ? PlainNumber(data[parts[2]]) : null;
        var min = count > 3 ? PlainNumber(data[parts[3]]) : null;
        var max = count > 4 ? PlainNumber(data[parts[4]]) : null;

        var unit = uom.ToString();
        // A percentage is bounded whatever the plugin said, as the original did.
        metric = unit == "%"
            ? new PerfMetric(label, value, unit, warning, critical, 0, 100)
            : new PerfMetric(label, value, unit, warning, critical, min, max);
        return Outcome.Metric;
    }

    /// <summary>A threshold or bound: a plain number, else null (ranges, empty, garbage).</summary>
    private static double? PlainNumber(ReadOnlySpan<char> part) =>
        part.Length > 0 && NumberPrefixLength(part) == part.Length && TryParseFinite(part, out var number) ? number : null;

    /// <summary>
    /// Length of the decimal number at the start: sign, digits with an optional point, an exponent only when digits
    /// follow it (<c>3em</c> is 3 with unit <c>em</c>). 0 when there is none.
    /// </summary>
    private static int NumberPrefixLength(ReadOnlySpan<char> s)
    {
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-') i++;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i])) { i++; digits++; }
        }
        if (digits == 0) return 0;

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-') j++;
            var expStart = j;
            while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
            if (j > expStart) i = j;
        }
        return i;
    }

    // 1e400 parses as infinity: no time-series database takes it.
    private static bool TryParseFinite(ReadOnlySpan<char> s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// Units are free text (<c>ms</c>, <c>KB/s</c>, <c>%</c>, <c>°C</c>), but digits or number punctuation mean the value
    /// was misread (<c>1,5</c>, <c>1.2.3</c>, <c>10-20</c>), so the part is refused rather than stored wrong.
    /// </summary>
    private static bool IsUnit(ReadOnlySpan<char> uom) => uom.IndexOfAny("0123456789.,+-='\"") < 0;
}

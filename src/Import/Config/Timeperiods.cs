using System.Text.RegularExpressions;

namespace Alignak.Import.Config;

/// <summary>
/// Timeperiod lines (spec b.13): weekdays and every Nagios exception form. A line is kept whole as
/// (day spec, time ranges): the spec is everything before the first time range, so each exception keeps its
/// own key (the original split at the first space and lost exceptions, spec a.9).
/// </summary>
public static partial class Timeperiods
{
    private static readonly HashSet<string> Directives = new(StringComparer.OrdinalIgnoreCase)
    {
        "timeperiod_name", "alias", "name", "use", "register", "exclude", "is_active", "definition_order",
        "notes", "imported_from",
    };

    public static bool IsDateRangeLine(string firstWord) => !Directives.Contains(firstWord) && !firstWord.StartsWith('_');

    public static bool IsDateRangeKey(string key) => !Directives.Contains(key) && !key.StartsWith('_');

    [GeneratedRegex(@"(?<![\d:])\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}")]
    private static partial Regex TimeRange();

    [GeneratedRegex(@"^\d{1,2}:\d{2}-\d{1,2}:\d{2}(,\d{1,2}:\d{2}-\d{1,2}:\d{2})*$")]
    private static partial Regex TimeRanges();

    private const string Day = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private const string Month = "(january|february|march|april|may|june|july|august|september|october|november|december)";
    private const string Every = @"( / \d+)?";

    [GeneratedRegex("^(" +
        Day + "|" +
        @"\d{4}-\d{2}-\d{2}( - \d{4}-\d{2}-\d{2})?" + Every + "|" +
        Month + @" -?\d+( - (" + Month + @" )?-?\d+)?" + Every + "|" +
        @"day -?\d+( - -?\d+)?" + Every + "|" +
        Day + @" -?\d+ " + Month + "( - " + Day + @" -?\d+ " + Month + ")?" + Every + "|" +
        Day + @" -?\d+( - " + Day + @" -?\d+)?" + Every +
        ")$")]
    private static partial Regex Spec();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Blanks();

    /// <summary>(spec, ranges) of a line such as <c>thursday -1 november 00:00-24:00</c>; null when no time range or a bad spec.</summary>
    public static (string Spec, string Times)? Split(string line)
    {
        var match = TimeRange().Match(line);
        if (!match.Success) return null;
        var spec = Blanks().Replace(line[..match.Index].Trim().ToLowerInvariant(), " ").Replace("/", " / ");
        spec = Blanks().Replace(spec, " ");
        var times = Blanks().Replace(line[match.Index..], "");
        if (spec.Length == 0 || !Spec().IsMatch(spec) || !TimeRanges().IsMatch(times)) return null;
        return (spec, times);
    }
}

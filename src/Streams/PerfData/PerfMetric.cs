namespace Alignak.Streams.PerfData;

/// <summary>
/// One metric of a check's performance data: <c>'label'=value[uom];warn;crit;min;max</c>.
/// A threshold given as a Nagios range (<c>10:20</c>, <c>~:5</c>, <c>@1:2</c>) is null, as the original kept only
/// plain numbers; so is any part that is empty or not a number.
/// </summary>
public sealed record PerfMetric(
    string Label,
    double Value,
    string Uom,
    double? Warning = null,
    double? Critical = null,
    double? Min = null,
    double? Max = null);

/// <summary>
/// Metrics in the order their labels first appeared (a repeated label keeps that place and takes the last value,
/// as the original's dict did), and what was left out so a caller can report it.
/// </summary>
/// <param name="UnknownValues">Metrics whose value was <c>U</c> (the plugin could not measure it).</param>
/// <param name="MalformedParts">Parts that are not <c>label=number…</c>: no <c>=</c>, empty label, a value that is not
/// a finite number, a unit that holds digits or punctuation (<c>1,5</c> is not read as 1).</param>
public sealed record PerfDataParseResult(IReadOnlyList<PerfMetric> Metrics, int UnknownValues, int MalformedParts)
{
    public static readonly PerfDataParseResult Empty = new([], 0, 0);

    public int SkippedParts => UnknownValues + MalformedParts;
}

namespace Alignak.Streams.PerfData;

/// <summary>One value to store: a sanitised series name, the value, and the unit it was measured in.</summary>
/// <remarks>
/// The unit travels with every sample but is never part of a series name or tag (as in the original, so a plugin that
/// changes its unit does not start a new series). It must reach whatever parks samples while a database is down, since
/// StatsD picks timer, counter or gauge from it: the original's retention lost it (issue #349).
/// </remarks>
public sealed record MetricSample(string Name, double Value, string Uom);

/// <summary>The samples of one check result, and how many perfdata parts gave none.</summary>
public sealed record CheckSamples(IReadOnlyList<MetricSample> Samples, int SkippedParts);

/// <summary>What the original sent to the time-series databases for a check result.</summary>
public static class CheckMetrics
{
    public const string StateId = "alignak_state_id";
    public const string OverallStateId = "alignak_overall_state_id";

    public static CheckSamples Prepare(string? perfData, int? stateId = null, int? overallStateId = null) =>
        Prepare(PerfDataParser.Parse(perfData), stateId, overallStateId);

    /// <summary>
    /// Per metric, in perfdata order: <c>name</c>, then <c>name_warning</c>, <c>name_critical</c>, <c>name_min</c>,
    /// <c>name_max</c> when present, all with the metric's unit; then <c>alignak_state_id</c> and
    /// <c>alignak_overall_state_id</c> when given. Values stay doubles: the original once rounded them to int (#349).
    /// A label that sanitises to nothing (<c>'é'</c>) is skipped and counted: its series would be <c>host.service.</c>.
    /// </summary>
    public static CheckSamples Prepare(PerfDataParseResult parsed, int? stateId = null, int? overallStateId = null)
    {
        var samples = new List<MetricSample>(parsed.Metrics.Count * 3 + 2);
        var unnamed = 0;
        foreach (var metric in parsed.Metrics)
        {
            var name = MetricNames.For(metric.Label);
            if (name.Length == 0)
            {
                unnamed++;
                continue;
            }
            samples.Add(new MetricSample(name, metric.Value, metric.Uom));
            AddCompanion(samples, name, "_warning", metric.Warning, metric.Uom);
            AddCompanion(samples, name, "_critical", metric.Critical, metric.Uom);
            AddCompanion(samples, name, "_min", metric.Min, metric.Uom);
            AddCompanion(samples, name, "_max", metric.Max, metric.Uom);
        }

        if (stateId is { } state) samples.Add(new MetricSample(StateId, state, ""));
        // Overall state 5 is "not monitored": -1 keeps it apart from the 0..4 severities on a graph.
        if (overallStateId is { } overall) samples.Add(new MetricSample(OverallStateId, overall == 5 ? -1 : overall, ""));

        return new CheckSamples(samples, parsed.SkippedParts + unnamed);
    }

    private static void AddCompanion(List<MetricSample> samples, string name, string suffix, double? value, string uom)
    {
        if (value is { } v) samples.Add(new MetricSample(name + suffix, v, uom));
    }
}

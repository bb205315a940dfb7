using System.Diagnostics.Metrics;

namespace Alignak.Streams.TimeSeries;

/// <summary>Per-database counts of the pipeline's points (the totals are <see cref="TimeSeriesStatus"/>).</summary>
public static class TimeSeriesMetrics
{
    public const string MeterName = "Alignak.TimeSeries";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Points = Meter.CreateCounter<long>("alignak.timeseries.database.points", "{point}",
        "Points per time-series database by outcome: sent, parked, replayed, refused, dropped, lost");

    public static void Count(TimeSeriesTarget target, string outcome, long points)
    {
        if (points <= 0) return;
        Points.Add(points, new KeyValuePair<string, object?>("resource", target.Resource),
            new KeyValuePair<string, object?>("database", target.Name), new KeyValuePair<string, object?>("outcome", outcome));
    }
}

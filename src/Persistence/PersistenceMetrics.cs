using System.Diagnostics.Metrics;

namespace Alignak.Persistence;

/// <summary>Meters of the database layer (exported at /metrics with the backend's own).</summary>
public static class PersistenceMetrics
{
    public const string MeterName = "Alignak.Persistence";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Writes that shared one group commit, per store (journal, snapshots).</summary>
    public static readonly Histogram<int> GroupCommitSize = Meter.CreateHistogram<int>("alignak.group_commit.size", "{write}",
        "Writes committed together in one transaction", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] });

    public static readonly Histogram<double> GroupCommitDuration = Meter.CreateHistogram<double>("alignak.group_commit.duration", "s",
        "Time one group commit's transaction took");
}

using Alignak.Streams.PerfData;

namespace Alignak.Streams.TimeSeries;

/// <summary>
/// Whose metrics these are: the realm path from the root (<c>All.North</c>, names kept as they are, as the original's
/// <c>get_realms_prefix</c>), and the host and service names sanitised as metric names are. Service is empty for a
/// host's own check.
/// </summary>
public sealed record MetricSource(string RealmPath, string Host, string Service)
{
    public static MetricSource Create(IEnumerable<string> realmNamesFromRoot, string hostName, string? serviceName = null) =>
        new(string.Join('.', realmNamesFromRoot),
            MetricNames.Sanitize(hostName),
            serviceName is null ? "" : MetricNames.Sanitize(serviceName));
}

/// <summary>One sample of one source at one time (epoch seconds: the check result's <c>last_check</c>).</summary>
public sealed record MetricPoint(MetricSource Source, string Name, double Value, string Uom, long Timestamp)
{
    public static IEnumerable<MetricPoint> From(MetricSource source, IEnumerable<MetricSample> samples, long timestamp) =>
        samples.Select(s => new MetricPoint(source, s.Name, s.Value, s.Uom, timestamp));
}

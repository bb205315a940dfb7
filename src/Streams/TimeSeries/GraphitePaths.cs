using System.Text;

namespace Alignak.Streams.TimeSeries;

/// <summary>A value for carbon: dotted path, epoch seconds, value.</summary>
public readonly record struct CarbonDatapoint(string Path, long Timestamp, double Value);

/// <summary>Graphite paths as the original built them: <c>[prefix.][realm path.]host[.service].metric</c>.</summary>
public static class GraphitePaths
{
    /// <param name="prefix">The graphite item's <c>prefix</c>; dots at its ends are dropped so no level is empty.</param>
    /// <param name="realmsPrefix">The graphite item's <c>realms_prefix</c> (default true in the original).</param>
    public static string For(MetricSource source, string metric, string? prefix = null, bool realmsPrefix = true)
    {
        var sb = new StringBuilder();
        var trimmedPrefix = prefix?.Trim('.');
        if (!string.IsNullOrEmpty(trimmedPrefix)) sb.Append(trimmedPrefix).Append('.');
        if (realmsPrefix && source.RealmPath.Length > 0) sb.Append(source.RealmPath).Append('.');
        sb.Append(source.Host);
        if (source.Service.Length > 0) sb.Append('.').Append(source.Service);
        return sb.Append('.').Append(metric).ToString();
    }

    public static CarbonDatapoint ToCarbon(MetricPoint point, string? prefix = null, bool realmsPrefix = true) =>
        new(For(point.Source, point.Name, prefix, realmsPrefix), point.Timestamp, point.Value);
}

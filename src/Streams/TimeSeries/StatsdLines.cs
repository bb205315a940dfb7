using System.Globalization;

namespace Alignak.Streams.TimeSeries;

/// <summary>
/// StatsD lines as the original sent them through its statsd client, when a graphite or influxdb item is linked to a
/// statsd item. The key is always <c>[prefix.]realm.host[.service].metric</c> (the graphite item's prefix; none for
/// influxdb). The unit picks the type: <c>s</c>/<c>ms</c> a timer, <c>h</c> a counter increment (whole number), anything
/// else a gauge. A Nagios <c>c</c> counter stays a gauge: it is a running total, and <c>|c</c> would add it up again.
/// </summary>
public static class StatsdLines
{
    public const int DefaultPort = 8125;

    public static string Key(MetricPoint point, string? prefix = null)
    {
        var source = point.Source;
        IEnumerable<string> parts = [prefix ?? "", source.RealmPath, source.Host, source.Service, point.Name];
        return string.Join('.', parts.Where(p => p.Length > 0));
    }

    /// <summary>
    /// One line, or two for a negative gauge (<c>key:0|g</c> then <c>key:-5|g</c>, joined by <c>\n</c>, one datagram):
    /// StatsD reads a signed gauge as a change, so it is reset first, as the original's client did.
    /// </summary>
    /// <param name="secondsAsMilliseconds">
    /// StatsD timers are milliseconds; the original sent a value in seconds unscaled (0.5 s became 0.5 ms). Off by
    /// default so existing timer series keep their scale; on multiplies <c>s</c> values by 1000.
    /// </param>
    public static string Format(MetricPoint point, string? prefix = null, bool secondsAsMilliseconds = false)
    {
        var key = Key(point, prefix);
        switch (point.Uom)
        {
            case "s" or "ms":
                var ms = point.Uom == "s" && secondsAsMilliseconds ? point.Value * 1000 : point.Value;
                return $"{key}:{ms.ToString("F6", CultureInfo.InvariantCulture)}|ms";
            case "h":
                var count = (long)Math.Truncate(point.Value);
                return $"{key}:{count.ToString(CultureInfo.InvariantCulture)}|c";
            default:
                var gauge = $"{key}:{Numbers.Format(point.Value)}|g";
                return point.Value < 0 ? $"{key}:0|g\n{gauge}" : gauge;
        }
    }
}

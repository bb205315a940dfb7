using System.Globalization;
using System.Text;

namespace Alignak.Streams.TimeSeries;

/// <summary>Timestamp precision of a 1.x <c>/write</c> request (its <c>precision</c> query parameter).</summary>
public enum InfluxPrecision { Nanoseconds, Microseconds, Milliseconds, Seconds }

/// <summary>
/// InfluxDB 1.x line protocol, one line per point in the original's shape: measurement = metric name, tags
/// <c>host</c>, <c>realm</c>, <c>service</c>, one float field <c>value</c>.
/// </summary>
public static class InfluxLineProtocol
{
    public const int DefaultPort = 8086;

    /// <summary>The <c>precision</c> query value matching the timestamps written.</summary>
    public static string QueryValue(this InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Seconds => "s",
        InfluxPrecision.Milliseconds => "ms",
        InfluxPrecision.Microseconds => "u",
        _ => "ns",
    };

    /// <summary>
    /// <c>rta,host=srv001,realm=All.North,service=ping value=0.042 1700000000000000000</c> (no trailing newline).
    /// Tags are sorted by key, as InfluxDB prefers. An empty tag is left out (1.x refuses <c>service=</c>), so a
    /// host's own metrics have no <c>service</c> tag, as the original's client wrote them. The realm tag is the realm
    /// path; the original joined the characters of that path with dots (<c>A.l.l</c>), which is not kept.
    /// </summary>
    public static string Format(MetricPoint point, InfluxPrecision precision = InfluxPrecision.Nanoseconds)
    {
        var sb = new StringBuilder(64);
        AppendEscaped(sb, point.Name, measurement: true);
        AppendTag(sb, "host", point.Source.Host);
        AppendTag(sb, "realm", point.Source.RealmPath);
        AppendTag(sb, "service", point.Source.Service);
        // A number without the 'i' suffix is a float field, the type the original wrote.
        sb.Append(" value=").Append(Numbers.Format(point.Value));
        sb.Append(' ').Append(Timestamp(point.Timestamp, precision).ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static long Timestamp(long epochSeconds, InfluxPrecision precision) => precision switch
    {
        InfluxPrecision.Seconds => epochSeconds,
        InfluxPrecision.Milliseconds => epochSeconds * 1_000,
        InfluxPrecision.Microseconds => epochSeconds * 1_000_000,
        _ => epochSeconds * 1_000_000_000,
    };

    private static void AppendTag(StringBuilder sb, string key, string value)
    {
        if (value.Length == 0) return;
        sb.Append(',').Append(key).Append('=');
        AppendEscaped(sb, value, measurement: false);
    }

    /// <summary>
    /// Measurements escape commas and spaces; tag keys and values also escape <c>=</c>. A line break cannot be
    /// escaped in 1.x and would end the line, so it is written as an escaped space.
    /// </summary>
    private static void AppendEscaped(StringBuilder sb, string text, bool measurement)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case ',' or ' ':
                    sb.Append('\\').Append(c);
                    break;
                case '=' when !measurement:
                    sb.Append("\\=");
                    break;
                case '\n' or '\r':
                    sb.Append("\\ ");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }
}

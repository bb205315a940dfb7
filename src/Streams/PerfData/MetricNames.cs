using System.Text;

namespace Alignak.Streams.PerfData;

/// <summary>
/// Series names as the original backend wrote them (<c>Timeseries.prepare_data</c> / <c>sanitize_name</c>), so the
/// Graphite trees, InfluxDB measurements and Grafana panels users already have keep being fed.
/// </summary>
public static class MetricNames
{
    /// <summary>The metric name of a perfdata label: timestamp suffix dropped, then sanitised.</summary>
    public static string For(string label) => Sanitize(WithoutTimestampSuffix(label));

    /// <summary>
    /// Drops a trailing <c>.</c> and exactly ten digits (<c>em0_out_octet.1475670730</c>): some plugins stamp their labels
    /// with an epoch, which would make a new series at every check.
    /// </summary>
    public static string WithoutTimestampSuffix(string label)
    {
        const int suffix = 11;
        if (label.Length < suffix || label[^suffix] != '.') return label;
        foreach (var c in label.AsSpan(label.Length - 10))
            if (!char.IsAsciiDigit(c)) return label;
        return label[..^suffix];
    }

    /// <summary>
    /// Trim; a leading <c>/</c> becomes <c>_</c>; <c>+</c> → <c>_</c>; <c>/</c> → <c>-</c>; space → <c>_</c>;
    /// <c>%</c> → <c>_pct</c>; then everything but ASCII letters, digits, <c>_ - . $</c> is removed.
    /// Used for metric, host and service names; <c>.</c> survives, so it still makes Graphite levels.
    /// </summary>
    public static string Sanitize(string name)
    {
        var trimmed = name.AsSpan().Trim();
        var sb = new StringBuilder(trimmed.Length + 8);
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            switch (c)
            {
                case '/' when i == 0:
                case '+':
                case ' ':
                    sb.Append('_');
                    break;
                case '/':
                    sb.Append('-');
                    break;
                case '%':
                    sb.Append("_pct");
                    break;
                default:
                    if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '$') sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}

using System.Globalization;
using Alignak.Streams.TimeSeries;

namespace Alignak.Tests.Streams;

/// <summary>
/// Carbon's line protocol (port 2003): <c>path value timestamp\n</c>. The backend writes pickles only (as the
/// original did); this is kept with the tests that pin what a plaintext line of a datapoint would be.
/// </summary>
public static class CarbonPlaintext
{
    public const int DefaultPort = 2003;

    /// <summary>
    /// Carbon splits the line on whitespace, so any in the path (a realm named <c>realm A</c>: realm names are not
    /// sanitised) becomes <c>_</c>; the pickle protocol keeps such paths as they are.
    /// </summary>
    public static string Format(CarbonDatapoint datapoint)
    {
        var path = datapoint.Path.Any(char.IsWhiteSpace)
            ? string.Concat(datapoint.Path.Select(c => char.IsWhiteSpace(c) ? '_' : c))
            : datapoint.Path;
        return $"{path} {Numbers.Format(datapoint.Value)} {datapoint.Timestamp.ToString(CultureInfo.InvariantCulture)}\n";
    }
}

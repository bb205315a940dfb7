using System.Globalization;

namespace Alignak.Streams.TimeSeries;

internal static class Numbers
{
    /// <summary>Shortest text that reads back to the same double, culture-free: 0.042, 3, 1E+20.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

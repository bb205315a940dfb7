using System.Globalization;

namespace Alignak.Actors.Documents;

/// <summary>Eve's date format: RFC 1123 in GMT at one-second precision.</summary>
public static class Rfc1123
{
    private const string Pattern = "ddd, dd MMM yyyy HH:mm:ss 'GMT'";

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString(Pattern, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, Pattern, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Now, truncated to the second as stored dates are.</summary>
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}

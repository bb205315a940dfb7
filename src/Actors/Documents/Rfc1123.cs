using System.Globalization;

namespace Alignak.Actors.Documents;

/// <summary>Eve's date format: RFC 1123 in GMT at one-second precision.</summary>
public static class Rfc1123
{
    private const string Pattern = "ddd, dd MMM yyyy HH:mm:ss 'GMT'";

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>UTC ticks (as queries hold dates) in the same format.</summary>
    public static string Format(long utcTicks) => Format(new DateTimeOffset(utcTicks, TimeSpan.Zero));

    /// <summary>
    /// The exact format only (two-digit fields, single spaces, the weekday checked), as headers and stored
    /// dates are written; queries read dates with <see cref="TryParseLoose"/>.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, Pattern, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Now, truncated to the second as stored dates are.</summary>
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    private static readonly string[] Weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>
    /// How queries read dates (where values, the stored dates they compare): what Python's
    /// <c>strptime(s, "%a, %d %b %Y %H:%M:%S GMT")</c> accepts: names case-insensitive, day and time fields
    /// of one or two digits, runs of whitespace where the format has a space, the weekday not checked.
    /// </summary>
    public static bool TryParseLoose(ReadOnlySpan<char> s, out long ticks)
    {
        ticks = 0;
        var p = 0;
        if (!Name(s, ref p, Weekdays, out _) || !Literal(s, ref p, ',') || !Spaces(s, ref p)
            || !Digits(s, ref p, 1, 2, out var day) || !Spaces(s, ref p)
            || !Name(s, ref p, Months, out var month) || !Spaces(s, ref p)
            || !Digits(s, ref p, 4, 4, out var year) || !Spaces(s, ref p)
            || !Digits(s, ref p, 1, 2, out var hour) || !Literal(s, ref p, ':')
            || !Digits(s, ref p, 1, 2, out var minute) || !Literal(s, ref p, ':')
            || !Digits(s, ref p, 1, 2, out var second) || !Spaces(s, ref p))
        {
            return false;
        }

        if (s.Length - p != 3 || !s.Slice(p, 3).Equals("GMT", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        month++;
        if (year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks;
        return true;

        static bool Name(ReadOnlySpan<char> s, ref int p, string[] names, out int index)
        {
            index = -1;
            if (s.Length - p < 3)
            {
                return false;
            }

            var word = s.Slice(p, 3);
            for (var i = 0; i < names.Length; i++)
            {
                if (word.Equals(names[i], StringComparison.OrdinalIgnoreCase))
                {
                    index = i;
                    p += 3;
                    return true;
                }
            }

            return false;
        }

        static bool Literal(ReadOnlySpan<char> s, ref int p, char c)
        {
            if (p < s.Length && s[p] == c)
            {
                p++;
                return true;
            }

            return false;
        }

        static bool Spaces(ReadOnlySpan<char> s, ref int p)
        {
            var start = p;
            while (p < s.Length && char.IsWhiteSpace(s[p]))
            {
                p++;
            }

            return p > start;
        }

        static bool Digits(ReadOnlySpan<char> s, ref int p, int min, int max, out int value)
        {
            value = 0;
            var n = 0;
            while (n < max && p < s.Length && char.IsAsciiDigit(s[p]))
            {
                value = value * 10 + (s[p] - '0');
                p++;
                n++;
            }

            return n >= min;
        }
    }
}

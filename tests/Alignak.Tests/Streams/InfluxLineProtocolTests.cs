using Alignak.Streams.TimeSeries;

namespace Alignak.Tests.Streams;

public sealed class InfluxLineProtocolTests
{
    private const long Now = 1_700_000_000;

    private static MetricPoint Point(MetricSource source, string name, double value, string uom = "") =>
        new(source, name, value, uom, Now);

    [Fact]
    public void Service_metric_is_measurement_with_host_realm_service_tags_and_a_float_value()
    {
        var source = MetricSource.Create(["All", "North"], "srv001", "ping");

        Assert.Equal(
            "rta,host=srv001,realm=All.North,service=ping value=0.042 1700000000000000000",
            InfluxLineProtocol.Format(Point(source, "rta", 0.042, "ms")));
    }

    [Fact]
    public void Host_metric_has_no_empty_service_tag() =>
        Assert.Equal(
            "alignak_state_id,host=srv001,realm=All value=0 1700000000000000000",
            InfluxLineProtocol.Format(Point(MetricSource.Create(["All"], "srv001"), "alignak_state_id", 0)));

    [Theory]
    [InlineData(InfluxPrecision.Seconds, "1700000000", "s")]
    [InlineData(InfluxPrecision.Milliseconds, "1700000000000", "ms")]
    [InlineData(InfluxPrecision.Microseconds, "1700000000000000", "u")]
    [InlineData(InfluxPrecision.Nanoseconds, "1700000000000000000", "ns")]
    public void Timestamp_follows_the_precision_of_the_write(InfluxPrecision precision, string timestamp, string query)
    {
        var line = InfluxLineProtocol.Format(Point(MetricSource.Create(["All"], "h"), "m", 1), precision);

        Assert.EndsWith(" " + timestamp, line);
        Assert.Equal(query, precision.QueryValue());
    }

    [Fact]
    public void Realm_names_with_spaces_commas_and_equals_are_escaped()
    {
        var source = new MetricSource("All.realm A,B=C", "srv", "svc");

        Assert.Equal(
            @"m,host=srv,realm=All.realm\ A\,B\=C,service=svc value=1 1700000000",
            InfluxLineProtocol.Format(Point(source, "m", 1), InfluxPrecision.Seconds));
    }

    [Fact]
    public void Measurement_escapes_commas_and_spaces_but_not_equals()
    {
        var source = new MetricSource("All", "h", "");

        Assert.Equal(@"a\,b\ c=d,host=h,realm=All value=1 1700000000", InfluxLineProtocol.Format(Point(source, "a,b c=d", 1), InfluxPrecision.Seconds));
    }

    [Fact]
    public void A_line_break_in_a_realm_name_never_ends_the_line()
    {
        var line = InfluxLineProtocol.Format(Point(new MetricSource("All.bad\nname", "h", ""), "m", 1), InfluxPrecision.Seconds);

        Assert.DoesNotContain('\n', line);
        Assert.Equal(@"m,host=h,realm=All.bad\ name value=1 1700000000", line);
    }

    [Theory]
    [InlineData(3, "3")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(86608341539, "86608341539")]
    [InlineData(1e20, "1E+20")]
    public void Values_are_culture_free_round_trip_numbers(double value, string text) =>
        Assert.Contains($" value={text} ", InfluxLineProtocol.Format(Point(new MetricSource("All", "h", ""), "m", value)));
}

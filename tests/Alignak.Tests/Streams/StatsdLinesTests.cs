using Alignak.Streams.TimeSeries;

namespace Alignak.Tests.Streams;

public sealed class StatsdLinesTests
{
    private static readonly MetricSource Http = MetricSource.Create(["All", "North"], "srv001", "http");

    private static MetricPoint Point(string name, double value, string uom, MetricSource? source = null) =>
        new(source ?? Http, name, value, uom, 1_700_000_000);

    [Fact]
    public void Key_is_realm_host_service_metric_behind_the_prefix()
    {
        Assert.Equal("All.North.srv001.http.size", StatsdLines.Key(Point("size", 1, "B")));
        Assert.Equal("graphite1.All.North.srv001.http.size", StatsdLines.Key(Point("size", 1, "B"), "graphite1"));
        Assert.Equal("All.srv001.rta", StatsdLines.Key(Point("rta", 1, "ms", MetricSource.Create(["All"], "srv001"))));
    }

    [Fact]
    public void Milliseconds_are_timers()
    {
        Assert.Equal("All.North.srv001.http.rta:0.042000|ms", StatsdLines.Format(Point("rta", 0.042, "ms")));
    }

    [Fact]
    public void Seconds_are_timers_sent_unscaled_as_the_original_unless_asked()
    {
        Assert.Equal("All.North.srv001.http.time:0.001000|ms", StatsdLines.Format(Point("time", 0.001, "s")));
        Assert.Equal("All.North.srv001.http.time:1.000000|ms", StatsdLines.Format(Point("time", 0.001, "s"), secondsAsMilliseconds: true));
        Assert.Equal("All.North.srv001.http.rta:42.000000|ms", StatsdLines.Format(Point("rta", 42, "ms"), secondsAsMilliseconds: true));
    }

    [Fact]
    public void Unit_h_is_a_whole_counter_increment() =>
        Assert.Equal("All.North.srv001.http.uptime:352|c", StatsdLines.Format(Point("uptime", 352.9, "h")));

    [Theory]
    [InlineData("", 25, "25")]
    [InlineData("%", 0, "0")]
    [InlineData("B", 345, "345")]
    [InlineData("c", 5437, "5437")]
    [InlineData("MB", 12.5, "12.5")]
    public void Everything_else_is_a_gauge(string uom, double value, string text) =>
        Assert.Equal($"All.North.srv001.http.m:{text}|g", StatsdLines.Format(Point("m", value, uom)));

    [Fact]
    public void Negative_gauge_is_reset_to_zero_first_so_it_is_not_read_as_a_decrement() =>
        Assert.Equal(
            "All.North.srv001.http.temp:0|g\nAll.North.srv001.http.temp:-12.5|g",
            StatsdLines.Format(Point("temp", -12.5, "C")));
}

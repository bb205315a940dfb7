using Alignak.Streams.PerfData;

namespace Alignak.Tests.Streams;

/// <summary>Series names and samples as the original's <c>Timeseries.prepare_data</c> made them (its test cases).</summary>
public sealed class CheckMetricsTests
{
    private static MetricSample S(string name, double value, string uom = "") => new(name, value, uom);

    [Theory]
    [InlineData("/tmp", "_tmp")]
    [InlineData("/", "_")]
    [InlineData("/var/log", "_var-log")]
    [InlineData("C:", "C")]
    [InlineData("C:%", "C_pct")]
    [InlineData("C:_pct", "C_pct")]
    [InlineData(@"C:\ Used Space", "C_Used_Space")]
    [InlineData("a+b", "a_b")]
    [InlineData("  padded name  ", "padded_name")]
    [InlineData("disk.sda1", "disk.sda1")]
    [InlineData("$USER1$", "$USER1$")]
    [InlineData("it's", "its")]
    [InlineData("température", "temprature")]
    [InlineData("é", "")]
    public void Names_are_sanitised_as_the_original(string label, string expected) =>
        Assert.Equal(expected, MetricNames.Sanitize(label));

    [Theory]
    [InlineData("em0_out_octet.1475670730", "em0_out_octet")]
    [InlineData("x.123456789", "x.123456789")]
    [InlineData("x.12345678901", "x.12345678901")]
    [InlineData("x_1475670730", "x_1475670730")]
    [InlineData(".1475670730", "")]
    public void Ten_digit_timestamp_suffix_is_dropped(string label, string expected) =>
        Assert.Equal(expected, MetricNames.WithoutTimestampSuffix(label));

    [Fact]
    public void Nginx_example_gives_values_thresholds_and_state_ids()
    {
        var prepared = CheckMetrics.Prepare(
            "Writing=3;;;; Reading=0;;;; Waiting=22;;;; Active=25;1000;2000;; ReqPerSec=58.000000;100;200;; " +
            "ConnPerSec=1.200000;200;300;; ReqPerConn=4.465602;;;; rta=0.083000ms;10.000000;15.000000;0.000000",
            stateId: 0, overallStateId: 0);

        Assert.Equal(
            [
                S("Writing", 3), S("Reading", 0), S("Waiting", 22),
                S("Active", 25), S("Active_warning", 1000), S("Active_critical", 2000),
                S("ReqPerSec", 58), S("ReqPerSec_warning", 100), S("ReqPerSec_critical", 200),
                S("ConnPerSec", 1.2), S("ConnPerSec_warning", 200), S("ConnPerSec_critical", 300),
                S("ReqPerConn", 4.465602),
                S("rta", 0.083, "ms"), S("rta_warning", 10, "ms"), S("rta_critical", 15, "ms"), S("rta_min", 0, "ms"),
                S("alignak_state_id", 0), S("alignak_overall_state_id", 0),
            ],
            prepared.Samples);
        Assert.Equal(0, prepared.SkippedParts);
    }

    [Fact]
    public void Check_disk_mount_points_become_underscored_names_with_bounds()
    {
        Assert.Equal(
            [S("_tmp", 4660, "MB"), S("_tmp_warning", 5904, "MB"), S("_tmp_critical", 6642, "MB"), S("_tmp_min", 0, "MB"), S("_tmp_max", 7381, "MB")],
            CheckMetrics.Prepare(" /tmp=4660MB;5904;6642;0;7381").Samples);
        Assert.Equal(
            [S("_", 1403, "MB"), S("__warning", 6653, "MB"), S("__critical", 7485, "MB"), S("__min", 0, "MB"), S("__max", 8317, "MB")],
            CheckMetrics.Prepare(" /=1403MB;6653;7485;0;8317").Samples);
    }

    [Fact]
    public void Windows_drive_labels_give_C_and_C_pct_even_twice()
    {
        var prepared = CheckMetrics.Prepare("'C:'=13.19606GB;29.99853;33.99833;0;39.99804 'C:%'=33%;75;85;0;100 'C:_pct'=33%;75;85;0;100");

        // Two labels that sanitise alike both go out, as in the original's test.
        Assert.Equal(
            ["C", "C_warning", "C_critical", "C_min", "C_max",
             "C_pct", "C_pct_warning", "C_pct_critical", "C_pct_min", "C_pct_max",
             "C_pct", "C_pct_warning", "C_pct_critical", "C_pct_min", "C_pct_max"],
            prepared.Samples.Select(s => s.Name));
        Assert.Equal(S("C", 13.19606, "GB"), prepared.Samples[0]);
        Assert.Equal(S("C_pct_max", 100, "%"), prepared.Samples[9]);
    }

    [Fact]
    public void Counters_keep_their_c_unit()
    {
        Assert.Equal(
            [S("MaintenanceOff", 197, "c"), S("MaintenanceOn", 1083, "c")],
            CheckMetrics.Prepare("'MaintenanceOff'=197c 'MaintenanceOn'=1083c").Samples);
    }

    [Fact]
    public void Text_values_are_skipped_and_timestamped_labels_lose_their_stamp()
    {
        var prepared = CheckMetrics.Prepare("cache_descr_names=em0 cache_descr_time=1475663830 em0_out_octet.1475670730'=86608341539");

        Assert.Equal([S("cache_descr_time", 1475663830), S("em0_out_octet", 86608341539)], prepared.Samples);
        Assert.Equal(1, prepared.SkippedParts);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 2)]
    [InlineData(4, 4)]
    [InlineData(5, -1)]
    public void Overall_state_5_is_sent_as_minus_1(int overall, double sent)
    {
        var prepared = CheckMetrics.Prepare("", stateId: 1, overallStateId: overall);

        Assert.Equal([S("alignak_state_id", 1), S("alignak_overall_state_id", sent)], prepared.Samples);
    }

    [Fact]
    public void Absent_states_add_no_samples() =>
        Assert.Equal([S("a", 1)], CheckMetrics.Prepare("a=1").Samples);

    [Fact]
    public void Label_that_sanitises_to_nothing_is_skipped_with_its_thresholds_and_counted()
    {
        var prepared = CheckMetrics.Prepare("'é'=1;2;3 ok=4 bad=x z=U");

        Assert.Equal([S("ok", 4)], prepared.Samples);
        Assert.Equal(3, prepared.SkippedParts);
    }
}

using Alignak.Streams.PerfData;

namespace Alignak.Tests.Streams;

public sealed class PerfDataParserTests
{
    private static PerfMetric Single(string perfData)
    {
        var result = PerfDataParser.Parse(perfData);
        Assert.Equal(0, result.SkippedParts);
        return Assert.Single(result.Metrics);
    }

    [Fact]
    public void Check_ping_gives_rta_and_packet_loss_with_thresholds()
    {
        var result = PerfDataParser.Parse("rta=0.042ms;100.000;500.000;0; pl=0%;20;60;;");

        Assert.Equal(0, result.SkippedParts);
        Assert.Equal(
            [new PerfMetric("rta", 0.042, "ms", 100, 500, 0, null), new PerfMetric("pl", 0, "%", 20, 60, 0, 100)],
            result.Metrics);
    }

    [Fact]
    public void Check_http_gives_time_in_seconds_and_size_in_bytes()
    {
        var result = PerfDataParser.Parse("time=0.001s;;;0.000 size=345B;;;0");

        Assert.Equal(
            [new PerfMetric("time", 0.001, "s", null, null, 0, null), new PerfMetric("size", 345, "B", null, null, 0, null)],
            result.Metrics);
    }

    [Fact]
    public void Check_disk_labels_are_mount_points()
    {
        var result = PerfDataParser.Parse(" /=2643MB;5948;6691;0;7435 /boot=68MB;88;98;0;98 /tmp=4660MB;5904;6642;0;7381");

        Assert.Equal(0, result.SkippedParts);
        Assert.Equal(
            [
                new PerfMetric("/", 2643, "MB", 5948, 6691, 0, 7435),
                new PerfMetric("/boot", 68, "MB", 88, 98, 0, 98),
                new PerfMetric("/tmp", 4660, "MB", 5904, 6642, 0, 7381),
            ],
            result.Metrics);
    }

    [Fact]
    public void Check_load_gives_three_averages()
    {
        var result = PerfDataParser.Parse("load1=0.150;15.000;30.000;0; load5=0.080;10.000;25.000;0; load15=0.050;5.000;20.000;0;");

        Assert.Equal(["load1", "load5", "load15"], result.Metrics.Select(m => m.Label));
        Assert.Equal(new PerfMetric("load15", 0.05, "", 5, 20, 0, null), result.Metrics[2]);
    }

    [Fact]
    public void Nsclient_quoted_labels_keep_backslash_and_spaces()
    {
        var result = PerfDataParser.Parse(@"'C:\ Used Space'=12.3Gb;35.9;40.4;0;44.9 'C:\ used %'=27%;80;90;0;100");

        Assert.Equal(
            [
                new PerfMetric(@"C:\ Used Space", 12.3, "Gb", 35.9, 40.4, 0, 44.9),
                new PerfMetric(@"C:\ used %", 27, "%", 80, 90, 0, 100),
            ],
            result.Metrics);
    }

    [Fact]
    public void Check_mysql_counters_and_gauges()
    {
        var result = PerfDataParser.Parse(
            "Connections=5437c;;; Open_files=22;;; Open_tables=64;;; Qcache_free_memory=16759992;;; " +
            "Qcache_hits=0c;;; Qcache_inserts=0c;;; Qcache_lowmem_prunes=0c;;; Qcache_not_cached=154c;;; " +
            "Qcache_queries_in_cache=0;;; Queries=36751c;;; Questions=36712c;;; Table_locks_waited=0c;;; " +
            "Threads_connected=1;;; Threads_running=1;;; Uptime=80462c;;;");

        Assert.Equal(0, result.SkippedParts);
        Assert.Equal(15, result.Metrics.Count);
        Assert.Equal(new PerfMetric("Connections", 5437, "c"), result.Metrics[0]);
        Assert.Equal(new PerfMetric("Qcache_free_memory", 16759992, ""), result.Metrics[3]);
    }

    [Theory]
    // check_http under a locale with a decimal comma: that time is not read as 0 or 12.
    [InlineData("time=0,012345s;;;0,000000 size=345B;;;0", new[] { "size" }, 1)]
    // check_disk cut by the 4 KiB plugin-output limit in the middle of a part.
    [InlineData("/=2643MB;5948;6691;0;7435 /boot=68MB;88;98;0;98 /var=", new[] { "/", "/boot" }, 1)]
    // check_ping with no reply at all: the round-trip time is unknown.
    [InlineData("rta=U;100.000;500.000;0; pl=100%;20;60;0;100", new[] { "pl" }, 1)]
    // check_load on a system that printed nan for one average.
    [InlineData("load1=0.150;15.000;30.000;0; load5=nan;10.000;25.000;0; load15=0.050;5.000;20.000;0;", new[] { "load1", "load15" }, 1)]
    // check_mysql with a status value the server could not give, and words glued after it.
    [InlineData("Connections=5437c;;; Threads_running=;;; Uptime=80462c;;; (no more data)", new[] { "Connections", "Uptime" }, 2)]
    public void Real_plugins_malformed_outputs_keep_the_good_metrics_and_count_the_rest(string perfData, string[] labels, int skipped)
    {
        var result = PerfDataParser.Parse(perfData);

        Assert.Equal(labels, result.Metrics.Select(m => m.Label));
        Assert.Equal(skipped, result.SkippedParts);
    }

    [Fact]
    public void Original_nginx_example_reads_every_metric()
    {
        var result = PerfDataParser.Parse(
            "Writing=3;;;; Reading=0;;;; Waiting=22;;;; Active=25;1000;2000;; ReqPerSec=58.000000;100;200;; " +
            "ConnPerSec=1.200000;200;300;; ReqPerConn=4.465602;;;; rta=0.083000ms;10.000000;15.000000;0.000000");

        Assert.Equal(0, result.SkippedParts);
        Assert.Equal(
            [
                new PerfMetric("Writing", 3, ""),
                new PerfMetric("Reading", 0, ""),
                new PerfMetric("Waiting", 22, ""),
                new PerfMetric("Active", 25, "", 1000, 2000),
                new PerfMetric("ReqPerSec", 58, "", 100, 200),
                new PerfMetric("ConnPerSec", 1.2, "", 200, 300),
                new PerfMetric("ReqPerConn", 4.465602, ""),
                new PerfMetric("rta", 0.083, "ms", 10, 15, 0),
            ],
            result.Metrics);
    }

    [Fact]
    public void Equals_sign_inside_a_quoted_label_is_part_of_the_label() =>
        Assert.Equal(new PerfMetric("a=b c", 1, "s"), Single("'a=b c'=1s"));

    [Fact]
    public void Doubled_quote_inside_a_quoted_label_is_one_quote() =>
        Assert.Equal(new PerfMetric("it's up", 3, ""), Single("'it''s up'=3"));

    [Theory]
    [InlineData("v=1.5e3", 1500)]
    [InlineData("v=2E2", 200)]
    [InlineData("v=-2.5E-3", -0.0025)]
    [InlineData("v=+4", 4)]
    [InlineData("v=.5", 0.5)]
    [InlineData("v=5.", 5)]
    [InlineData("v=-12", -12)]
    [InlineData("v=86608341539", 86608341539)]
    public void Numbers_in_every_notation_plugins_print(string perfData, double expected) =>
        Assert.Equal(expected, Single(perfData).Value);

    [Fact]
    public void Negative_values_and_thresholds()
    {
        Assert.Equal(new PerfMetric("temp", -12.5, "C", -5, -10, -40, 60), Single("temp=-12.5C;-5;-10;-40;60"));
    }

    [Fact]
    public void Ranges_in_thresholds_become_null_but_the_metric_is_kept()
    {
        var result = PerfDataParser.Parse("x=5;10:20;@30:40;0;100 y=1;~:5;10: z=2;@0;5:");

        Assert.Equal(0, result.SkippedParts);
        Assert.Equal(
            [
                new PerfMetric("x", 5, "", null, null, 0, 100),
                new PerfMetric("y", 1, ""),
                new PerfMetric("z", 2, ""),
            ],
            result.Metrics);
    }

    [Fact]
    public void Percent_forces_min_0_and_max_100()
    {
        Assert.Equal(new PerfMetric("pl", 10, "%", 20, 60, 0, 100), Single("pl=10%;20;60;5;50"));
        Assert.Equal(new PerfMetric("cpu", 3, "%", null, null, 0, 100), Single("cpu=3%"));
    }

    [Fact]
    public void Unknown_value_is_skipped_and_counted_apart()
    {
        var result = PerfDataParser.Parse("a=U;;;; b=2 c=U");

        Assert.Equal([new PerfMetric("b", 2, "")], result.Metrics);
        Assert.Equal(2, result.UnknownValues);
        Assert.Equal(0, result.MalformedParts);
        Assert.Equal(2, result.SkippedParts);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\n ")]
    public void Nothing_gives_no_metrics_and_nothing_skipped(string? perfData)
    {
        var result = PerfDataParser.Parse(perfData);

        Assert.Empty(result.Metrics);
        Assert.Equal(0, result.SkippedParts);
    }

    [Theory]
    [InlineData("not perfdata at all", 1)]
    [InlineData("a=abc", 1)]
    [InlineData("a=", 1)]
    [InlineData("=5", 1)]
    [InlineData("''=5", 1)]
    [InlineData("a=1,5", 1)]
    [InlineData("a=1.2.3", 1)]
    [InlineData("a=10-20", 1)]
    [InlineData("a=inf", 1)]
    [InlineData("a=NaN", 1)]
    [InlineData("a=1e400", 1)]
    [InlineData("'a b'c=1", 1)]
    [InlineData("a=;1;2", 1)]
    [InlineData("a=abc b=x c=-", 3)]
    public void Malformed_parts_give_no_metric_and_are_counted(string perfData, int malformed)
    {
        var result = PerfDataParser.Parse(perfData);

        Assert.Empty(result.Metrics);
        Assert.Equal(malformed, result.MalformedParts);
        Assert.Equal(0, result.UnknownValues);
    }

    [Fact]
    public void Good_metrics_around_garbage_are_kept()
    {
        var result = PerfDataParser.Parse("a=abc b=1 c=1,5 d=2ms trailing words");

        Assert.Equal([new PerfMetric("b", 1, ""), new PerfMetric("d", 2, "ms")], result.Metrics);
        Assert.Equal(3, result.MalformedParts);
    }

    [Fact]
    public void Words_before_a_quoted_label_are_counted_and_the_label_is_kept()
    {
        var result = PerfDataParser.Parse("junk here 'x y'=1");

        Assert.Equal([new PerfMetric("x y", 1, "")], result.Metrics);
        Assert.Equal(1, result.MalformedParts);
    }

    [Fact]
    public void Duplicate_label_keeps_its_first_place_and_the_last_value()
    {
        var result = PerfDataParser.Parse("a=1 b=2 a=3;4");

        Assert.Equal([new PerfMetric("a", 3, "", 4), new PerfMetric("b", 2, "")], result.Metrics);
        Assert.Equal(0, result.SkippedParts);
    }

    [Fact]
    public void Unquoted_label_with_spaces_keeps_them_as_the_original_did() =>
        Assert.Equal(new PerfMetric(@"C:\ Used Space", 12.3, "Gb"), Single(@"C:\ Used Space=12.3Gb"));

    [Fact]
    public void Stray_quote_in_an_unquoted_label_is_dropped() =>
        Assert.Equal(new PerfMetric("em0_out_octet.1475670730", 86608341539, ""), Single("em0_out_octet.1475670730'=86608341539"));

    [Fact]
    public void Unterminated_quote_does_not_swallow_the_following_metrics()
    {
        var result = PerfDataParser.Parse("'abc=5 d=6");

        Assert.Equal([new PerfMetric("abc", 5, ""), new PerfMetric("d", 6, "")], result.Metrics);
    }

    [Theory]
    [InlineData("temp=21.5°C;30;40", "°C")]
    [InlineData("io=12KB/s", "KB/s")]
    [InlineData("t=3em", "em")]
    [InlineData("t=5µs", "µs")]
    public void Units_are_free_text_without_digits(string perfData, string uom) =>
        Assert.Equal(uom, Single(perfData).Uom);

    [Fact]
    public void Units_do_not_stop_thresholds_from_being_read() =>
        Assert.Equal(new PerfMetric("temp", 21.5, "°C", 30, 40), Single("temp=21.5°C;30;40"));

    [Fact]
    public void Parts_past_max_are_ignored() =>
        Assert.Equal(new PerfMetric("a", 1, "", 2, 3, 4, 5), Single("a=1;2;3;4;5;6;7"));

    [Fact]
    public void Garbage_thresholds_are_null_and_the_value_is_kept() =>
        Assert.Equal(new PerfMetric("a", 1, "", null, 3, null, 9), Single("a=1;x;3;;9"));

    [Fact]
    public void Metrics_may_be_separated_by_tabs_and_newlines()
    {
        var result = PerfDataParser.Parse("a=1\tb=2\nc=3\r\n");

        Assert.Equal(["a", "b", "c"], result.Metrics.Select(m => m.Label));
    }
}

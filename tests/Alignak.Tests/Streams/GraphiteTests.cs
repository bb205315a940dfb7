using System.Buffers.Binary;
using System.Globalization;
using Alignak.Streams.PerfData;
using Alignak.Streams.TimeSeries;

namespace Alignak.Tests.Streams;

public sealed class GraphiteTests
{
    private static readonly MetricSource PingOnNorth = MetricSource.Create(["All", "North"], "srv001", "ping");
    private const long Now = 1_700_000_000;

    [Fact]
    public void Path_is_realm_path_host_service_metric()
    {
        Assert.Equal("All.North.srv001.ping.rta", GraphitePaths.For(PingOnNorth, "rta"));
        Assert.Equal("All.srv001.rta", GraphitePaths.For(MetricSource.Create(["All"], "srv001"), "rta"));
    }

    [Fact]
    public void Prefix_comes_first_and_realms_can_be_left_out()
    {
        Assert.Equal("graphite1.All.North.srv001.ping.rta", GraphitePaths.For(PingOnNorth, "rta", "graphite1"));
        Assert.Equal("graphite1.srv001.ping.rta", GraphitePaths.For(PingOnNorth, "rta", "graphite1", realmsPrefix: false));
        Assert.Equal("srv001.ping.rta", GraphitePaths.For(PingOnNorth, "rta", "", realmsPrefix: false));
        Assert.Equal("monitoring.All.North.srv001.ping.rta", GraphitePaths.For(PingOnNorth, "rta", "monitoring."));
    }

    [Fact]
    public void Host_and_service_names_are_sanitised_realm_names_are_not()
    {
        var source = MetricSource.Create(["All", "realm A", "realm A1"], "web server/1", "Disk C:%");

        Assert.Equal("All.realm A.realm A1", source.RealmPath);
        Assert.Equal("All.realm A.realm A1.web_server-1.Disk_C_pct.used", GraphitePaths.For(source, "used"));
    }

    [Fact]
    public void Check_result_to_carbon_datapoints()
    {
        var samples = CheckMetrics.Prepare("rta=0.042ms;100.000;500.000;0; pl=0%;20;60;;", stateId: 0, overallStateId: 5).Samples;

        var datapoints = MetricPoint.From(PingOnNorth, samples, Now).Select(p => GraphitePaths.ToCarbon(p)).ToList();

        Assert.Equal(
            [
                new CarbonDatapoint("All.North.srv001.ping.rta", Now, 0.042),
                new CarbonDatapoint("All.North.srv001.ping.rta_warning", Now, 100),
                new CarbonDatapoint("All.North.srv001.ping.rta_critical", Now, 500),
                new CarbonDatapoint("All.North.srv001.ping.rta_min", Now, 0),
                new CarbonDatapoint("All.North.srv001.ping.pl", Now, 0),
                new CarbonDatapoint("All.North.srv001.ping.pl_warning", Now, 20),
                new CarbonDatapoint("All.North.srv001.ping.pl_critical", Now, 60),
                new CarbonDatapoint("All.North.srv001.ping.pl_min", Now, 0),
                new CarbonDatapoint("All.North.srv001.ping.pl_max", Now, 100),
                new CarbonDatapoint("All.North.srv001.ping.alignak_state_id", Now, 0),
                new CarbonDatapoint("All.North.srv001.ping.alignak_overall_state_id", Now, -1),
            ],
            datapoints);
    }

    [Fact]
    public void Pickle_message_is_a_length_header_and_a_list_python_reads_back()
    {
        var message = CarbonPickle.Encode(
        [
            new CarbonDatapoint("All.srv001.rta", Now, 0.042),
            new CarbonDatapoint("All.srv001.pl", Now, 0),
            new CarbonDatapoint("All.srv001.alignak_overall_state_id", Now, -1),
        ]);

        Assert.Equal(message.Length - 4, BinaryPrimitives.ReadInt32BigEndian(message));
        var decoded = Assert.Single(PythonUnpickler.Decode(message));
        Assert.Equal(message.Length - 4, decoded.PayloadLength);
        Assert.Equal(
            "[('All.srv001.rta', (1700000000, 0.042)), ('All.srv001.pl', (1700000000, 0.0)), " +
            "('All.srv001.alignak_overall_state_id', (1700000000, -1.0))]",
            decoded.Repr);
    }

    [Fact]
    public void Pickle_carries_non_ascii_paths_large_values_and_timestamps_past_2038()
    {
        var message = CarbonPickle.Encode(
        [
            new CarbonDatapoint("Région Nord.srv.bytes", 4_102_444_800, 86608341539),
            new CarbonDatapoint("All.srv.tiny", -1, 1.5e-300),
            new CarbonDatapoint("All.srv.huge", 1L << 40, -1.5e300),
        ]);

        var decoded = Assert.Single(PythonUnpickler.Decode(message));
        Assert.Equal(
            "[('Région Nord.srv.bytes', (4102444800, 86608341539.0)), ('All.srv.tiny', (-1, 1.5e-300)), " +
            "('All.srv.huge', (1099511627776, -1.5e+300))]",
            decoded.Repr);
    }

    [Fact]
    public void Empty_batch_is_an_empty_list_and_no_message_at_all_when_split()
    {
        Assert.Equal("[]", Assert.Single(PythonUnpickler.Decode(CarbonPickle.Encode([]))).Repr);
        Assert.Empty(CarbonPickle.EncodeMessages([]));
    }

    [Fact]
    public void Large_batches_are_split_under_the_payload_limit_and_lose_nothing()
    {
        var points = Enumerable.Range(0, 250)
            .Select(i => new CarbonDatapoint($"All.host{i:000}.service.metric_{i}", Now + i, i * 0.5))
            .ToList();

        var messages = CarbonPickle.EncodeMessages(points, maxPayloadBytes: 1000).ToList();

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(m.Length - 4, 1, 1000));
        var decoded = PythonUnpickler.Decode([.. messages]);
        Assert.Equal(messages.Count, decoded.Count);
        var expected = points.Select(p => string.Create(CultureInfo.InvariantCulture, $"('{p.Path}', ({p.Timestamp}, {p.Value:0.0###}))"));
        Assert.Equal(string.Join(", ", expected), string.Join(", ", decoded.Select(d => d.Repr[1..^1])));
    }

    [Fact]
    public void Default_limit_is_carbons_receiver_limit()
    {
        Assert.Equal(1 << 20, CarbonPickle.MaxPayloadBytes);
        var points = Enumerable.Range(0, 30_000).Select(i => new CarbonDatapoint($"All.h.s.metric_number_{i}", Now, i));

        var messages = CarbonPickle.EncodeMessages(points).ToList();

        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.True(m.Length - 4 <= CarbonPickle.MaxPayloadBytes));
    }

    [Fact]
    public void Plaintext_line_is_path_value_timestamp()
    {
        Assert.Equal("All.srv001.rta 0.042 1700000000\n", CarbonPlaintext.Format(new CarbonDatapoint("All.srv001.rta", Now, 0.042)));
        Assert.Equal("All.srv001.bytes 86608341539 1700000000\n", CarbonPlaintext.Format(new CarbonDatapoint("All.srv001.bytes", Now, 86608341539)));
        Assert.Equal("a.b -1 1700000000\n", CarbonPlaintext.Format(new CarbonDatapoint("a.b", Now, -1)));
    }

    [Fact]
    public void Plaintext_line_never_splits_on_a_realm_name_with_spaces() =>
        Assert.Equal("All.realm_A.srv.rta 1 1700000000\n", CarbonPlaintext.Format(new CarbonDatapoint("All.realm A.srv.rta", Now, 1)));
}

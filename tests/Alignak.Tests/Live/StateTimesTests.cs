using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>
/// The last time of each state: read and written in the journal's JSON as an object keyed by state name (as the
/// events and snapshots already stored have them), kept sorted, changed without touching the state it came from.
/// </summary>
public class StateTimesTests
{
    [Fact]
    public void A_state_written_before_reads_back_and_is_written_again_the_same()
    {
        // An event as the journal holds it from before this type (an immutable sorted dictionary wrote the same object).
        var stored = """{"Kind":"Service","State":"OK","LastState":"OK","LastTimes":{"critical":1700000100,"ok":1700000200,"warning":1700000050}}""";
        using var system = ActorSystem.Create("state-times");
        var serializer = new LiveSerializer((ExtendedActorSystem)system);

        var state = (LiveState)serializer.FromBinary(Encoding.UTF8.GetBytes(stored), nameof(LiveState));
        var written = JsonNode.Parse(serializer.ToBinary(state))!["LastTimes"]!;

        Assert.Equal(1700000100, state.LastTimes["critical"]);
        Assert.Equal(0, state.LastTimes.GetValueOrDefault("unknown"));
        Assert.Equal("""{"critical":1700000100,"ok":1700000200,"warning":1700000050}""", written.ToJsonString());
        Assert.Equal(state, (LiveState)serializer.FromBinary(serializer.ToBinary(state), nameof(LiveState)));
    }

    [Fact]
    public void Setting_a_time_keeps_the_names_sorted_and_leaves_the_former_times_as_they_were()
    {
        var before = StateTimes.Empty.SetItem("warning", 5).SetItem("critical", 7);
        var after = before.SetItem("ok", 9).SetItem("critical", 8);

        Assert.Equal([("critical", 8L), ("ok", 9L), ("warning", 5L)], after.Select(p => (p.Key, p.Value)));
        Assert.Equal([("critical", 7L), ("warning", 5L)], before.Select(p => (p.Key, p.Value)));
        Assert.Throws<KeyNotFoundException>(() => before["ok"]);
        Assert.Equal(before, StateTimes.Empty.SetItem("critical", 7).SetItem("warning", 5));
        Assert.NotEqual(before, after);
    }
}

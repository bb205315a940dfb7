using System.Text;
using Akka.Actor;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>States read back from the journal (its serializer) share one copy of each state name (memory at 100k items).</summary>
public class StateNamesTests
{
    [Fact]
    public void A_state_read_from_JSON_holds_the_shared_names()
    {
        var json = """{"Kind":"Service","State":"CRITICAL","StateType":"SOFT","LastState":"OK","LastStateType":"HARD","LastHardState":"OK","LastTimes":{"critical":5,"ok":3}}""";

        using var system = ActorSystem.Create("state-names");
        var state = (LiveState)new LiveSerializer((ExtendedActorSystem)system).FromBinary(Encoding.UTF8.GetBytes(json), nameof(LiveState));

        Assert.Equal(("CRITICAL", "SOFT", "OK", "HARD", "OK"), (state.State, state.StateType, state.LastState, state.LastStateType, state.LastHardState));
        Assert.Same(StateNames.Shared("CRITICAL"), state.State);
        Assert.Same(StateNames.Shared("SOFT"), state.StateType);
        Assert.Same(StateNames.Shared("OK"), state.LastState);
        Assert.All(state.LastTimes.Keys, key => Assert.Same(StateNames.Shared(key), key));
        Assert.Equal([("critical", 5L), ("ok", 3L)], state.LastTimes.Select(p => (p.Key, p.Value)));
        // Names it does not know are kept as they are.
        Assert.Equal("PENDING", StateNames.Shared(new string("PENDING".AsSpan())));
    }
}

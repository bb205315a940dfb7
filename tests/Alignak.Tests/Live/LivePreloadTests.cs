using Alignak.Actors.Documents;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>
/// At start-up the index shows every item's latest stored state before the entities wake: a host's overall state
/// takes the worst of its monitored services, which its entity keeps in memory only (its stored state may predate them).
/// </summary>
public class LivePreloadTests
{
    private const string Host = "5a1b2c3d4e5f6a7b8c9d0e01";
    private const string Warning = "5a1b2c3d4e5f6a7b8c9d0e02";
    private const string Unmonitored = "5a1b2c3d4e5f6a7b8c9d0e03";
    private const string Deleted = "5a1b2c3d4e5f6a7b8c9d0e04";

    private static DocumentIndex Index()
    {
        var index = new DocumentIndex();
        index.Apply([
            new DocumentChange("host", Host, Revisions.Next(), $$"""{"_id":"{{Host}}","name":"web","_overall_state_id":3,"_etag":"a"}"""),
            new DocumentChange("service", Warning, Revisions.Next(), $$"""{"_id":"{{Warning}}","name":"http","host":"{{Host}}","_etag":"b"}"""),
            new DocumentChange("service", Unmonitored, Revisions.Next(), $$"""{"_id":"{{Unmonitored}}","name":"ssh","host":"{{Host}}","_etag":"c"}"""),
        ]);
        return index;
    }

    private static LiveState Service(string state, int overall, CheckConfig config) =>
        LiveState.Initial(EntityKind.Service) with { State = state, StateType = "HARD", OverallStateId = overall, HostId = Host, Config = config };

    [Fact]
    public void A_host_takes_the_worst_of_its_monitored_services_and_items_without_a_document_are_skipped()
    {
        var index = Index();
        // Stored with its own UP result, before its services went WARNING: its services' worst was 0 then.
        var host = LiveState.Initial(EntityKind.Host) with { State = "UP", StateType = "HARD", OverallStateId = 0 };

        var taken = LivePreload.Apply(index,
        [
            ($"host-{Host}", new LiveStateRecorded(host)),
            ($"service-{Warning}", Service("WARNING", 3, new CheckConfig())),
            ($"service-{Unmonitored}", Service("CRITICAL", LiveRules.NotMonitored, new CheckConfig(1, false, false))),
            ($"service-{Deleted}", new LiveStateRecorded(Service("CRITICAL", 4, new CheckConfig()))),
        ]);

        Assert.Equal(3, taken);
        var hosts = index.Collection("host");
        Assert.Equal(3, (int?)hosts.Get(Host)!["_overall_state_id"]);
        Assert.Equal("UP", (string?)hosts.Get(Host)!["ls_state"]);
        Assert.Equal("WARNING", (string?)index.Collection("service").Get(Warning)!["ls_state"]);
        Assert.Equal(LiveRules.NotMonitored, (int?)index.Collection("service").Get(Unmonitored)!["_overall_state_id"]);
        Assert.Null(index.Collection("service").Get(Deleted));
    }

    [Fact]
    public void A_host_whose_services_are_all_ok_shows_its_own_state()
    {
        var index = Index();
        var host = LiveState.Initial(EntityKind.Host) with { State = "UP", StateType = "HARD", OverallStateId = 3, ServicesWorst = 3 };

        LivePreload.Apply(index, [($"host-{Host}", host), ($"service-{Warning}", Service("OK", 0, new CheckConfig()))]);

        Assert.Equal(0, (int?)index.Collection("host").Get(Host)!["_overall_state_id"]);
        Assert.Equal("web", (string?)index.Collection("host").Get(Host)!["name"]);
    }
}

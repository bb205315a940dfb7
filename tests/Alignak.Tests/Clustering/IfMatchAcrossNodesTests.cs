using Alignak.Actors.Documents;
using Alignak.Actors.Live;

namespace Alignak.Tests.Clustering;

/// <summary>
/// An item's ETag covers its live state, which reaches the writer's node a moment after (or before) the node that
/// served it. The edge checks If-Match against what it served; the writer then checks the configuration's ETag,
/// which it alone changes, so a client's PATCH right after its POST never meets a spurious 412 on another node.
/// </summary>
public class IfMatchAcrossNodesTests
{
    private const string Host = "5a1b2c3d4e5f6a7b8c9d0e11";

    /// <summary>The writer's node: the host with a live state newer than the one the client was served.</summary>
    private static DocumentIndex WritersIndex()
    {
        var index = new DocumentIndex();
        index.Apply([new DocumentChange("host", Host, Revisions.Next(), $$"""{"_id":"{{Host}}","name":"web","alias":"w","_etag":"config-1"}""")]);
        var state = LiveState.Initial(EntityKind.Host) with { State = "DOWN", StateType = "SOFT", StateId = 1 };
        index.ApplyLive(new LiveChange("host", Host, Revisions.Next(), LiveFields.ToJson(state), state));
        return index;
    }

    private static PatchDocument Alias(string ifMatch) => new("host", Host, """{"alias":"patched"}""", ifMatch);

    [Fact]
    public void The_writer_takes_the_configuration_etag_the_edge_vouched_for_whatever_live_state_it_holds()
    {
        var index = WritersIndex();
        var served = index.Collection("host").Get(Host)!.Etag!;
        Assert.NotEqual("config-1", served);

        var result = new WritePlanner(index).Plan(Alias("config-1") with { LiveChecked = true });

        Assert.Equal(WriteStatus.Updated, result.Status);
        Assert.Equal("patched", (string?)System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(result.Changes).Json!)!["alias"]);
    }

    [Fact]
    public void A_configuration_changed_since_is_still_412_and_the_hidden_configuration_etag_is_no_if_match_for_a_client()
    {
        var index = WritersIndex();
        var served = index.Collection("host").Get(Host)!.Etag!;

        Assert.Equal(WriteStatus.PreconditionFailed, new WritePlanner(index).Plan(Alias("config-0") with { LiveChecked = true }).Status);
        // Without the edge's check, only the whole ETag (state included) matches.
        Assert.Equal(WriteStatus.PreconditionFailed, new WritePlanner(index).Plan(Alias("config-1")).Status);
        Assert.Equal(WriteStatus.Updated, new WritePlanner(index).Plan(Alias(served)).Status);
    }
}

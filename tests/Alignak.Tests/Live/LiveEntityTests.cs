using System.Text.Json.Nodes;
using Akka.Actor;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Persistence;
using Alignak.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Live;

/// <summary>The host and service entities through their messages (sharded, persisted on a real SQLite file).</summary>
public sealed class LiveEntityTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private LiveEntities Entities => fixture.Backend.Services.GetRequiredService<LiveEntities>();

    private static string NewId() => DocumentIds.NewId();

    private static SyncEntity Sync(string id, EntityKind kind, string? hostId = null, int attempts = 1) =>
        new(id, kind, new CheckConfig(attempts), hostId, new JsonObject());

    private async Task<long> JournalRows(string persistenceId)
    {
        var database = fixture.Backend.Services.GetRequiredService<DatabaseOptions>();
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM alignak_journal WHERE persistence_id = @pid AND deleted = 0";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@pid";
        parameter.Value = persistenceId;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_result_is_answered_once_its_event_is_in_the_journal_and_the_same_state_again_writes_nothing()
    {
        var id = NewId();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(LiveOutcome.Applied, (await Entities.AskAsync(Sync(id, EntityKind.Service), ct)).Outcome);
        var reply = await Entities.AskAsync(new ApplyCheckResult(id, EntityKind.Service, new CheckInput(2, "down", "", "", 1000)), ct);
        Assert.Equal((LiveOutcome.Applied, "CRITICAL", "HARD"), (reply.Outcome, reply.State!.State, reply.State.StateType));
        Assert.Equal("CRITICAL", (string?)reply.Change!.Fields["ls_state"]);
        Assert.Equal(2, await JournalRows($"service-{id}"));

        var told = new JsonObject { ["ls_state"] = "CRITICAL", ["ls_state_type"] = "HARD" };
        Assert.Equal(LiveOutcome.Unchanged, (await Entities.AskAsync(new RecordLiveState(id, EntityKind.Service, told), ct)).Outcome);
        Assert.Equal(2, await JournalRows($"service-{id}"));

        var late = await Entities.AskAsync(new RecordLiveState(id, EntityKind.Service, new JsonObject { ["ls_state"] = "OK" }, GateLastCheck: 999), ct);
        Assert.Equal((LiveOutcome.Ignored, "CRITICAL"), (late.Outcome, late.State!.State));
    }

    [Fact]
    public async Task A_result_sent_straight_to_an_entity_that_stopped_meanwhile_is_taken_by_its_next_incarnation()
    {
        var ct = TestContext.Current.CancellationToken;
        var local = fixture.Backend.Services.GetRequiredService<LocalEntities>();
        var id = NewId();
        await Entities.AskAsync(Sync(id, EntityKind.Service), ct);
        await Entities.AskAsync(new ApplyCheckResult(id, EntityKind.Service, new CheckInput(0, "up", "", "", 1000)), ct);
        // The edge reaches a running entity directly.
        var entity = local.Find(EntityKind.Service, id);
        Assert.NotNull(entity);

        // As in a hand-off: the entity stops, and a command the edge had already addressed to it arrives after.
        Assert.True(await entity.GracefulStop(TimeSpan.FromSeconds(5)));
        Assert.Null(local.Find(EntityKind.Service, id));
        var reply = await entity.Ask<LiveReply>(new ApplyCheckResult(id, EntityKind.Service, new CheckInput(2, "down", "", "", 1001)),
            TimeSpan.FromSeconds(10), ct);

        Assert.Equal((LiveOutcome.Applied, "CRITICAL", "down"), (reply.Outcome, reply.State!.State, reply.State.Output));
        var successor = local.Find(EntityKind.Service, id);
        Assert.NotNull(successor);
        Assert.NotEqual(entity, successor);
        Assert.Equal(3, await JournalRows($"service-{id}"));
    }

    [Fact]
    public async Task A_host_follows_the_worst_of_its_services_and_forgets_a_deleted_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, service) = (NewId(), NewId());
        await Entities.AskAsync(Sync(host, EntityKind.Host), ct);
        await Entities.AskAsync(new ApplyCheckResult(host, EntityKind.Host, new CheckInput(0, "up", "", "", 1000)), ct);
        await Entities.AskAsync(Sync(service, EntityKind.Service, host), ct);
        await Entities.AskAsync(new ApplyCheckResult(service, EntityKind.Service, new CheckInput(2, "down", "", "", 1000)), ct);
        Assert.Equal(4, await HostOverall(host, expected: 4));

        Assert.Equal(LiveOutcome.Forgotten, (await Entities.AskAsync(new ForgetEntity(service, EntityKind.Service), ct)).Outcome);
        Assert.Equal(0, await HostOverall(host, expected: 0));
        Assert.Equal(0, await JournalRows($"service-{service}"));
    }

    [Fact]
    public async Task A_service_change_that_moves_its_overall_state_is_answered_with_its_hosts_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, web, db) = (NewId(), NewId(), NewId());
        await Entities.AskAsync(Sync(host, EntityKind.Host), ct);
        await Entities.AskAsync(new ApplyCheckResult(host, EntityKind.Host, new CheckInput(0, "up", "", "", 1000)), ct);
        await Entities.AskAsync(Sync(web, EntityKind.Service, host), ct);
        await Entities.AskAsync(Sync(db, EntityKind.Service, host), ct);
        await Entities.AskAsync(new ApplyCheckResult(db, EntityKind.Service, new CheckInput(0, "ok", "", "", 1000)), ct);

        // The host took the worst state before the service replied, and the reply carries the host's change.
        var reply = await Entities.AskAsync(new ApplyCheckResult(web, EntityKind.Service, new CheckInput(2, "down", "", "", 1001)), ct);
        Assert.Equal((LiveOutcome.Applied, 4), (reply.Outcome, reply.State!.OverallStateId));
        Assert.Equal(("host", host, 4), (reply.HostChange!.Resource, reply.HostChange.Id, reply.HostChange.State.OverallStateId));
        Assert.Equal(4, (int?)reply.HostChange.Fields["_overall_state_id"]);

        // Another service whose move leaves the host's worst as it is: the host's latest change comes again.
        reply = await Entities.AskAsync(new ApplyCheckResult(db, EntityKind.Service, new CheckInput(1, "slow", "", "", 1001)), ct);
        Assert.Equal((3, 4), (reply.State!.OverallStateId, reply.HostChange!.State.OverallStateId));

        // A result that does not move the service's overall state does not involve the host.
        reply = await Entities.AskAsync(new ApplyCheckResult(web, EntityKind.Service, new CheckInput(2, "still down", "", "", 1002)), ct);
        Assert.Equal((LiveOutcome.Applied, 4), (reply.Outcome, reply.State!.OverallStateId));
        Assert.Null(reply.HostChange);

        reply = await Entities.AskAsync(new ApplyCheckResult(web, EntityKind.Service, new CheckInput(0, "back", "", "", 1003)), ct);
        Assert.Equal((0, 3), (reply.State!.OverallStateId, reply.HostChange!.State.OverallStateId));
        Assert.Equal(3, (await Entities.AskAsync(Sync(host, EntityKind.Host), ct)).State!.OverallStateId);
    }

    [Fact]
    public void A_reply_with_its_hosts_change_survives_the_wire()
    {
        var serialization = fixture.Backend.Services.GetRequiredService<Akka.Actor.ActorSystem>().Serialization;
        var hostState = LiveState.Initial(EntityKind.Host) with { State = "UP", StateId = 0, OverallStateId = 4, ServicesWorst = 4 };
        var serviceState = LiveState.Initial(EntityKind.Service) with { State = "CRITICAL", StateId = 2, OverallStateId = 4, HostId = "h1" };
        var reply = new LiveReply(LiveOutcome.Applied, serviceState,
            new LiveChange("service", "s1", 7, new JsonObject { ["ls_state"] = "CRITICAL" }, serviceState),
            HostChange: new LiveChange("host", "h1", 8, new JsonObject { ["_overall_state_id"] = 4 }, hostState));
        var asked = new ServiceOverallChanged("h1", "s1", 4);

        var serializer = serialization.FindSerializerFor(reply);
        Assert.IsType<LiveSerializer>(serializer);
        var back = (LiveReply)serialization.Deserialize(serializer.ToBinary(reply), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, reply));
        Assert.Equal((LiveOutcome.Applied, "CRITICAL", "h1"), (back.Outcome, back.State!.State, back.State.HostId));
        Assert.Equal(("service", "s1", 7L, """{"ls_state":"CRITICAL"}"""),
            (back.Change!.Resource, back.Change.Id, back.Change.Revision, back.Change.Fields.ToJsonString()));
        Assert.Equal(("host", "h1", 8L, """{"_overall_state_id":4}""", "UP", 4),
            (back.HostChange!.Resource, back.HostChange.Id, back.HostChange.Revision, back.HostChange.Fields.ToJsonString(),
                back.HostChange.State.State, back.HostChange.State.OverallStateId));

        serializer = serialization.FindSerializerFor(asked);
        Assert.IsType<LiveSerializer>(serializer);
        Assert.Equal(asked, serialization.Deserialize(serializer.ToBinary(asked), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, asked)));
    }

    private async Task<int> HostOverall(string host, int expected)
    {
        // The service tells its host by message: the host converges right after.
        var overall = -1;
        for (var i = 0; i < 100 && overall != expected; i++)
        {
            overall = (await Entities.AskAsync(Sync(host, EntityKind.Host), TestContext.Current.CancellationToken)).State!.OverallStateId;
            if (overall != expected) await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        return overall;
    }

    [Fact]
    public async Task Acknowledging_what_is_fine_is_refused_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = NewId();
        await Entities.AskAsync(Sync(id, EntityKind.Service), ct);
        await Entities.AskAsync(new ApplyCheckResult(id, EntityKind.Service, new CheckInput(0, "ok", "", "", 1000)), ct);
        var reply = await Entities.AskAsync(new AcknowledgeProblem(id, EntityKind.Service, new Acknowledgement(true, false, true, "me", "", 1001)), ct);
        Assert.Equal((LiveOutcome.Refused, false), (reply.Outcome, reply.State!.Acknowledged));
        Assert.Equal(LiveOutcome.Refused, (await Entities.AskAsync(new CancelDowntime(id, EntityKind.Service, "none"), ct)).Outcome);
    }
}

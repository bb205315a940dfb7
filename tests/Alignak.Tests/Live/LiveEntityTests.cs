using System.Text.Json.Nodes;
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

using System.Text.Json.Nodes;
using Alignak.Actors.Live;

namespace Alignak.Tests.Live;

/// <summary>The state machine as pure functions: Nagios/Alignak semantics without an actor system.</summary>
public sealed class LiveRulesTests
{
    private static readonly CheckConfig ThreeAttempts = new(MaxCheckAttempts: 3);

    private static CheckInput Result(int exit, long time, string output = "out") => new(exit, output, "", "", time);

    private static LiveState Run(LiveState state, CheckConfig config, params (int Exit, long Time)[] results) =>
        results.Aggregate(state, (s, r) => LiveRules.ApplyCheck(s, config, Result(r.Exit, r.Time)));

    private static LiveState OkService(CheckConfig config) =>
        LiveRules.ApplyCheck(LiveState.Initial(EntityKind.Service) with { Config = config }, config, Result(0, 100));

    [Fact]
    public void A_problem_is_soft_until_max_check_attempts_then_hard_and_a_recovery_is_hard_at_once()
    {
        var s = OkService(ThreeAttempts);
        Assert.Equal(("OK", "HARD", 1, 0), (s.State, s.StateType, s.CurrentAttempt, s.OverallStateId));

        s = LiveRules.ApplyCheck(s, ThreeAttempts, Result(2, 200));
        Assert.Equal(("CRITICAL", "SOFT", 1, 2), (s.State, s.StateType, s.CurrentAttempt, s.StateId));
        Assert.Equal(200, s.LastStateChanged);
        Assert.Equal(100, s.LastHardStateChanged);
        Assert.Equal(("OK", "HARD"), (s.LastState, s.LastStateType));
        // A SOFT problem is not an alarm yet: the overall state still shows the last HARD state.
        Assert.Equal(0, s.OverallStateId);

        s = LiveRules.ApplyCheck(s, ThreeAttempts, Result(2, 300));
        Assert.Equal(("SOFT", 2), (s.StateType, s.CurrentAttempt));
        Assert.Equal(200, s.LastStateChanged);

        s = LiveRules.ApplyCheck(s, ThreeAttempts, Result(2, 400));
        Assert.Equal(("HARD", 3, 4), (s.StateType, s.CurrentAttempt, s.OverallStateId));
        Assert.Equal(400, s.LastHardStateChanged);
        Assert.Equal(200, s.LastStateChanged);
        Assert.Equal(400, s.LastTimes["critical"]);

        s = LiveRules.ApplyCheck(s, ThreeAttempts, Result(2, 500));
        Assert.Equal(("HARD", 3), (s.StateType, s.CurrentAttempt));
        Assert.Equal(400, s.LastHardStateChanged);
        Assert.Equal(0, s.StateChanged);

        s = LiveRules.ApplyCheck(s, ThreeAttempts, Result(0, 600));
        Assert.Equal(("OK", "HARD", 1, 0), (s.State, s.StateType, s.CurrentAttempt, s.OverallStateId));
        Assert.Equal((600, 600, 1), (s.LastStateChanged, s.LastHardStateChanged, s.StateChanged));
        Assert.Equal(("CRITICAL", "HARD"), (s.LastState, s.LastStateType));
        Assert.Equal((600, 500), (s.LastTimes["ok"], s.LastTimes["critical"]));
    }

    [Fact]
    public void With_one_attempt_the_first_problem_is_hard()
    {
        var s = Run(LiveState.Initial(EntityKind.Service), new CheckConfig(), (0, 10), (1, 20));
        Assert.Equal(("WARNING", "HARD", 1, 3), (s.State, s.StateType, s.CurrentAttempt, s.OverallStateId));
    }

    [Fact]
    public void A_soft_problem_that_recovers_is_a_hard_ok_at_attempt_one()
    {
        var s = Run(OkService(ThreeAttempts), ThreeAttempts, (2, 200), (2, 300), (0, 400));
        Assert.Equal(("OK", "HARD", 1), (s.State, s.StateType, s.CurrentAttempt));
        Assert.Equal(("CRITICAL", "SOFT"), (s.LastState, s.LastStateType));
    }

    [Fact]
    public void A_hard_change_between_problems_drops_a_normal_acknowledgement_but_not_a_sticky_one()
    {
        var config = new CheckConfig();
        var warning = Run(OkService(config), config, (1, 200));
        var normal = LiveRules.Acknowledge(warning, config, new Acknowledgement(false, false, true, "admin", "on it", 210))!;
        var sticky = LiveRules.Acknowledge(warning, config, new Acknowledgement(true, false, true, "admin", "on it", 210))!;
        Assert.Equal((true, 1, 1), (normal.Acknowledged, normal.AcknowledgementType, normal.OverallStateId));
        Assert.Equal((true, 2), (sticky.Acknowledged, sticky.AcknowledgementType));

        Assert.False(LiveRules.ApplyCheck(normal, config, Result(2, 300)).Acknowledged);
        var stillSticky = LiveRules.ApplyCheck(sticky, config, Result(2, 300));
        Assert.True(stillSticky.Acknowledged);
        Assert.Equal(1, stillSticky.OverallStateId);
        // The same problem again keeps even a normal acknowledgement.
        Assert.True(LiveRules.ApplyCheck(normal, config, Result(1, 300)).Acknowledged);
        // A recovery ends both.
        Assert.False(LiveRules.ApplyCheck(stillSticky, config, Result(0, 400)).Acknowledged);
    }

    [Fact]
    public void Only_a_problem_can_be_acknowledged()
    {
        Assert.Null(LiveRules.Acknowledge(OkService(new CheckConfig()), new CheckConfig(), new Acknowledgement(true, false, true, null, "", 1)));
    }

    [Theory]
    [InlineData(0, "UP", 0)]
    [InlineData(1, "UP", 0)]
    [InlineData(2, "DOWN", 1)]
    [InlineData(3, "DOWN", 1)]
    [InlineData(4, "UNREACHABLE", 4)]
    public void Host_exit_statuses_map_as_in_Nagios_without_aggressive_host_checking(int exit, string state, int id) =>
        Assert.Equal((state, id), LiveRules.StateFor(EntityKind.Host, exit));

    [Theory]
    [InlineData(EntityKind.Host, -1)]
    [InlineData(EntityKind.Host, 5)]
    [InlineData(EntityKind.Service, 255)]
    public void Exit_statuses_out_of_range_have_no_state(EntityKind kind, int exit) => Assert.Null(LiveRules.StateFor(kind, exit));

    [Fact]
    public void A_fixed_downtime_is_active_inside_its_window_and_removed_after_it()
    {
        var config = new CheckConfig();
        var down = Run(LiveState.Initial(EntityKind.Host), config, (2, 100));
        Assert.Equal(4, down.OverallStateId);
        var scheduled = LiveRules.AddDowntime(down, config, new Downtime("d1", 1000, 2000, true, 0, "admin", "maintenance"), now: 500);
        Assert.False(scheduled.Downtimed);
        Assert.Equal(1000, LiveRules.NextTimer(scheduled, 500));

        var during = LiveRules.Tick(scheduled, config, 1000);
        Assert.True(during.Downtimed);
        Assert.Equal(2, during.OverallStateId);
        Assert.Equal(2000, LiveRules.NextTimer(during, 1000));

        var after = LiveRules.Tick(during, config, 2000);
        Assert.False(after.Downtimed);
        Assert.Empty(after.Downtimes);
        Assert.Equal(4, after.OverallStateId);
        Assert.Null(LiveRules.NextTimer(after, 2000));
    }

    [Fact]
    public void A_flexible_downtime_starts_with_the_first_problem_in_its_window_and_lasts_its_duration()
    {
        var config = new CheckConfig();
        var ok = OkService(config);
        var waiting = LiveRules.AddDowntime(ok, config, new Downtime("d2", 1000, 5000, false, 600, "admin", "flex"), now: 1000);
        Assert.False(waiting.Downtimed);

        var problem = LiveRules.ApplyCheck(waiting, config, Result(2, 1500));
        Assert.True(problem.Downtimed);
        Assert.Equal(1500, problem.Downtimes[0].StartedAt);
        Assert.Equal(2, problem.OverallStateId);
        Assert.Equal(2100, LiveRules.NextTimer(problem, 1500));
        Assert.False(LiveRules.Tick(problem, config, 2100).Downtimed);
    }

    [Fact]
    public void A_flexible_downtime_asked_during_a_problem_starts_at_once_and_cancel_removes_it()
    {
        var config = new CheckConfig();
        var problem = Run(OkService(config), config, (2, 900));
        var flex = LiveRules.AddDowntime(problem, config, new Downtime("d3", 800, 5000, false, 600, null, ""), now: 1000);
        Assert.True(flex.Downtimed);
        Assert.Null(LiveRules.CancelDowntime(flex, config, "unknown", 1000));
        var cancelled = LiveRules.CancelDowntime(flex, config, "d3", 1000)!;
        Assert.False(cancelled.Downtimed);
        Assert.Equal(4, cancelled.OverallStateId);
    }

    [Fact]
    public void Overall_state_follows_the_original_rules()
    {
        var unmonitored = new CheckConfig(1, false, false);
        Assert.Equal(5, LiveRules.Overall(LiveState.Initial(EntityKind.Service), unmonitored));
        Assert.Equal(3, LiveRules.Overall(LiveState.Initial(EntityKind.Service), new CheckConfig()));
        Assert.Equal(3, LiveRules.Overall(LiveState.Initial(EntityKind.Host), new CheckConfig()));

        var config = new CheckConfig();
        var host = Run(LiveState.Initial(EntityKind.Host), config, (0, 10));
        Assert.Equal(0, host.OverallStateId);
        host = LiveRules.WithServicesWorst(host, config, 4);
        Assert.Equal(4, host.OverallStateId);
        host = LiveRules.WithServicesWorst(host, config, 3);
        Assert.Equal(3, host.OverallStateId);
        // An acknowledged host (1) still shows its services' worst state, as the original's rule.
        var acknowledged = LiveRules.Acknowledge(LiveRules.ApplyCheck(host, config, Result(2, 15)), config,
            new Acknowledgement(true, false, true, null, "", 16))!;
        Assert.Equal(3, acknowledged.OverallStateId);
        // A host's own DOWN (4) is not lowered by its services.
        var down = LiveRules.ApplyCheck(host, config, Result(2, 20));
        Assert.Equal(4, down.OverallStateId);
    }

    [Fact]
    public void What_Alignak_tells_is_recorded_and_the_overall_state_is_recomputed_only_on_hard_updates()
    {
        var config = new CheckConfig();
        var s = LiveState.Initial(EntityKind.Service) with { OverallStateId = 0 };
        var soft = LiveFields.Record(s, config, new JsonObject { ["ls_state"] = "CRITICAL", ["ls_state_type"] = "SOFT", ["ls_state_id"] = 2 });
        Assert.Equal(("CRITICAL", "SOFT", 2), (soft.State, soft.StateType, soft.StateId));
        Assert.Equal(0, soft.OverallStateId);

        var hard = LiveFields.Record(soft, config, new JsonObject { ["ls_state"] = "CRITICAL", ["ls_state_type"] = "HARD" });
        Assert.Equal(4, hard.OverallStateId);

        var told = LiveFields.Record(hard, config, new JsonObject { ["ls_state_type"] = "HARD", ["ls_acknowledged"] = true, ["_overall_state_id"] = 3 });
        Assert.Equal(3, told.OverallStateId);
        Assert.True(told.Acknowledged);
    }

    [Fact]
    public void The_check_result_history_message_has_the_original_format() =>
        Assert.Equal("UP[HARD] (False/True): Check output", LiveRules.CheckResultMessage("UP", "HARD", false, true, "Check output"));

    [Fact]
    public void Live_fields_round_trip_through_a_document()
    {
        var s = Run(LiveState.Initial(EntityKind.Service), ThreeAttempts, (0, 100), (2, 200));
        var json = LiveFields.ToJson(s);
        Assert.Equal("CRITICAL", (string?)json["ls_state"]);
        Assert.Equal(200L, (long)json["ls_last_time_critical"]!);
        Assert.Equal(100L, (long)json["ls_last_time_ok"]!);
        var back = LiveFields.FromDocument(LiveState.Initial(EntityKind.Service), JsonNode.Parse(json.ToJsonString())!.AsObject());
        Assert.Empty(LiveFields.Changed(s with { LastHardState = back.LastHardState }, back));
    }
}

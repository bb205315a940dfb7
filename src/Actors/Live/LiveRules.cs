using System.Collections.Immutable;

namespace Alignak.Actors.Live;

/// <summary>What of an item's configuration the state machine needs.</summary>
public sealed record CheckConfig(int MaxCheckAttempts = 1, bool ActiveChecksEnabled = true, bool PassiveChecksEnabled = true)
{
    public bool Monitored => ActiveChecksEnabled || PassiveChecksEnabled;
}

/// <summary>A native check result: what a plugin (or a passive sender) reports.</summary>
public sealed record CheckInput(
    int ExitStatus, string Output, string LongOutput, string PerfData, long CheckTime,
    double Latency = 0, double ExecutionTime = 0, bool Passive = true);

/// <summary>
/// The live-state decisions, as pure functions: Nagios/Alignak semantics for native check results,
/// acknowledgements, downtimes and the overall state (spec 2.9). No actor, clock or I/O here.
/// </summary>
public static class LiveRules
{
    public const int NotMonitored = 5;

    /// <summary>
    /// The state for a plugin exit status. Hosts: 0 and 1 are UP (Nagios without aggressive host checking),
    /// 2 and 3 DOWN, 4 UNREACHABLE. Services: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, 4 UNREACHABLE.
    /// </summary>
    public static (string State, int StateId)? StateFor(EntityKind kind, int exitStatus) => (kind, exitStatus) switch
    {
        (EntityKind.Host, 0 or 1) => ("UP", 0),
        (EntityKind.Host, 2 or 3) => ("DOWN", 1),
        (EntityKind.Host, 4) => ("UNREACHABLE", 4),
        (EntityKind.Service, 0) => ("OK", 0),
        (EntityKind.Service, 1) => ("WARNING", 1),
        (EntityKind.Service, 2) => ("CRITICAL", 2),
        (EntityKind.Service, 3) => ("UNKNOWN", 3),
        (EntityKind.Service, 4) => ("UNREACHABLE", 4),
        _ => null,
    };

    private static bool IsUp(string state) => state is "OK" or "UP";

    /// <summary>
    /// Applies one check result: attempts against <c>max_check_attempts</c>, SOFT/HARD, last state fields,
    /// acknowledgement removal (non-sticky on any change, sticky on recovery), flexible downtime start.
    /// </summary>
    public static LiveState ApplyCheck(LiveState s, CheckConfig config, CheckInput result)
    {
        var (state, stateId) = StateFor(s.Kind, result.ExitStatus)
            ?? throw new ArgumentOutOfRangeException(nameof(result), "exit status out of range");
        var t = result.CheckTime;
        var maxAttempts = Math.Max(1, config.MaxCheckAttempts);
        // An item without any result yet is PENDING for these rules: its first result starts fresh.
        var fresh = s.LastCheck == 0;
        var wasUp = fresh || IsUp(s.State);
        var ack = s.Acknowledgement;
        string stateType;
        int attempt;

        if (IsUp(state))
        {
            // Recovery (or still fine): internally a HARD state at attempt 1; any acknowledgement ends.
            stateType = "HARD";
            attempt = 1;
            ack = null;
        }
        else if (wasUp)
        {
            attempt = 1;
            stateType = maxAttempts <= 1 ? "HARD" : "SOFT";
        }
        else if (s.StateType == "SOFT")
        {
            attempt = Math.Min(s.CurrentAttempt + 1, maxAttempts);
            stateType = attempt >= maxAttempts ? "HARD" : "SOFT";
        }
        else
        {
            attempt = Math.Max(s.CurrentAttempt, maxAttempts);
            stateType = "HARD";
            if (state != s.State && ack is { Sticky: false }) ack = null;
        }

        var changed = fresh || state != s.State;
        var hardChanged = stateType == "HARD" && (fresh || s.StateType == "SOFT" || state != s.State);
        var next = s with
        {
            State = state,
            StateId = stateId,
            StateType = stateType,
            CurrentAttempt = attempt,
            LastState = s.State,
            LastStateType = s.StateType,
            LastCheck = t,
            LastStateChanged = changed ? t : s.LastStateChanged,
            LastHardStateChanged = hardChanged ? t : s.LastHardStateChanged,
            StateChanged = changed ? 1 : 0,
            LastTimes = s.LastTimes.SetItem(StateNames.LastTimeKey(state), t),
            Output = result.Output,
            LongOutput = result.LongOutput,
            PerfData = result.PerfData,
            Latency = result.Latency,
            ExecutionTime = result.ExecutionTime,
            PassiveCheck = result.Passive,
            LastHardState = stateType == "HARD" ? state : s.LastHardState,
            Acknowledgement = ack,
            Acknowledged = ack is not null,
            AcknowledgementType = ack is { Sticky: true } ? 2 : 1,
        };
        if (!IsUp(state))
            // A flexible downtime starts with the first problem inside its window.
            next = next with
            {
                Downtimes = next.Downtimes.Select(d => !d.Fixed && d.StartedAt is null && d.Start <= t && t <= d.End
                    ? d with { StartedAt = t } : d).ToImmutableList(),
            };
        next = WithDowntimeFlag(next, t);
        return next with { OverallStateId = Overall(next, config) };
    }

    /// <summary>Null when the item has no problem to acknowledge (as Nagios and Alignak refuse it).</summary>
    public static LiveState? Acknowledge(LiveState s, CheckConfig config, Acknowledgement ack)
    {
        if (!s.IsProblem) return null;
        var next = s with { Acknowledgement = ack, Acknowledged = true, AcknowledgementType = ack.Sticky ? 2 : 1 };
        return next with { OverallStateId = Overall(next, config) };
    }

    public static LiveState RemoveAcknowledgement(LiveState s, CheckConfig config)
    {
        var next = s with { Acknowledgement = null, Acknowledged = false, AcknowledgementType = 1 };
        return next with { OverallStateId = Overall(next, config) };
    }

    public static LiveState AddDowntime(LiveState s, CheckConfig config, Downtime downtime, long now)
    {
        // A flexible downtime asked for while a problem is already present starts at once (inside its window).
        if (!downtime.Fixed && s.IsProblem && downtime.Start <= now && now <= downtime.End)
            downtime = downtime with { StartedAt = now };
        return Tick(s with { Downtimes = s.Downtimes.Add(downtime) }, config, now);
    }

    /// <summary>Null when there is no such downtime.</summary>
    public static LiveState? CancelDowntime(LiveState s, CheckConfig config, string downtimeId, long now)
    {
        var index = s.Downtimes.FindIndex(d => d.Id == downtimeId);
        return index < 0 ? null : Tick(s with { Downtimes = s.Downtimes.RemoveAt(index) }, config, now);
    }

    /// <summary>Cancels every downtime (a <c>delete</c> action names none).</summary>
    public static LiveState CancelAllDowntimes(LiveState s, CheckConfig config, long now) =>
        Tick(s with { Downtimes = [] }, config, now);

    /// <summary>Time passes: downtimes start and end; ended ones are dropped.</summary>
    public static LiveState Tick(LiveState s, CheckConfig config, long now)
    {
        var kept = s.Downtimes.RemoveAll(d => d.IsOver(now));
        var next = WithDowntimeFlag(s with { Downtimes = kept }, now);
        return next with { OverallStateId = Overall(next, config) };
    }

    /// <summary>When the entity must wake next for its downtimes, if ever.</summary>
    public static long? NextTimer(LiveState s, long now) =>
        s.Downtimes.Select(d => d.NextTransition(now)).Where(t => t is not null).Min();

    private static LiveState WithDowntimeFlag(LiveState s, long now) => s with { Downtimed = s.Downtimes.Any(d => d.IsActive(now)) };

    /// <summary>The worst overall state of a host's monitored services changed.</summary>
    public static LiveState WithServicesWorst(LiveState host, CheckConfig config, int worst)
    {
        var next = host with { ServicesWorst = worst };
        return next with { OverallStateId = Overall(next, config) };
    }

    /// <summary>
    /// <c>_overall_state_id</c> (spec 2.9): 5 not monitored, 1 acknowledged, 2 downtimed, else by the state
    /// (of the last HARD result: a SOFT problem is not yet an alarm). A host in 0..2 takes the worst of its
    /// services' overall states.
    /// </summary>
    public static int Overall(LiveState s, CheckConfig config)
    {
        if (!config.Monitored) return NotMonitored;
        int own;
        if (s.Acknowledged) own = 1;
        else if (s.Downtimed) own = 2;
        else own = ByState(s.Kind, s.StateType == "HARD" ? s.State : s.LastHardState ?? s.State);
        return s.Kind == EntityKind.Host && own <= 2 ? Math.Max(own, s.ServicesWorst) : own;
    }

    public static int ByState(EntityKind kind, string state) => kind == EntityKind.Host
        ? state switch { "DOWN" => 4, "UNREACHABLE" => 3, _ => 0 }
        : state switch { "WARNING" or "UNKNOWN" => 3, "CRITICAL" or "UNREACHABLE" => 4, _ => 0 };

    /// <summary>The original's history message for a check result: <c>UP[HARD] (False/False): output</c>.</summary>
    public static string CheckResultMessage(string state, string stateType, bool acknowledged, bool downtimed, string output) =>
        $"{state}[{stateType}] ({(acknowledged ? "True" : "False")}/{(downtimed ? "True" : "False")}): {output}";
}

using System.Collections.Immutable;

namespace Alignak.Actors.Live;

public enum EntityKind
{
    Host,
    Service,
}

/// <summary>An acknowledged problem. Sticky: kept until the item recovers; otherwise removed on any state change.</summary>
public sealed record Acknowledgement(bool Sticky, bool Notify, bool Persistent, string? Author, string Comment, long Time);

/// <summary>
/// A scheduled downtime. Fixed: active from <see cref="Start"/> to <see cref="End"/>. Flexible: starts when a
/// problem begins inside the window and lasts <see cref="Duration"/> seconds from then.
/// </summary>
public sealed record Downtime(
    string Id, long Start, long End, bool Fixed, long Duration, string? Author, string Comment, long? StartedAt = null)
{
    public bool IsActive(long now) => Fixed
        ? Start <= now && now < End
        : StartedAt is { } started && now < started + Duration;

    public bool IsOver(long now) => Fixed ? now >= End : StartedAt is { } started ? now >= started + Duration : now > End;

    /// <summary>The next time (after <paramref name="now"/>) at which this downtime starts or ends, if any.</summary>
    public long? NextTransition(long now)
    {
        if (Fixed) return now < Start ? Start : now < End ? End : null;
        if (StartedAt is { } started) return now < started + Duration ? started + Duration : null;
        return now <= End ? End + 1 : null;
    }
}

/// <summary>
/// The live state of one host or service: the original's <c>ls_*</c> fields and <c>_overall_state_id</c>, plus
/// what the engine keeps to decide the next state (acknowledgement, downtimes, services' overall states).
/// </summary>
public sealed record LiveState
{
    public required EntityKind Kind { get; init; }
    /// <summary>The item's configuration as last synchronised from its document.</summary>
    public CheckConfig Config { get; init; } = new();
    /// <summary>A service's host (it is told when the service's overall state changes).</summary>
    public string? HostId { get; init; }
    public required string State { get; init => field = StateNames.Shared(value); }
    public string StateType { get; init => field = StateNames.Shared(value); } = "HARD";
    public int StateId { get; init; } = 3;
    public bool Acknowledged { get; init; }
    public int AcknowledgementType { get; init; } = 1;
    public bool Downtimed { get; init; }
    public long LastCheck { get; init; }
    public required string LastState { get; init => field = StateNames.Shared(value); }
    public string LastStateType { get; init => field = StateNames.Shared(value); } = "HARD";
    public long LastStateChanged { get; init; }
    public long NextCheck { get; init; }
    public string Output { get; init; } = "";
    public string LongOutput { get; init; } = "";
    public string PerfData { get; init; } = "";
    public int CurrentAttempt { get; init; }
    public double Latency { get; init; }
    public double ExecutionTime { get; init; }
    public bool PassiveCheck { get; init; }
    public int StateChanged { get; init; }
    public long LastHardStateChanged { get; init; }
    /// <summary><c>ls_last_time_&lt;state&gt;</c> by lower-case state name.</summary>
    public StateTimes LastTimes { get; init => field = value.WithKeys(StateNames.Shared); }
    public long LastNotification { get; init; }
    public int OverallStateId { get; init; } = 3;
    /// <summary>The state of the last HARD result: what the overall state reflects while a problem is still SOFT.</summary>
    public string? LastHardState { get; init => field = value is null ? null : StateNames.Shared(value); }

    public Acknowledgement? Acknowledgement { get; init; }
    public ImmutableList<Downtime> Downtimes { get; init; } = [];
    /// <summary>The last check result applied (<see cref="ILiveCommand.CommandId"/>), so that it is never applied twice.</summary>
    public string? LastCommandId { get; init; }
    /// <summary>
    /// Host only: the worst overall state of its monitored services. The host entity keeps each service's value in
    /// memory only and the services report again when they start (persisting a map of thousands of services in
    /// every host event made a host with many services quadratic). A change of it alone makes no event; the worst
    /// is stored with the host's next event, so a recovered <see cref="OverallStateId"/> is recomputed as soon as
    /// the services' reports give another worst.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int ServicesWorst { get; init; }

    /// <summary>The state of an item that never had a check result (the schema defaults).</summary>
    public static LiveState Initial(EntityKind kind) => kind == EntityKind.Host
        ? new LiveState { Kind = kind, State = "UNREACHABLE", LastState = "UNREACHABLE" }
        : new LiveState { Kind = kind, State = "UNKNOWN", LastState = "UNKNOWN" };

    public bool IsProblem => State is not ("OK" or "UP");
}

/// <summary>
/// One instance of each state name: every state of a hundred thousand items would otherwise keep its own copies of
/// "OK" and "HARD" (read from JSON at start-up, lower-cased for <see cref="LiveState.LastTimes"/>).
/// </summary>
public static class StateNames
{
    public static string Shared(string name) => name switch
    {
        "OK" => "OK", "WARNING" => "WARNING", "CRITICAL" => "CRITICAL", "UNKNOWN" => "UNKNOWN",
        "UP" => "UP", "DOWN" => "DOWN", "UNREACHABLE" => "UNREACHABLE", "HARD" => "HARD", "SOFT" => "SOFT",
        "ok" => "ok", "warning" => "warning", "critical" => "critical", "unknown" => "unknown",
        "up" => "up", "down" => "down", "unreachable" => "unreachable",
        _ => name,
    };

    /// <summary>The shared lower-case name <see cref="LiveState.LastTimes"/> keys a state by (no new string per result).</summary>
    public static string LastTimeKey(string state) => state switch
    {
        "OK" => "ok", "WARNING" => "warning", "CRITICAL" => "critical", "UNKNOWN" => "unknown",
        "UP" => "up", "DOWN" => "down", "UNREACHABLE" => "unreachable",
        _ => Shared(state.ToLowerInvariant()),
    };
}

using System.Text.Json.Nodes;

namespace Alignak.Actors.Live;

/// <summary>Every message of the live-state engine; serialized with stable names (<see cref="LiveSerializer"/>).</summary>
public interface ILiveMessage;

/// <summary>A command for one host or service entity, routed by its id.</summary>
public interface ILiveCommand : ILiveMessage
{
    string EntityId { get; }
    EntityKind Kind { get; }

    /// <summary>
    /// Names a check result once for all its deliveries: an entity that already applied it (the reply was lost with a
    /// node, and it was sent again) answers <see cref="LiveOutcome.Duplicate"/> rather than applying it twice.
    /// </summary>
    string? CommandId => null;
}

/// <summary>
/// A native check result: the entity applies Nagios semantics. With <paramref name="Log"/>, the entity also builds the
/// result's logcheckresult and history rows, committed with its event (the reply carries them); the logcheckresult's
/// id is <paramref name="CommandId"/> when given.
/// </summary>
public sealed record ApplyCheckResult(string EntityId, EntityKind Kind, CheckInput Result, CheckResultLogContext? Log = null,
    string? CommandId = null) : ILiveCommand;

/// <summary>
/// Live fields told by Alignak (a PATCH of <c>ls_*</c> or a logcheckresult), recorded as they are. With
/// <paramref name="GateLastCheck"/>, ignored when older than the stored last check (spec 2.10). <paramref name="Logs"/>:
/// rows committed with the event (a logcheckresult and its history); unwritten unless the reply is
/// <see cref="LiveOutcome.Applied"/>.
/// </summary>
public sealed record RecordLiveState(string EntityId, EntityKind Kind, JsonObject Told, long? GateLastCheck = null,
    IReadOnlyList<LogDocument>? Logs = null, string? CommandId = null) : ILiveCommand;

public sealed record AcknowledgeProblem(string EntityId, EntityKind Kind, Acknowledgement Acknowledgement) : ILiveCommand;

public sealed record RemoveAcknowledgement(string EntityId, EntityKind Kind) : ILiveCommand;

public sealed record ScheduleDowntime(string EntityId, EntityKind Kind, Downtime Downtime) : ILiveCommand;

/// <summary>Cancels one downtime, or all of them when <paramref name="DowntimeId"/> is null.</summary>
public sealed record CancelDowntime(string EntityId, EntityKind Kind, string? DowntimeId) : ILiveCommand;

/// <summary>A forced check: recorded as the next check time.</summary>
public sealed record RequestCheck(string EntityId, EntityKind Kind, long At) : ILiveCommand;

/// <summary>
/// From a service entity to its host: that service's overall state (null: it no longer counts). Asked when the
/// service's own asker waits for the host (the host then replies its <see cref="LiveReply"/>, Unchanged included),
/// told with no sender otherwise.
/// </summary>
public sealed record ServiceOverallChanged(string EntityId, string ServiceId, int? Overall) : ILiveCommand
{
    public EntityKind Kind => EntityKind.Host;
}

/// <summary>
/// Creates the entity from its document when it has no state yet, takes the document's current configuration,
/// and replies with the state: sent on create, on configuration changes, and to every entity at start-up.
/// </summary>
public sealed record SyncEntity(string EntityId, EntityKind Kind, CheckConfig Config, string? HostId, JsonObject Document) : ILiveCommand;

/// <summary>The host or service was deleted: its events and snapshots go, the entity stops.</summary>
public sealed record ForgetEntity(string EntityId, EntityKind Kind) : ILiveCommand;

public enum LiveOutcome
{
    Applied,
    /// <summary>Nothing to change (e.g. the same state told again).</summary>
    Unchanged,
    /// <summary>Not applied on purpose: a result older than the last check.</summary>
    Ignored,
    /// <summary>Not possible in this state (e.g. acknowledging an OK service, an unknown downtime).</summary>
    Refused,
    Forgotten,
    /// <summary>The journal did not take the change; nothing was applied.</summary>
    Failed,
    /// <summary>Applied before (<see cref="ILiveCommand.CommandId"/>): this delivery changed nothing, its rows are stored.</summary>
    Duplicate,
}

/// <summary>One accepted change of an item's live state: the fields that changed and the whole new state.</summary>
public sealed record LiveChange(string Resource, string Id, long Revision, JsonObject Fields, LiveState State) : ILiveMessage;

/// <summary>
/// The entity's answer, sent once the change is durable (a host's change of its services' worst alone makes no event:
/// it is answered at once). <paramref name="Logged"/>: the logcheckresult and history rows of an
/// <see cref="ApplyCheckResult"/> with a log context, durable with the event when <see cref="LiveOutcome.Applied"/>
/// (otherwise nothing was persisted and the caller writes them).
/// <paramref name="HostChange"/>: when a service's change moved its overall state, its host's change (or, when the
/// host's state did not move, its latest one), taken before this reply was sent, so the asker's node shows both.
/// </summary>
public sealed record LiveReply(LiveOutcome Outcome, LiveState? State, LiveChange? Change = null, string? Message = null,
    IReadOnlyList<LogDocument>? Logged = null, LiveChange? HostChange = null) : ILiveMessage;

/// <summary>The publication every node's index (and later the live push) consumes.</summary>
public sealed record LiveChanged(LiveChange Change) : ILiveMessage;

/// <summary>The only event: the entity's whole new state (small, and recovery needs nothing else).</summary>
public sealed record LiveStateRecorded(LiveState State) : ILiveMessage
{
    /// <summary>
    /// Log rows the journal writes in the same transaction as this event (not part of the event: recovery never
    /// reads them back), so a reply means the state and its log rows are durable together.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<LogDocument>? Logs { get; init; }
}

/// <summary>History events written on one node, published for every node's live push (topic <c>history</c>).</summary>
public sealed record HistoryRecorded(JsonArray Events) : ILiveMessage
{
    public const string Topic = "history";
}

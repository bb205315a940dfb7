using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence;

namespace Alignak.Actors.Live;

/// <summary>
/// One host or service: its live state, acknowledgement and downtimes, persisted as events (the whole new state
/// each time) with a snapshot every <see cref="SnapshotEvery"/> events, after which older events are deleted so
/// the journal stays bounded. Replies once the event is durable, then publishes the change once.
/// </summary>
public abstract class LiveEntity : PersistentActor
{
    public const string ChangesTopic = "live";
    public const int SnapshotEvery = 100;

    /// <summary>
    /// How long an asked service change waits for its host to take its new overall state (well under
    /// <see cref="LiveEntities.Timeout"/>); past it the service's reply goes without the host's change.
    /// </summary>
    public static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(5);

    private readonly EntityKind _kind;
    private readonly string _id;
    private readonly IActorRef _mediator;
    private readonly Cluster _cluster;
    private readonly Documents.DocumentIndex _index;
    // Made when first needed, on the actor's thread: most entities never log.
    private ILoggingAdapter? _logger;
    private ILoggingAdapter Logger => _logger ??= Context.GetLogger();
    private LiveState? _state;
    /// <summary>Host only: each monitored service's overall state, as its entity last reported it.</summary>
    private Dictionary<string, int>? _servicesOverall;
    /// <summary>Host only: its latest change, handed again to a waiting service when its worst state did not move.</summary>
    private LiveChange? _lastChange;
    /// <summary>Who waits for the deletion of a deleted item's events (set once deleting: other messages are dropped).</summary>
    private IActorRef? _forgetting;
    /// <summary>Who waits for the event being persisted (told if the journal fails).</summary>
    private IActorRef _persisting = ActorRefs.Nobody;

    /// <summary>
    /// The next downtime start or end. A scheduled tell rather than Akka's timers: those give every actor a timer
    /// scheduler, its table and its own logger (about 400 B each), and few entities ever have a downtime.
    /// </summary>
    private ICancelable? _downtimeTimer;

    public static string PersistenceIdOf(EntityKind kind, string id) => (kind == EntityKind.Host ? "host-" : "service-") + id;

    /// <summary>The item an entity's persistence id names (null for other persistent actors' ids).</summary>
    public static (EntityKind Kind, string Resource, string Id)? ItemOf(string persistenceId) =>
        persistenceId.StartsWith("host-", StringComparison.Ordinal) ? (EntityKind.Host, "host", persistenceId[5..])
        : persistenceId.StartsWith("service-", StringComparison.Ordinal) ? (EntityKind.Service, "service", persistenceId[8..])
        : null;

    public override string PersistenceId { get; }

    private readonly LocalEntities _local;

    protected LiveEntity(EntityKind kind, string id, Documents.DocumentIndex index, LocalEntities local)
    {
        _kind = kind;
        _id = id;
        _index = index;
        _local = local;
        PersistenceId = PersistenceIdOf(kind, id);
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        _cluster = Cluster.Get(Context.System);
    }

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer offer:
                _state = (LiveState)offer.Snapshot;
                return true;
            case LiveStateRecorded recorded:
                _state = recorded.State;
                return true;
            case RecoveryCompleted:
                ArmTimer();
                return true;
            default:
                return false;
        }
    }

    // A switch rather than Receive tables: those are built per actor instance (about 1.5 KB of delegates and
    // matchers each, for a hundred thousand entities).
    protected override bool ReceiveCommand(object message) => _forgetting is { } replyTo ? Forgetting(message, replyTo) : Active(message);

    private bool Active(object message)
    {
        switch (message)
        {
            case SyncEntity sync:
            {
                var current = _state ?? LiveFields.FromDocument(LiveState.Initial(_kind), sync.Document);
                var next = current with { Config = sync.Config, HostId = sync.HostId };
                // A new item gets its overall state as the original computes it on insert; a change of the check flags
                // moves it in or out of "not monitored".
                if (_state is null || current.Config.Monitored != sync.Config.Monitored)
                    next = next with { OverallStateId = LiveRules.Overall(next, sync.Config) };
                Decide(next, Sender, forceCreate: _state is null, report: true);
                return true;
            }
            case ILiveCommand { CommandId: { } id } when id == Current.LastCommandId:
                Sender.Tell(new LiveReply(LiveOutcome.Duplicate, Current));
                Self.Tell(DropLastSender.Instance, ActorRefs.NoSender);
                return true;
            case ApplyCheckResult apply:
            {
                var next = LiveRules.ApplyCheck(Current, Current.Config, apply.Result);
                if (apply.Log is not { } context) Decide(next, Sender, commandId: apply.CommandId);
                else Decide(next, Sender, rows: CheckResultLog.Documents(context, apply.Result, next, apply.CommandId), replyRows: true,
                    commandId: apply.CommandId);
                return true;
            }
            case RecordLiveState record:
                if (record.GateLastCheck is { } lastCheck && Current.LastCheck != 0 && lastCheck < Current.LastCheck)
                    Sender.Tell(new LiveReply(LiveOutcome.Ignored, Current, Message: "older than the last check"));
                else
                    Decide(LiveFields.Record(Current, Current.Config, record.Told), Sender, rows: record.Logs, commandId: record.CommandId);
                return true;
            case AcknowledgeProblem ack:
                if (LiveRules.Acknowledge(Current, Current.Config, ack.Acknowledgement) is { } acknowledged) Decide(acknowledged, Sender);
                else Sender.Tell(new LiveReply(LiveOutcome.Refused, Current, Message: $"{Current.State} is not a problem to acknowledge"));
                return true;
            case RemoveAcknowledgement:
                Decide(LiveRules.RemoveAcknowledgement(Current, Current.Config), Sender);
                return true;
            case ScheduleDowntime schedule:
                Decide(LiveRules.AddDowntime(Current, Current.Config, schedule.Downtime, Now()), Sender);
                return true;
            case CancelDowntime cancel:
            {
                var next = cancel.DowntimeId is { } downtimeId
                    ? LiveRules.CancelDowntime(Current, Current.Config, downtimeId, Now())
                    : LiveRules.CancelAllDowntimes(Current, Current.Config, Now());
                if (next is null) Sender.Tell(new LiveReply(LiveOutcome.Refused, Current, Message: "no such downtime"));
                else Decide(next, Sender);
                return true;
            }
            case RequestCheck request:
                Decide(Current with { NextCheck = request.At }, Sender);
                return true;
            case ServiceOverallChanged changed:
                TakeServiceOverall(changed);
                return true;
            case DropLastSender:
                return true;
            case DowntimeTimer:
                Decide(LiveRules.Tick(Current, Current.Config, Now()), ActorRefs.Nobody);
                return true;
            case ForgetEntity:
                TellHost(null);
                DeleteMessages(long.MaxValue);
                DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
                _forgetting = Sender;
                return true;
            // Deletes that follow a snapshot (pruning) need nothing more.
            case DeleteMessagesSuccess:
                return true;
            case DeleteMessagesFailure failure:
                Logger.Warning("Old events of {0} not deleted: {1}", PersistenceId, failure.Cause.Message);
                return true;
            // The snapshot store keeps one snapshot per entity (a newer one replaces it): no older one to delete.
            case SaveSnapshotSuccess saved:
                DeleteMessages(saved.Metadata.SequenceNr);
                return true;
            case SaveSnapshotFailure failed:
                Logger.Warning("Snapshot of {0} failed: {1}", PersistenceId, failed.Cause.Message);
                return true;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Host: a service's new overall state (its entity's report).</summary>
    private void TakeServiceOverall(ServiceOverallChanged changed)
    {
        // Made on a host's first report: a service entity never needs one (a hundred thousand of them idle).
        var overalls = _servicesOverall ??= new Dictionary<string, int>(StringComparer.Ordinal);
        if (changed.Overall is { } overall and < LiveRules.NotMonitored) overalls[changed.ServiceId] = overall;
        else overalls.Remove(changed.ServiceId);
        var worst = overalls.Count == 0 ? 0 : overalls.Values.Max();
        if (worst == Current.ServicesWorst)
        {
            // A waiting service gets the host's latest change even so: the reply or publication that first
            // carried it may not have reached the waiting asker's node yet.
            if (!Sender.IsNobody()) Sender.Tell(new LiveReply(LiveOutcome.Unchanged, Current, _lastChange));
        }
        // A host with no state yet gets its first event, as from a sync.
        else if (_state is null) Decide(LiveRules.WithServicesWorst(Current, Current.Config, worst), Sender);
        else TakeServicesWorst(worst, Sender);
    }

    /// <summary>The item was deleted: once its events are gone the entity stops; other messages are dropped.</summary>
    private bool Forgetting(object message, IActorRef replyTo)
    {
        switch (message)
        {
            // Akka may cap "everything" at the last sequence number; a pruning delete stops below it.
            case DeleteMessagesSuccess deleted when deleted.ToSequenceNr >= LastSequenceNr:
                Forgotten(replyTo);
                break;
            case DeleteMessagesFailure failure when failure.ToSequenceNr >= LastSequenceNr:
                Logger.Warning("Events of deleted item {0} not deleted: {1}", PersistenceId, failure.Cause.Message);
                Forgotten(replyTo);
                break;
            // A deleted host has nothing to take: a waiting service replies without it rather than time out.
            case ServiceOverallChanged:
                if (!Sender.IsNobody()) Sender.Tell(new LiveReply(LiveOutcome.Forgotten, null));
                break;
        }
        return true;
    }

    private sealed record DowntimeTimer
    {
        public static readonly DowntimeTimer Instance = new();
    }

    /// <summary>
    /// Told to itself (with no sender) after a reply: Akka's cell keeps the last message's sender until the next
    /// message, and an ask's sender holds its answer (the check result's documents), so ten thousand idle entities
    /// would otherwise keep ten thousand answers alive.
    /// </summary>
    private sealed record DropLastSender
    {
        public static readonly DropLastSender Instance = new();
    }

    private LiveState Current => _state ?? LiveState.Initial(_kind);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private void Forgotten(IActorRef replyTo)
    {
        if (!replyTo.IsNobody()) replyTo.Tell(new LiveReply(LiveOutcome.Forgotten, null));
        Context.Stop(Self);
    }

    /// <summary>Persists <paramref name="next"/> when it differs, then replies and publishes.</summary>
    /// <param name="report">Reply with the whole state as a change even when nothing changed (start-up sync).</param>
    /// <param name="replyTo">
    /// Who asked (Nobody for the entity's own timers and its services' told reports). A service change that moves the
    /// overall state is answered once the host has taken it (a sync, <paramref name="report"/>, only tells the host).
    /// </param>
    /// <param name="rows">Log rows committed with the event (left unwritten when nothing changed: the reply says so).</param>
    /// <param name="replyRows">A native check result's rows: handed back in the reply.</param>
    /// <param name="commandId">The check result's name, kept with the state it makes (a state that does not change keeps none:
    /// applying such a result again changes nothing either).</param>
    private void Decide(LiveState next, IActorRef replyTo, bool forceCreate = false, bool report = false,
        IReadOnlyList<LogDocument>? rows = null, bool replyRows = false, string? commandId = null)
    {
        var before = Current;
        if (!forceCreate && next == before)
        {
            var whole = report ? Change(LiveFields.ToJson(before), before) : null;
            if (!replyTo.IsNobody())
            {
                replyTo.Tell(new LiveReply(LiveOutcome.Unchanged, before, whole, Logged: replyRows ? rows : null));
                Self.Tell(DropLastSender.Instance, ActorRefs.NoSender);
            }
            // A host keeps its services' states in memory only: a service reports again on every sync (start-up).
            if (report) TellHost(before);
            return;
        }
        if (commandId is not null) next = next with { LastCommandId = commandId };
        _persisting = replyTo;
        FreshJournalBatch();
        Persist(new LiveStateRecorded(next) { Logs = rows }, recorded =>
        {
            _persisting = ActorRefs.Nobody;
            _state = recorded.State;
            var fields = forceCreate ? LiveFields.ToJson(recorded.State) : LiveFields.Changed(before, recorded.State);
            var change = Change(fields, recorded.State);
            if (_kind == EntityKind.Host) _lastChange = change;
            var reply = new LiveReply(LiveOutcome.Applied, recorded.State, change, Logged: replyRows ? rows : null);
            var overallMoved = before.OverallStateId != recorded.State.OverallStateId;
            if (overallMoved && !report && !replyTo.IsNobody() && HostMessage(recorded.State) is { } toHost)
                ReplyAfterHost(toHost, reply, replyTo);
            else
            {
                if (!replyTo.IsNobody()) replyTo.Tell(reply);
                if (report || overallMoved) TellHost(recorded.State);
            }
            if (!replyTo.IsNobody()) Self.Tell(DropLastSender.Instance, ActorRefs.NoSender);
            Publish(change);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(recorded.State);
            ArmTimer();
        });
    }

    /// <summary>
    /// Akka's <c>Eventsourced</c> sends its batch list to the journal and makes the next one at once, so an idle
    /// entity's empty list grows old (gen2) before the next event is added to it. After the write that old, dead list
    /// still points at the event, its log rows, the ask and its reply, and the GC keeps all of them until its next full
    /// collection: every check result's objects survived two collections (25 MB promoted per gen0, 40-50 ms pauses
    /// at 5,700 results/s). A list made just before the event dies young with it. Only an empty list is replaced:
    /// one that holds writes waiting for the journal is still Akka's to send.
    /// </summary>
    private void FreshJournalBatch()
    {
        ref var batch = ref JournalBatch(this);
        if (batch.Count == 0) batch = new List<IPersistentEnvelope>(1);
    }

    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "_journalBatch")]
    private static extern ref List<IPersistentEnvelope> JournalBatch(Eventsourced entity);

    /// <summary>
    /// Host: the new worst of its services, taken without an event. It derives from the services' durable states
    /// (they report again at start-up), so waiting for a commit here would only hold every asked result of the
    /// host's services behind the host's journal writes.
    /// </summary>
    private void TakeServicesWorst(int worst, IActorRef replyTo)
    {
        var before = Current;
        _state = LiveRules.WithServicesWorst(before, before.Config, worst);
        var change = Change(LiveFields.Changed(before, _state), _state);
        _lastChange = change;
        if (!replyTo.IsNobody()) replyTo.Tell(new LiveReply(LiveOutcome.Applied, _state, change));
        Publish(change);
    }

    /// <summary>
    /// This node's index takes the change at once (before any reply is read); the other nodes' through the topic,
    /// published only when there are other nodes: alone, the three hops (mediator, topic, feeder) would only bring
    /// the change back here.
    /// </summary>
    private void Publish(LiveChange change)
    {
        _index.ApplyLive(change);
        if (_cluster.State.Members.Count > 1) _mediator.Tell(new Publish(ChangesTopic, new LiveChanged(change)));
    }

    // Through the region even when the host runs here: a service's reports are told without waiting, and one sent
    // directly could overtake an earlier one still on its way through the region (the host keeps the last it hears).
    private IActorRef Hosts => ActorRegistry.For(Context.System).Get<HostEntity>();

    /// <summary>A service's report of its overall state to its host (null state: it no longer counts, e.g. deleted).</summary>
    private ServiceOverallChanged? HostMessage(LiveState? state) =>
        _kind == EntityKind.Service && (state ?? _state)?.HostId is { } hostId
            ? new ServiceOverallChanged(hostId, _id, state is { Config.Monitored: true } ? state.OverallStateId : null)
            : null;

    /// <summary>Tells the host without waiting, and with no sender: the host answers nobody.</summary>
    private void TellHost(LiveState? state)
    {
        if (HostMessage(state) is { } message) Hosts.Tell(message, ActorRefs.NoSender);
    }

    /// <summary>
    /// Replies to <paramref name="replyTo"/> once the host has taken the service's new overall state, with the host's
    /// change; the entity goes on meanwhile. Without the host's answer in time the reply goes all the same (the
    /// service's change is durable), only without the host's change.
    /// </summary>
    private void ReplyAfterHost(ServiceOverallChanged message, LiveReply reply, IActorRef replyTo)
    {
        // The system's logger: the entity's own would be made (with its path) for every service that waits here.
        var log = Context.System.Log;
        var persistenceId = PersistenceId;
        Hosts.Ask<LiveReply>(message, HostTimeout).ContinueWith(asked =>
        {
            if (asked.IsCompletedSuccessfully && asked.Result.Outcome is LiveOutcome.Applied or LiveOutcome.Unchanged)
                return reply with { HostChange = asked.Result.Change };
            if (!asked.IsCompletedSuccessfully || asked.Result.Outcome != LiveOutcome.Forgotten)
                log.Warning("Host {0} did not take the overall state of {1}; replied without it: {2}", message.EntityId, persistenceId,
                    asked.IsCompletedSuccessfully ? asked.Result.Message ?? asked.Result.Outcome.ToString() : asked.Exception?.GetBaseException().Message ?? "no answer");
            return reply;
        }, TaskContinuationOptions.ExecuteSynchronously).PipeTo(replyTo);
    }

    private LiveChange Change(System.Text.Json.Nodes.JsonObject fields, LiveState state) =>
        new(_kind == EntityKind.Host ? "host" : "service", _id, Documents.Revisions.Next(), fields, state);

    private void ArmTimer()
    {
        if (_state is null) return;
        var now = Now();
        _downtimeTimer?.Cancel();
        // A tick already in the mailbox when cancelled only re-evaluates the state at its time, as any tick does.
        _downtimeTimer = LiveRules.NextTimer(_state, now) is { } at
            ? Context.System.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromSeconds(Math.Max(0, at - now)), Self, DowntimeTimer.Instance, ActorRefs.NoSender)
            : null;
    }

    protected override void PreStart()
    {
        _local.Add(_kind, _id, Self);
        base.PreStart();
    }

    protected override void PostStop()
    {
        _local.Remove(_kind, _id, Self);
        _downtimeTimer?.Cancel();
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The entity stops (and restarts on its next message, from what is durable); the caller hears it now.
        Logger.Error(cause, "Live state of {0} could not be persisted", PersistenceId);
        if (!_persisting.IsNobody()) _persisting.Tell(new LiveReply(LiveOutcome.Failed, null, Message: cause.Message));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}

public sealed class HostEntity(string id, Documents.DocumentIndex index, LocalEntities local) : LiveEntity(EntityKind.Host, id, index, local);

public sealed class ServiceEntity(string id, Documents.DocumentIndex index, LocalEntities local) : LiveEntity(EntityKind.Service, id, index, local);

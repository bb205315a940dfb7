using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;

namespace Alignak.Actors.Live;

/// <summary>Routes a live command to its entity by id (Murmur-based, stable across processes).</summary>
public sealed class LiveEntityMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    /// <summary>About ten times the largest planned node count.</summary>
    public const int ShardCount = 100;

    public override string? EntityId(object message) => (message as ILiveCommand)?.EntityId;
}

/// <summary>Applies the other nodes' live changes to this node's index (an entity applies its own here directly).</summary>
public sealed class LiveIndexFeeder : ReceiveActor
{
    public LiveIndexFeeder(DocumentIndex index)
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(LiveEntity.ChangesTopic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<LiveChanged>(changed => index.ApplyLive(changed.Change));
    }
}

/// <summary>
/// A node removed from the cluster: the check results in flight that it may have lost go again, a second and then five
/// seconds later (this node's shard regions must have taken the removal first, or they route them to it once more).
/// </summary>
public sealed class LiveFailover : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan[] ResendAfter = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    private sealed record Resend(int Index);

    public ITimerScheduler Timers { get; set; } = null!;

    public LiveFailover(LiveEntities entities)
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(Akka.Cluster.ClusterEvent.MemberRemoved));
        Receive<Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Akka.Cluster.ClusterEvent.MemberRemoved>(_ =>
        {
            for (var i = 0; i < ResendAfter.Length; i++) Timers.StartSingleTimer(i, new Resend(i), ResendAfter[i]);
        });
        Receive<Resend>(_ => entities.ResendInFlight());
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
}

/// <summary>
/// A command sent straight to a local entity (<see cref="LocalEntities"/>) that stopped before taking it (handed off
/// to another node, stopped by a journal failure) lands in dead letters: it goes again through its shard region,
/// which starts the entity again or finds where it went. The shard may not have seen the stop yet and hand the command
/// to the stopped entity once more, so it goes after a short wait, a few times, then no more (an entity that cannot
/// start is not fed forever; its asker times out as before).
/// </summary>
public sealed class LiveCommandRedelivery : ReceiveActor
{
    private const int MaxAttempts = 5;
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(50);

    private readonly ConditionalWeakTable<ILiveCommand, StrongBox<int>> _attempts = new();

    public LiveCommandRedelivery()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
        var registry = ActorRegistry.For(Context.System);
        Receive<DeadLetter>(dead =>
        {
            if (dead.Message is not ILiveCommand command) return;
            var region = command.Kind == EntityKind.Host ? registry.Get<HostEntity>() : registry.Get<ServiceEntity>();
            var attempts = _attempts.GetOrCreateValue(command);
            if (dead.Recipient.Equals(region) || ++attempts.Value > MaxAttempts) return;
            Context.System.Scheduler.ScheduleTellOnce(Wait * attempts.Value, region, command, dead.Sender);
        });
    }
}

/// <summary>The edge's way to the entities: ask one, then make its change visible on this node.</summary>
public sealed class LiveEntities(ActorSystem system, IRequiredActor<HostEntity> hosts, IRequiredActor<ServiceEntity> services, DocumentIndex index,
    LocalEntities local)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<OrderedAsks, byte> _inFlight = new();

    /// <summary>
    /// Commands in order per entity, different entities at once; replies in the commands' order, each change made
    /// visible on this node as it comes. A command after a failed one of its entity is not asked (null reply).
    /// </summary>
    public async Task<LiveReply?[]> AskInOrderAsync(IReadOnlyList<ILiveCommand> commands, CancellationToken cancellationToken = default)
    {
        var (hostRegion, serviceRegion) = (await hosts.GetAsync(cancellationToken), await services.GetAsync(cancellationToken));
        var targets = new IActorRef[commands.Count];
        for (var i = 0; i < commands.Count; i++)
            targets[i] = local.Find(commands[i].Kind, commands[i].EntityId) ?? (commands[i].Kind == EntityKind.Host ? hostRegion : serviceRegion);
        return await OrderedAsks.AskAsync(system, commands, targets, c => c.Kind == EntityKind.Host ? hostRegion : serviceRegion, MakeVisible,
            Timeout, _inFlight, cancellationToken);
    }

    /// <summary>A node left the cluster: the check results it may have taken unanswered go again (<see cref="OrderedAsks.ResendThroughRegion"/>).</summary>
    public void ResendInFlight()
    {
        foreach (var asks in _inFlight.Keys) asks.ResendThroughRegion();
    }

    /// <summary>One command, the same way (a single command always gets its reply, or the ask fails).</summary>
    public async Task<LiveReply> AskAsync(ILiveCommand command, CancellationToken cancellationToken = default) =>
        (await AskInOrderAsync([command], cancellationToken))[0]!;

    /// <summary>Read-your-writes on this node even when the entity lives on another one; a service's host included.</summary>
    private void MakeVisible(LiveReply reply)
    {
        if (reply.Change is { } change) index.ApplyLive(change);
        if (reply.HostChange is { } hostChange) index.ApplyLive(hostChange);
    }

    /// <summary>The entity's configuration inputs and first state, taken from its document.</summary>
    public static SyncEntity Sync(EntityKind kind, IDocumentFields document) => new(
        (string)document["_id"]!, kind,
        new CheckConfig(
            document["max_check_attempts"] is { } attempts ? (int)attempts.GetValue<double>() : 1,
            document["active_checks_enabled"]?.GetValue<bool>() ?? true,
            document["passive_checks_enabled"]?.GetValue<bool>() ?? true),
        kind == EntityKind.Service ? document["host"]?.GetValue<string>() : null,
        LiveFieldsOf(kind, document));

    /// <summary>The document's live fields (the entity starts from them when it has no state yet).</summary>
    private static System.Text.Json.Nodes.JsonObject LiveFieldsOf(EntityKind kind, IDocumentFields document)
    {
        var fields = new System.Text.Json.Nodes.JsonObject();
        foreach (var name in LiveFields.Names(kind))
            if (document[name] is { } value) fields[name] = value.DeepClone();
        return fields;
    }
}

public static class LiveHosting
{
    public static AkkaConfigurationBuilder AddLiveEntities(this AkkaConfigurationBuilder builder)
    {
        // Entities stay up: their downtime timers must fire, and start-up wakes them all anyway.
        var options = new ShardOptions
        {
            StateStoreMode = StateStoreMode.DData,
            RememberEntities = false,
            ShouldPassivateIdleEntities = false,
        };
        return builder
            .AddHocon(EntityMailbox.Hocon, HoconAddMode.Append)
            .WithCustomSerializer("alignak-live", [typeof(ILiveMessage), typeof(LiveState)], system => new LiveSerializer(system))
            .WithShardRegion<HostEntity>("host-entity", (_, _, resolver) => id => resolver.Props<HostEntity>(id).WithMailbox(EntityMailbox.Path),
                new LiveEntityMessageExtractor(), options)
            .WithShardRegion<ServiceEntity>("service-entity", (_, _, resolver) => id => resolver.Props<ServiceEntity>(id).WithMailbox(EntityMailbox.Path),
                new LiveEntityMessageExtractor(), options)
            .WithActors((system, registry, resolver) =>
            {
                registry.Register<LiveIndexFeeder>(system.ActorOf(resolver.Props<LiveIndexFeeder>(), "live-index-feeder"));
                system.ActorOf(Props.Create<LiveCommandRedelivery>(), "live-command-redelivery");
                system.ActorOf(resolver.Props<LiveFailover>(), "live-failover");
            });
    }
}

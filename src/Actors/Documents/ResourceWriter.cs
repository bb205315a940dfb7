using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Hosting;
using Alignak.Actors.Messaging;
using Alignak.Actors.Resources;

namespace Alignak.Actors.Documents;

/// <summary>
/// The single writer of one configuration resource (sharded by resource name): decides a write,
/// commits it, applies it to this node's index, publishes it once, then replies. Writes to one
/// resource are serial, which keeps uniqueness checks exact.
/// </summary>
public sealed class ResourceWriter : ReceiveActor, IWithStash, IWithTimers
{
    public const string ChangesTopic = "documents";

    private readonly DocumentIndex _index;
    private readonly IDocumentStore _store;
    private readonly WritePlanner _planner;
    private readonly IActorRef _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    private readonly MessageLimits _limits;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);

    public ResourceWriter(DocumentIndex index, IDocumentStore store, MessageLimits limits)
    {
        _index = index;
        _store = store;
        _limits = limits;
        _planner = new WritePlanner(index);
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        Ready();
    }

    /// <summary>The reply, whole or in parts (<see cref="WriteReplies"/>).</summary>
    private static void Reply(IActorRef replyTo, WriteResult result)
    {
        foreach (var message in WriteReplies.For(result, replyTo)) replyTo.Tell(message);
    }

    /// <summary>In a cluster, a document every node must receive cannot be larger than one message may carry.</summary>
    private DocumentChange? TooLarge(IReadOnlyList<DocumentChange> changes) =>
        _cluster.State.Members.Count > 1 ? changes.FirstOrDefault(c => !_limits.Fits(c.Json)) : null;

    private sealed record Committed(WriteResult Result, IActorRef ReplyTo);

    private sealed record CommitFailed(Exception Cause, IResourceCommand Command, IActorRef ReplyTo, int Attempt);

    /// <summary>A write whose document another writer changed meanwhile, planned again over the newer index.</summary>
    private sealed record Replan(IResourceCommand Command, IActorRef ReplyTo, int Attempt) : INoSerializationVerificationNeeded;

    // Another resource's writer (a hook's cascade, template propagation) may win the race for a document a few
    // times in a row; each try waits a little longer for that writer's change to reach the index.
    private const int MaxAttempts = 8;

    private void Ready()
    {
        Receive<IResourceCommand>(command => Handle(command, Sender, attempt: 1));
        Receive<Replan>(replan => Handle(replan.Command, replan.ReplyTo, replan.Attempt));
    }

    private void Handle(IResourceCommand command, IActorRef replyTo, int attempt)
    {
        WriteResult result;
        try
        {
            result = _planner.Plan(command);
        }
        catch (Exception e)
        {
            _log.Error(e, "Write to {0} could not be planned", command.Resource);
            Reply(replyTo, WriteResult.Fail(WriteStatus.BadRequest, e.Message));
            return;
        }
        if (result.Changes.Count == 0)
        {
            Reply(replyTo, result);
            return;
        }
        if (TooLarge(result.Changes) is { } large)
        {
            Reply(replyTo, WriteResult.Fail(WriteStatus.TooLarge,
                $"{large.Resource} {large.Id} would be {MessageLimits.Bytes(large.Json)} bytes, more than the {_limits.MaxTextBytes} bytes one node may pass to another; nothing was written"));
            return;
        }
        _store.CommitAsync(result.Changes, CancellationToken.None).PipeTo(Self,
            success: () => new Committed(result, replyTo),
            failure: e => new CommitFailed(e, command, replyTo, attempt));
        Become(Committing);
    }

    private void Committing()
    {
        Receive<Committed>(committed =>
        {
            _index.Apply(committed.Result.Changes);
            foreach (var publication in WriteReplies.Publications(committed.Result.Changes))
                _mediator.Tell(new Publish(ChangesTopic, publication));
            Reply(committed.ReplyTo, committed.Result);
            Stash.UnstashAll();
            Become(Ready);
        });
        Receive<CommitFailed>(failed =>
        {
            var conflict = failed.Cause is DocumentConflictException || failed.Cause.InnerException is DocumentConflictException;
            if (conflict && failed.Attempt < MaxAttempts)
            {
                _log.Debug("Write to {0} met another write ({1}); planning it again", failed.Command.Resource, failed.Cause.Message);
                Timers.StartSingleTimer(Guid.NewGuid(), new Replan(failed.Command, failed.ReplyTo, failed.Attempt + 1),
                    TimeSpan.FromMilliseconds(5 * failed.Attempt));
            }
            else if (conflict)
                Reply(failed.ReplyTo, WriteResult.Fail(WriteStatus.Conflict, failed.Cause.Message));
            else
            {
                _log.Error(failed.Cause, "Write could not be committed; nothing was changed");
                Reply(failed.ReplyTo, WriteResult.Fail(WriteStatus.Unavailable, "The database did not accept the write"));
            }
            Stash.UnstashAll();
            Become(Ready);
        });
        ReceiveAny(_ => Stash.Stash());
    }
}

/// <summary>
/// The publication of accepted changes that every node's index consumes; a large write's changes come in several
/// (<see cref="WriteReplies.Publications"/>).
/// </summary>
public sealed record DocumentsChanged(IReadOnlyList<DocumentChange> Changes) : IDocumentMessage;

/// <summary>Routes a write to the writer of its resource. Hashing is Murmur-based, stable across processes.</summary>
public sealed class ResourceWriterMessageExtractor() : HashCodeMessageExtractor(ShardCount)
{
    /// <summary>About ten times the largest planned node count.</summary>
    public const int ShardCount = 50;

    public override string? EntityId(object message) => (message as IResourceCommand)?.Resource;
}

/// <summary>Applies the changes other nodes publish to this node's index.</summary>
public sealed class DocumentIndexFeeder : ReceiveActor
{
    public DocumentIndexFeeder(DocumentIndex index)
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(ResourceWriter.ChangesTopic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<DocumentsChanged>(changed => index.Apply(changed.Changes));
    }
}

/// <summary>What follows an accepted write before its reply (live entities, history events).</summary>
public interface IWriteObserver
{
    Task AfterWriteAsync(IResourceCommand command, WriteResult result, CancellationToken cancellationToken);
}

/// <summary>The edge's way to write: ask the resource's writer, then make the change visible here.</summary>
public sealed class DocumentWriter(IRequiredActor<ResourceWriter> writers, DocumentIndex index, IEnumerable<IWriteObserver> observers,
    ActorSystem system, MessageLimits limits)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async Task<WriteResult> SendAsync(IResourceCommand command, CancellationToken cancellationToken = default)
    {
        var region = await writers.GetAsync(cancellationToken);
        if (!FitsOneMessage(command))
            return WriteResult.Fail(WriteStatus.TooLarge,
                $"The write is more than the {limits.MaxTextBytes} bytes one node may pass to another; nothing was written");
        var result = await WriteReplies.AskAsync(system, region, WithLiveChecked(command), Timeout, cancellationToken);
        // Read-your-writes on this node even when the writer lives on another one.
        index.Apply(result.Changes);
        if (result.Changes.Count == 0) return result;
        foreach (var observer in observers) await observer.AfterWriteAsync(command, result, cancellationToken);
        if (command.Resource is not (ResourceNames.Host or ResourceNames.Service)) return result;
        // Their live state is merged in by then, which changes the ETag: reply the one a client can use as If-Match
        // (the original rewrote its insert-time ETag in the response likewise).
        var collection = index.Collection(command.Resource);
        return result with
        {
            Items = result.Items.Select(item => item.Id is { } id && collection.Get(id)?["_etag"] is JsonValue etag
                ? item with { ETag = etag.GetValue<string>() } : item).ToList(),
        };
    }

    /// <summary>
    /// If-Match matching the ETag this node serves, state included: the writer then checks the configuration's own
    /// ETag (<see cref="IConditionalCommand"/>). Any other If-Match goes as it came and fails there.
    /// </summary>
    private IResourceCommand WithLiveChecked(IResourceCommand command) =>
        command is IConditionalCommand { IfMatch: { } ifMatch } conditional
        && index.Collection(command.Resource).Get(conditional.Id) is { Live: not null, ConfigurationEtag: { } configuration } document
        && ETags.Normalize(ifMatch) == document.Etag
            ? conditional.CheckedAgainst(configuration)
            : command;

    /// <summary>In a cluster, whether the command can reach a writer on another node.</summary>
    private bool FitsOneMessage(IResourceCommand command) =>
        Akka.Cluster.Cluster.Get(system).State.Members.Count <= 1 || command switch
        {
            CreateDocuments create => limits.Fits(create.Json),
            PatchDocument patch => limits.Fits(patch.Json),
            ReplaceDocument replace => limits.Fits(replace.Json),
            DeleteAllDocuments { OnlyIds: { } ids } => limits.Fits(ids.Sum(id => (long)id.Length + 3)),
            _ => true,
        };
}

public static class ResourceWriterHosting
{
    public static AkkaConfigurationBuilder AddResourceWriters(this AkkaConfigurationBuilder builder) =>
        builder
            .WithShardRegion<ResourceWriter>("resource-writer",
                (_, _, resolver) => _ => resolver.Props<ResourceWriter>(),
                new ResourceWriterMessageExtractor(),
                new ShardOptions { StateStoreMode = StateStoreMode.DData, RememberEntities = false })
            .WithCustomSerializer("alignak-documents", [typeof(IDocumentMessage)], system => new DocumentSerializer(system))
            .WithActors((system, registry, resolver) =>
                registry.Register<DocumentIndexFeeder>(
                    system.ActorOf(resolver.Props<DocumentIndexFeeder>(), "document-index-feeder")));
}

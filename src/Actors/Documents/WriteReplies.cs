using Akka.Actor;
using Alignak.Actors.Messaging;

namespace Alignak.Actors.Documents;

/// <summary>
/// One part of a writer's reply that was too large for one message between nodes (a list of 200 services answers
/// with ~700 KB of documents). The asking node joins the <paramref name="Count"/> parts by <paramref name="Index"/>.
/// </summary>
public sealed record WriteResultPart(int Index, int Count, WriteResult Slice) : IDocumentMessage;

/// <summary>How a writer's reply crosses nodes: whole when it is small or the asker is local, else in parts.</summary>
public static class WriteReplies
{
    private const long PerItem = 64;

    public static long Size(ItemOutcome item) => PerItem + MessageLimits.Bytes(item.Id) + MessageLimits.Bytes(item.Created)
        + MessageLimits.Bytes(item.Updated) + MessageLimits.Bytes(item.ETag) + MessageLimits.Bytes(item.IssuesJson);

    public static long Size(DocumentChange change) =>
        PerItem + MessageLimits.Bytes(change.Resource) + MessageLimits.Bytes(change.Id) + MessageLimits.Bytes(change.Json);

    /// <summary>The messages that carry <paramref name="result"/> to <paramref name="asker"/>.</summary>
    public static IReadOnlyList<IDocumentMessage> For(WriteResult result, IActorRef asker)
    {
        // A local asker gets the object itself: nothing is serialized.
        if (asker.Path.Address.HasLocalScope) return [result];
        var sizes = result.Items.Select(Size).Concat(result.Changes.Select(Size)).ToList();
        var ranges = MessageLimits.Pack(sizes);
        if (ranges.Count == 1) return [result];
        var items = result.Items.Count;
        return ranges.Select((range, index) =>
        {
            var (start, end) = (range.Start.Value, range.End.Value);
            var slice = result with
            {
                Items = Slice(result.Items, start, Math.Min(end, items)),
                Changes = Slice(result.Changes, Math.Max(start - items, 0), Math.Max(end - items, 0)),
            };
            return (IDocumentMessage)new WriteResultPart(index, ranges.Count, slice);
        }).ToList();
    }

    /// <summary>The publications of <paramref name="changes"/>: one, or several under the part budget.</summary>
    public static IEnumerable<DocumentsChanged> Publications(IReadOnlyList<DocumentChange> changes) =>
        MessageLimits.Pack(changes.Select(Size).ToList()).Select(range =>
            new DocumentsChanged(Slice(changes, range.Start.Value, range.End.Value)));

    public static WriteResult Join(IReadOnlyList<WriteResultPart> parts) => parts[0].Slice with
    {
        Items = parts.SelectMany(p => p.Slice.Items).ToList(),
        Changes = parts.SelectMany(p => p.Slice.Changes).ToList(),
    };

    private static List<T> Slice<T>(IReadOnlyList<T> list, int start, int end)
    {
        var slice = new List<T>(Math.Max(end - start, 0));
        for (var i = start; i < end; i++) slice.Add(list[i]);
        return slice;
    }

    /// <summary>
    /// Sends <paramref name="command"/> to the writers and waits for the whole reply: an Ask that takes a reply in
    /// parts. Fails as an Ask does: <see cref="AskTimeoutException"/> after <paramref name="timeout"/>, cancelled
    /// with <paramref name="cancellationToken"/>.
    /// </summary>
    public static async Task<WriteResult> AskAsync(ActorSystem system, IActorRef writers, IResourceCommand command, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var promise = new TaskCompletionSource<WriteResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = system.ActorOf(Props.Create(typeof(WriteReplyCollector), promise, timeout).WithDeploy(Deploy.Local));
        await using var registration = cancellationToken.Register(() => collector.Tell(PoisonPill.Instance));
        writers.Tell(command, collector);
        return await promise.Task;
    }
}

/// <summary>Takes a writer's reply on the asking node, whole or in parts, then stops.</summary>
internal sealed class WriteReplyCollector : ReceiveActor, IWithTimers
{
    private sealed class Expired
    {
        public static readonly Expired Instance = new();
    }

    private readonly TaskCompletionSource<WriteResult> _promise;
    private readonly TimeSpan _timeout;
    private WriteResultPart?[] _parts = [];
    private int _received;

    public ITimerScheduler Timers { get; set; } = null!;

    public WriteReplyCollector(TaskCompletionSource<WriteResult> promise, TimeSpan timeout)
    {
        _promise = promise;
        _timeout = timeout;
        Receive<WriteResult>(Complete);
        Receive<WriteResultPart>(part =>
        {
            if (_parts.Length == 0) _parts = new WriteResultPart?[part.Count];
            if (part.Count != _parts.Length || part.Index < 0 || part.Index >= _parts.Length || _parts[part.Index] is not null) return;
            _parts[part.Index] = part;
            if (++_received == _parts.Length) Complete(WriteReplies.Join(_parts!));
        });
        Receive<Expired>(_ =>
        {
            _promise.TrySetException(new AskTimeoutException(
                $"No reply from the writer within {_timeout.TotalSeconds} s ({_received} of {_parts.Length} parts)"));
            Context.Stop(Self);
        });
    }

    protected override void PreStart() => Timers.StartSingleTimer(Expired.Instance, Expired.Instance, _timeout);

    protected override void PostStop() => _promise.TrySetCanceled();

    private void Complete(WriteResult result)
    {
        _promise.TrySetResult(result);
        Context.Stop(Self);
    }
}

using Akka.Actor;

namespace Alignak.Actors.Live;

/// <summary>
/// Many commands asked of their entities through one reply address: one entity's commands in order (the next sent
/// when the previous is answered), different entities at once (at most <see cref="Parallelism"/>). Akka's ask makes a
/// temporary actor, a timer and a thread-pool continuation per command; a list of a hundred check results made a
/// hundred of each. Here the replies are taken on the entities' threads and the caller continues once, when the
/// last one is in.
/// </summary>
internal sealed class OrderedAsks : MinimalActorRef
{
    /// <summary>Entities asked at once; the next entity's first command goes when one finishes.</summary>
    public const int Parallelism = 512;

    private readonly IReadOnlyList<ILiveCommand> _commands;
    private readonly IReadOnlyList<IActorRef> _targets;
    private readonly Func<ILiveCommand, IActorRef> _region;
    private readonly Action<LiveReply> _received;
    private readonly List<int>[] _groups;
    private readonly Dictionary<int, (int Group, int Position)> _asked;
    private readonly LiveReply?[] _replies;
    private readonly TaskCompletionSource<LiveReply?[]> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private int _nextGroup;
    private int _running;

    public override ActorPath Path { get; }
    public override IActorRefProvider Provider { get; }

    /// <param name="targets">Each command's entity, or its shard region (one entity's commands all go the same way).</param>
    /// <param name="region">A command's shard region.</param>
    /// <param name="received">Each reply, on the replying entity's thread (keep it short).</param>
    private OrderedAsks(IActorRefProvider provider, IReadOnlyList<ILiveCommand> commands, IReadOnlyList<IActorRef> targets,
        Func<ILiveCommand, IActorRef> region, Action<LiveReply> received)
    {
        Provider = provider;
        Path = provider.TempPath();
        (_commands, _targets, _region, _received) = (commands, targets, region, received);
        var byEntity = new Dictionary<(EntityKind, string), List<int>>(commands.Count);
        for (var i = 0; i < commands.Count; i++)
        {
            if (!byEntity.TryGetValue((commands[i].Kind, commands[i].EntityId), out var group))
                byEntity[(commands[i].Kind, commands[i].EntityId)] = group = new List<int>(1);
            group.Add(i);
        }
        _groups = [.. byEntity.Values];
        _asked = new Dictionary<int, (int, int)>(Math.Min(_groups.Length, Parallelism));
        _replies = new LiveReply?[commands.Count];
    }

    /// <summary>
    /// The replies in the commands' order. A group stops at its failed command: the commands after it are not asked
    /// and have no reply (null). Throws <see cref="AskTimeoutException"/> when the replies are not all in within
    /// <paramref name="timeout"/>, and is cancelled with <paramref name="cancellationToken"/>. While it waits it is in
    /// <paramref name="inFlight"/> (see <see cref="ResendThroughRegion"/>).
    /// </summary>
    public static async Task<LiveReply?[]> AskAsync(ActorSystem system, IReadOnlyList<ILiveCommand> commands, IReadOnlyList<IActorRef> targets,
        Func<ILiveCommand, IActorRef> region, Action<LiveReply> received, TimeSpan timeout,
        System.Collections.Concurrent.ConcurrentDictionary<OrderedAsks, byte> inFlight, CancellationToken cancellationToken)
    {
        if (commands.Count == 0) return [];
        var provider = ((ExtendedActorSystem)system).Provider;
        var asks = new OrderedAsks(provider, commands, targets, region, received);
        // Registered so that an entity on another node can answer this address.
        provider.RegisterTempActor(asks, asks.Path);
        inFlight[asks] = 0;
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        expiry.CancelAfter(timeout);
        await using var registration = expiry.Token.Register(() => asks._done.TrySetException(cancellationToken.IsCancellationRequested
            ? new TaskCanceledException("the request was cancelled")
            : new AskTimeoutException($"the entities did not answer within {timeout.TotalSeconds:F0} s")));
        try
        {
            lock (asks._gate)
                while (asks._running < Parallelism && asks.StartNextGroup()) { }
            return await asks._done.Task;
        }
        finally
        {
            inFlight.TryRemove(asks, out _);
            provider.UnregisterTempActor(asks.Path);
        }
    }

    /// <summary>Asks the next group's first command; false when every group has started.</summary>
    private bool StartNextGroup()
    {
        if (_nextGroup == _groups.Length) return false;
        _running++;
        Ask(_nextGroup++, 0);
        return true;
    }

    private void Ask(int group, int position)
    {
        var command = _groups[group][position];
        _asked[command] = (group, position);
        _targets[command].Tell(_commands[command], new Reply(this, command));
    }

    /// <summary>
    /// Sends again the named commands (<see cref="ILiveCommand.CommandId"/>) still unanswered that went through their
    /// shard region: called when a node left the cluster, which may have taken them (or their replies) with it. The
    /// region routes them to where their entities are now; an entity that had applied one answers Duplicate. Commands
    /// sent straight to an entity of this node are not lost that way. One entity's commands all take the same way, so
    /// a command sent again cannot overtake the next one of its entity.
    /// </summary>
    public void ResendThroughRegion()
    {
        lock (_gate)
            foreach (var command in _asked.Keys)
                if (_commands[command].CommandId is not null && _targets[command].Equals(_region(_commands[command])))
                    _targets[command].Tell(_commands[command], new Reply(this, command));
    }

    /// <summary>The address an entity answers one command to (a child of the registered address, so found from other nodes too).</summary>
    public override IActorRef GetChild(IReadOnlyList<string> name) =>
        name is [var index] && int.TryParse(index, out var command) && command >= 0 && command < _replies.Length
            ? new Reply(this, command) : ActorRefs.Nobody;

    private void Received(int command, object message)
    {
        if (message is not LiveReply reply) return;
        lock (_gate)
        {
            // Once per command: a late duplicate (a redelivery) is dropped.
            if (!_asked.Remove(command, out var asked)) return;
            _replies[command] = reply;
            _received(reply);
            // Timed out or cancelled: the caller was answered, the commands not yet sent stay unsent.
            if (_done.Task.IsCompleted) return;
            var (group, position) = asked;
            if (reply.Outcome != LiveOutcome.Failed && position + 1 < _groups[group].Count) Ask(group, position + 1);
            else
            {
                _running--;
                if (!StartNextGroup() && _running == 0) _done.TrySetResult(_replies);
            }
        }
    }

    private sealed class Reply(OrderedAsks owner, int command) : MinimalActorRef
    {
        public override ActorPath Path { get; } = owner.Path / command.ToString(System.Globalization.CultureInfo.InvariantCulture);
        public override IActorRefProvider Provider => owner.Provider;

        protected override void TellInternal(object message, IActorRef sender) => owner.Received(command, message);
    }
}

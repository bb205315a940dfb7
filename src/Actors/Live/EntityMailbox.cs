using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Alignak.Actors.Live;

/// <summary>
/// The mailbox of host and service entities. Akka's unbounded deque mailbox (what a persistent actor's stash needs)
/// allocates a 32-slot concurrent queue segment per actor up front, about 1 KB for each of a hundred thousand
/// entities that hold one message at a time; this one starts empty and grows only while messages wait.
/// </summary>
public sealed class EntityMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<EntityMessageQueue>
{
    /// <summary>The mailbox's configuration path (<see cref="Hocon"/>), for the entities' props.</summary>
    public const string Path = "alignak-entity-mailbox";

    public static readonly string Hocon = $"{Path}.mailbox-type = \"{typeof(EntityMailbox).AssemblyQualifiedName}\"";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new EntityMessageQueue();
}

/// <summary>
/// A double-ended queue under a lock: an entity's messages come from a few senders at a time, so the lock is
/// uncontended and cheaper in memory than a lock-free segment.
/// </summary>
public sealed class EntityMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private const int FirstCapacity = 4;

    private Envelope[] _items = [];
    private int _head;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _items[(_head + _count) % _items.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Puts a message back in front (the stash's unstash).</summary>
    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            if (_count == _items.Length) Grow();
            _head = (_head - 1 + _items.Length) % _items.Length;
            _items[_head] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }
            envelope = _items[_head];
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            Volatile.Write(ref _count, _count - 1);
            // A burst's larger buffer is given back once drained: most entities wait with an empty mailbox.
            if (_count == 0 && _items.Length > FirstCapacity) (_items, _head) = (new Envelope[FirstCapacity], 0);
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }

    private void Grow()
    {
        var grown = new Envelope[Math.Max(FirstCapacity, _items.Length * 2)];
        for (var i = 0; i < _count; i++) grown[i] = _items[(_head + i) % _items.Length];
        (_items, _head) = (grown, 0);
    }
}

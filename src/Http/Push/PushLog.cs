namespace Alignak.Http.Push;

/// <summary>
/// The last messages of this node, in order, shared by every connection: the dispatcher appends each message once,
/// and each connection's sender reads on from its own position, filtering for its subscriptions. One writer,
/// many readers, no lock: a reader that falls a whole capacity behind finds its messages overwritten.
/// </summary>
internal sealed class PushLog
{
    private readonly PushMessage?[] _entries;
    private readonly long _mask;
    private long _head;
    /// <summary>The position being written: set before the entry, so a reader can tell an overwritten entry.</summary>
    private long _writing = -1;

    public PushLog(int minimumCapacity)
    {
        _entries = new PushMessage?[(int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)minimumCapacity))];
        _mask = _entries.Length - 1;
    }

    public int Capacity => _entries.Length;

    /// <summary>The position the next message gets (every message before it is readable, unless overwritten).</summary>
    public long Head => Volatile.Read(ref _head);

    /// <summary>Only the dispatcher appends.</summary>
    public void Append(PushMessage message)
    {
        var position = _head;
        Interlocked.Exchange(ref _writing, position);
        Volatile.Write(ref _entries[position & _mask], message);
        Volatile.Write(ref _head, position + 1);
    }

    /// <summary>The message at a position before <see cref="Head"/>, or null when it has been overwritten.</summary>
    public PushMessage? Read(long position)
    {
        var message = Volatile.Read(ref _entries[position & _mask]);
        return Volatile.Read(ref _writing) - position >= _entries.Length ? null : message;
    }
}

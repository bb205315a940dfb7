namespace Alignak.Http.Push;

/// <summary>One subscription: its scope, its place in the log, its numbering and the messages kept for a resume.</summary>
internal sealed class PushSubscription(string id, PushViewer viewer, PushScope scope, int replay, long cursor)
{
    private readonly (long Seq, PushMessage Message)[] _kept = new (long, PushMessage)[replay];

    public string Id { get; } = id;
    public byte[] EnvelopePrefix { get; } = PushMessage.EnvelopePrefix(id);
    public PushViewer Viewer { get; set; } = viewer;
    public PushScope Scope { get; } = scope;
    public long Epoch { get; set; } = -1;
    /// <summary>The next log position to look at.</summary>
    public long Cursor { get; set; } = cursor;
    /// <summary>To send before reading on: replays after a resume, resyncs.</summary>
    public Queue<PushEntry> Pending { get; } = new();
    public PushConnection? Connection { get; set; }
    public DateTime? DetachedAt { get; set; }
    /// <summary>The last number given.</summary>
    public long Seq { get; private set; }

    /// <summary>Gives the entry its number (unless it is a replay) and keeps it for a resume.</summary>
    public void Number(PushEntry entry)
    {
        if (entry.Seq is not null) return;
        entry.Seq = ++Seq;
        if (_kept.Length > 0) _kept[Seq % _kept.Length] = (Seq, entry.Message);
    }

    /// <summary>The messages after <paramref name="lastSeen"/>, or null when some are no longer kept.</summary>
    public List<(long Seq, PushMessage Message)>? Replayable(long lastSeen)
    {
        if (lastSeen > Seq || lastSeen < 0) return null;
        var oldestKept = Math.Max(1, Seq - _kept.Length + 1);
        if (lastSeen + 1 < oldestKept) return null;
        var missed = new List<(long, PushMessage)>();
        for (var seq = lastSeen + 1; seq <= Seq; seq++) missed.Add(_kept[seq % _kept.Length]);
        return missed;
    }
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;
using Alignak.Actors.Security;
using Alignak.Http.Metrics;
using Alignak.Http.Settings;
using Microsoft.AspNetCore.SignalR;
using Alignak.Actors.Resources;

namespace Alignak.Http.Push;

/// <summary>
/// This node's live push (one per node: every node's index sees every change). One dispatcher thread turns index
/// changes and history events into messages, each serialized once, and appends them to a shared log; each
/// connection has its own sender that reads the log from where it stopped, keeps what its subscriptions' scopes
/// and the user's rights let through, and sends it. A slow or dead client therefore only delays itself; one more
/// than <see cref="BackendSettings.LivePushBacklog"/> changes behind is told to <c>resync</c> and jumps to now.
/// Per subscription, messages are numbered and the last <see cref="BackendSettings.LivePushReplay"/> kept, so a
/// client that reconnects resumes where it stopped (or is told to resync when that is no longer possible).
/// Within what a sender takes at once, the state messages of one item are merged into the latest one.
/// </summary>
public sealed class LivePublisher : BackgroundService
{
    /// <summary>Changes waiting for the dispatcher; past this every subscription is told to resync (never blocks the index).</summary>
    private const int InboxCapacity = 100_000;
    /// <summary>Messages sent to a client in one SignalR invocation.</summary>
    private const int MaxBatch = 256;
    /// <summary>
    /// Under load a sender waits this long after its previous send, so changes go out in batches (one SignalR
    /// message each) instead of one send per change per client; an isolated change still goes out at once.
    /// </summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(10);
    /// <summary>Subscriptions one connection may hold.</summary>
    public const int MaxSubscriptionsPerConnection = 100;

    private readonly DocumentIndex _index;
    private readonly LiveSynthesis _synthesis;
    private readonly IHubContext<LiveHub> _hub;
    private readonly ILogger<LivePublisher> _log;
    private readonly PushMessages _messages;
    private readonly PushLog _pushLog;
    private readonly int _backlog;
    private readonly int _replay;
    private readonly TimeSpan _resumeWindow;
    private readonly Channel<object> _inbox;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    /// <summary>The connections to wake after each append (copied on change).</summary>
    private volatile Connection[] _awakeList = [];
    private int _subscriptionCount;
    private int _dropped;
    /// <summary>Bumped when users, their roles or realms change: rights and realm sets are computed again.</summary>
    private long _rightsEpoch;

    public LivePublisher(DocumentIndex index, LiveSynthesis synthesis, IHubContext<LiveHub> hub, BackendSettings settings,
        ILogger<LivePublisher> log)
    {
        (_index, _synthesis, _hub, _log) = (index, synthesis, hub, log);
        _messages = new PushMessages(index);
        _backlog = settings.LivePushBacklog;
        // Twice the backlog: a sender notices it is too far behind before its messages are overwritten.
        _pushLog = new PushLog(2 * _backlog);
        _replay = settings.LivePushReplay;
        _resumeWindow = TimeSpan.FromSeconds(settings.LivePushResumeSeconds);
        _inbox = Channel.CreateBounded<object>(
            new BoundedChannelOptions(InboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite },
            _ => Interlocked.Increment(ref _dropped));
        index.Changed += Offer;
    }

    /// <summary>Called under the index's lock: only queues.</summary>
    private void Offer(IndexChange change)
    {
        if (change.Resource is ResourceNames.User or ResourceNames.UserRestrictRole or ResourceNames.Realm) Interlocked.Increment(ref _rightsEpoch);
        if (Volatile.Read(ref _subscriptionCount) > 0) _inbox.Writer.TryWrite(change);
    }

    /// <summary>Whether any client is subscribed now (nothing is queued for push otherwise).</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscriptionCount) > 0;

    /// <summary>History events stored by any node.</summary>
    public void OfferHistory(JsonArray events)
    {
        if (Volatile.Read(ref _subscriptionCount) > 0) _inbox.Writer.TryWrite(events);
    }

    public void Connect(string connectionId, StoredDocument user, Action abort)
    {
        var viewer = new Viewer((string)user["_id"]!, (string?)user["token"], abort);
        var connection = new Connection(connectionId, viewer);
        lock (_gate)
        {
            _connections[connectionId] = connection;
            _awakeList = [.. _connections.Values];
        }
        connection.Sender = Task.Run(() => SendLoopAsync(connection));
    }

    /// <summary>The connection's subscriptions stay resumable for the resume window, from where their client stopped.</summary>
    public void Disconnect(string connectionId)
    {
        Connection? connection;
        lock (_gate)
        {
            if (!_connections.Remove(connectionId, out connection)) return;
            _awakeList = [.. _connections.Values];
            lock (connection.Gate)
            {
                foreach (var subscription in connection.Subscriptions)
                {
                    subscription.Connection = null;
                    subscription.DetachedAt = DateTime.UtcNow;
                }
                connection.Subscriptions = [];
            }
        }
        connection.Close();
    }

    public SubscribeReply Subscribe(string connectionId, SubscribeRequest request)
    {
        lock (_gate)
        {
            var connection = _connections.GetValueOrDefault(connectionId) ?? throw new HubException("The connection is closed.");
            if (connection.Subscriptions.Length >= MaxSubscriptionsPerConnection)
                throw new HubException($"A connection may hold {MaxSubscriptionsPerConnection} subscriptions at most.");
            if (request.Resume is { } resumeId && _subscriptions.TryGetValue(resumeId, out var known)
                && known.Viewer.UserId == connection.Viewer.UserId)
                return Resume(connection, known, request.Seq);

            Subscription subscription;
            lock (connection.Gate)
            {
                if (!connection.Viewer.EnsureFresh(_index, Volatile.Read(ref _rightsEpoch)))
                    throw new HubException("The session has ended (the user's token changed): log in again.");
                var scope = PushScope.Parse(request, _index, connection.Viewer.MayRead);
                subscription = new Subscription(Guid.NewGuid().ToString("N"), connection.Viewer, scope, _replay, _pushLog.Head)
                {
                    // The scope was just computed for this epoch.
                    Epoch = Volatile.Read(ref _rightsEpoch),
                };
                // Asked to resume what no longer exists (expired, or another server process): start over.
                if (request.Resume is not null) subscription.Pending.Enqueue(new Entry(subscription, PushMessage.Resync("unknown subscription")));
                subscription.Connection = connection;
                connection.Subscriptions = [.. connection.Subscriptions, subscription];
            }
            _subscriptions[subscription.Id] = subscription;
            Interlocked.Increment(ref _subscriptionCount);
            connection.Wake();
            return new SubscribeReply(subscription.Id, 0, false);
        }
    }

    public void Unsubscribe(string connectionId, string subscriptionId)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var connection) || !_subscriptions.TryGetValue(subscriptionId, out var subscription)
                || subscription.Connection != connection) return;
            lock (connection.Gate) connection.Subscriptions = connection.Subscriptions.Where(s => s != subscription).ToArray();
            Forget(subscription);
        }
    }

    /// <summary>Moves a subscription to this connection: what its client missed is sent again, or a resync.</summary>
    private SubscribeReply Resume(Connection connection, Subscription subscription, long lastSeen)
    {
        if (subscription.Connection is { } previous && previous != connection)
            lock (previous.Gate) previous.Subscriptions = previous.Subscriptions.Where(s => s != subscription).ToArray();
        bool resumed;
        lock (connection.Gate)
        {
            subscription.Viewer = connection.Viewer;
            subscription.Connection = connection;
            subscription.DetachedAt = null;
            subscription.Pending.Clear();
            var missed = subscription.Replayable(lastSeen);
            resumed = missed is not null;
            if (missed is null) subscription.Pending.Enqueue(new Entry(subscription, PushMessage.Resync("gap")));
            else foreach (var (seq, message) in missed) subscription.Pending.Enqueue(new Entry(subscription, message) { Seq = seq });
            if (!connection.Subscriptions.Contains(subscription)) connection.Subscriptions = [.. connection.Subscriptions, subscription];
        }
        connection.Wake();
        return new SubscribeReply(subscription.Id, subscription.Seq, resumed);
    }

    private void Forget(Subscription subscription)
    {
        if (_subscriptions.Remove(subscription.Id)) Interlocked.Decrement(ref _subscriptionCount);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var housekeeping = HousekeepingAsync(stoppingToken);
        try
        {
            var wokenAt = (Head: _pushLog.Head, Epoch: Volatile.Read(ref _rightsEpoch));
            while (await _inbox.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_inbox.Reader.TryRead(out var item))
                {
                    try
                    {
                        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
                        {
                            _log.LogWarning("Live push: {Count} changes dropped (the dispatcher fell behind); every subscription is told to resync", dropped);
                            _pushLog.Append(PushMessage.Resync("behind"));
                        }
                        var messages = item is IndexChange change ? _messages.From(change) : _messages.FromHistory(((JsonArray)item).Cast<JsonObject>());
                        foreach (var message in messages) _pushLog.Append(message);
                    }
                    catch (Exception error)
                    {
                        _log.LogError(error, "Live push: a change could not be turned into messages");
                    }
                }
                // Most changes make no message (an entity's sync that changed nothing, users' documents): then only a
                // change of rights needs the senders (a user logged out is disconnected at once).
                var now = (Head: _pushLog.Head, Epoch: Volatile.Read(ref _rightsEpoch));
                if (now == wokenAt) continue;
                wokenAt = now;
                foreach (var connection in _awakeList) connection.Wake();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await housekeeping;
    }

    /// <summary>Livesynthesis changes become messages every second; detached subscriptions expire.</summary>
    private async Task HousekeepingAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (Volatile.Read(ref _subscriptionCount) > 0) _synthesis.Flush();
                lock (_gate)
                {
                    var expired = _subscriptions.Values.Where(s => s.DetachedAt + _resumeWindow < DateTime.UtcNow).ToList();
                    foreach (var subscription in expired) Forget(subscription);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task SendLoopAsync(Connection connection)
    {
        var client = _hub.Clients.Client(connection.Id);
        var lastSend = 0L;
        while (await connection.WaitAsync())
        {
            if (Stopwatch.GetElapsedTime(lastSend) is var since && since < Linger)
            {
                try
                {
                    await Task.Delay(Linger - since, connection.Closing);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            connection.Rearm();
            while (true)
            {
                List<Entry> batch;
                lock (connection.Gate)
                {
                    if (!connection.Viewer.EnsureFresh(_index, Volatile.Read(ref _rightsEpoch)))
                    {
                        // The user was deleted or logged out (its token changed): the connection ends.
                        connection.Viewer.Abort();
                        return;
                    }
                    try
                    {
                        batch = Collect(connection);
                    }
                    catch (Exception error)
                    {
                        _log.LogError(error, "Live push: messages for {Connection} could not be prepared", connection.Id);
                        batch = [];
                    }
                }
                if (batch.Count == 0) break;
                try
                {
                    lastSend = Stopwatch.GetTimestamp();
                    await client.SendAsync("live", new PushBatch(batch), connection.Closing);
                    CountSent(batch);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception error)
                {
                    // The messages are kept for replay: the client resumes after it reconnects.
                    _log.LogDebug(error, "Live push: sending to {Connection} failed", connection.Id);
                }
            }
        }
    }

    /// <summary>What the connection's subscriptions get next, numbered (under the connection's lock).</summary>
    private List<Entry> Collect(Connection connection)
    {
        var batch = new List<Entry>();
        var head = _pushLog.Head;
        var epoch = Volatile.Read(ref _rightsEpoch);
        foreach (var subscription in connection.Subscriptions)
        {
            var start = batch.Count;
            while (batch.Count < MaxBatch && subscription.Pending.TryDequeue(out var queued)) batch.Add(queued);
            if (subscription.Epoch != epoch)
            {
                subscription.Scope.Refreshed(_index);
                subscription.Epoch = epoch;
            }
            if (head - subscription.Cursor > _backlog)
            {
                subscription.Cursor = head;
                batch.Add(new Entry(subscription, PushMessage.Resync("behind")));
            }
            var viewer = connection.Viewer;
            var reading = batch.Count;
            while (subscription.Cursor < head && batch.Count < MaxBatch)
            {
                if (_pushLog.Read(subscription.Cursor) is not { } message)
                {
                    subscription.Cursor = head;
                    batch.Add(new Entry(subscription, PushMessage.Resync("behind")));
                    break;
                }
                subscription.Cursor++;
                if (subscription.Scope.Matches(message) && viewer.MayRead(message)) batch.Add(new Entry(subscription, message));
            }
            Coalesce(batch, reading);
            for (var i = start; i < batch.Count; i++) subscription.Number(batch[i]);
        }
        return batch;
    }

    /// <summary>
    /// Merges each state message into the next message of the same item when that one is a state message too (it
    /// takes the earlier changed fields and keeps its later place): nothing of an item is ever reordered.
    /// </summary>
    internal static void Coalesce(List<Entry> batch, int start)
    {
        Dictionary<string, int>? nextOfItem = null;
        for (var i = batch.Count - 1; i >= start; i--)
        {
            if (batch[i].Message.ItemKey is not { } item) continue;
            nextOfItem ??= new Dictionary<string, int>(StringComparer.Ordinal);
            if (nextOfItem.TryGetValue(item, out var next) && batch[i].Message.Coalescable && batch[next].Message.Coalescable)
            {
                batch[next].Message = batch[i].Message.MergedWith(batch[next].Message);
                batch[i] = null!;
            }
            else nextOfItem[item] = i;
        }
        if (nextOfItem is not null) batch.RemoveAll(entry => entry is null);
    }

    public override void Dispose()
    {
        _index.Changed -= Offer;
        base.Dispose();
    }

    /// <summary>One message for one subscription; numbered when taken for sending (replays keep their number).</summary>
    private static void CountSent(List<Entry> batch)
    {
        if (!BackendMetrics.PushMessagesSent.Enabled) return;
        foreach (var type in batch.GroupBy(e => e.Message.Type))
            BackendMetrics.PushMessagesSent.Add(type.Count(), new KeyValuePair<string, object?>("type", type.Key));
    }

    internal sealed class Entry(Subscription subscription, PushMessage message)
    {
        public Subscription Subscription { get; } = subscription;
        public PushMessage Message { get; set; } = message;
        public long? Seq { get; set; }
    }

    /// <summary>One connected user: its rights, computed again when users, roles or realms change.</summary>
    internal sealed class Viewer(string userId, string? token, Action abort)
    {
        private Dictionary<string, Func<IDocumentFields, bool>?> _filters = new(StringComparer.Ordinal);
        private UserRights? _rights;
        private long _epoch = -1;

        public string UserId { get; } = userId;

        public void Abort() => abort();

        /// <summary>Rights for this epoch; false when the user is gone or its token changed (logged out).</summary>
        public bool EnsureFresh(DocumentIndex index, long epoch)
        {
            if (_epoch == epoch) return _rights is not null;
            _epoch = epoch;
            _filters = new Dictionary<string, Func<IDocumentFields, bool>?>(StringComparer.Ordinal);
            _rights = index.Collection(ResourceNames.User).Get(UserId) is { } user && (string?)user["token"] == token ? UserRights.For(user, index) : null;
            return _rights is not null;
        }

        public bool MayRead(string resource, IDocumentFields document)
        {
            if (!_filters.TryGetValue(resource, out var filter)) _filters[resource] = filter = _rights!.ReadFilter(resource);
            return filter?.Invoke(document) ?? true;
        }

        public bool MayRead(PushMessage message) =>
            message.RightsDocument is not { } document || MayRead(message.Resource, new JsonFields(document));
    }

    /// <summary>One subscription: its scope, its place in the log, its numbering and the messages kept for a resume.</summary>
    internal sealed class Subscription(string id, Viewer viewer, PushScope scope, int replay, long cursor)
    {
        private readonly (long Seq, PushMessage Message)[] _kept = new (long, PushMessage)[replay];

        public string Id { get; } = id;
        public byte[] EnvelopePrefix { get; } = PushMessage.EnvelopePrefix(id);
        public Viewer Viewer { get; set; } = viewer;
        public PushScope Scope { get; } = scope;
        public long Epoch { get; set; } = -1;
        /// <summary>The next log position to look at.</summary>
        public long Cursor { get; set; } = cursor;
        /// <summary>To send before reading on: replays after a resume, resyncs.</summary>
        public Queue<Entry> Pending { get; } = new();
        public Connection? Connection { get; set; }
        public DateTime? DetachedAt { get; set; }
        /// <summary>The last number given.</summary>
        public long Seq { get; private set; }

        /// <summary>Gives the entry its number (unless it is a replay) and keeps it for a resume.</summary>
        public void Number(Entry entry)
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

    /// <summary>One SignalR connection: its subscriptions and the wake-up of its sender.</summary>
    internal sealed class Connection(string id, Viewer viewer)
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly CancellationTokenSource _closing = new();
        private int _awake;

        public string Id { get; } = id;
        public Viewer Viewer { get; } = viewer;
        /// <summary>Guards the subscriptions' reading, numbering and moves.</summary>
        public Lock Gate { get; } = new();
        public Subscription[] Subscriptions { get; set; } = [];
        public Task? Sender { get; set; }
        public CancellationToken Closing => _closing.Token;

        public void Wake()
        {
            if (Interlocked.Exchange(ref _awake, 1) == 0) _wake.Release();
        }

        /// <summary>Waits to be woken; false once the connection is closed. Wakes do nothing until <see cref="Rearm"/>.</summary>
        public async Task<bool> WaitAsync()
        {
            try
            {
                await _wake.WaitAsync(_closing.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>Called before reading the log: a change appended from now on wakes the sender again.</summary>
        public void Rearm() => Volatile.Write(ref _awake, 0);

        public void Close() => _closing.Cancel();
    }

    /// <summary>A batch as one SignalR argument: each message's shared body spliced into its envelope.</summary>
    [JsonConverter(typeof(Converter))]
    internal sealed class PushBatch(List<Entry> entries)
    {
        private readonly List<Entry> _entries = entries;

        internal sealed class Converter : JsonConverter<PushBatch>
        {
            public override PushBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                throw new NotSupportedException("push batches are only sent");

            public override void Write(Utf8JsonWriter writer, PushBatch value, JsonSerializerOptions options)
            {
                writer.WriteStartArray();
                foreach (var entry in value._entries) entry.Message.WriteEnvelope(writer, entry.Subscription.EnvelopePrefix, entry.Seq!.Value);
                writer.WriteEndArray();
            }
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Security;
using Alignak.Http.Settings;
using Microsoft.AspNetCore.SignalR;

namespace Alignak.Http.Push;

/// <summary>
/// This node's live push (one per node: every node's index sees every change). One dispatcher thread turns index
/// changes and history events into messages and routes them to the subscriptions whose scope and rights let them
/// through; each connection has its own bounded queue and its own sender, so a slow or dead client only delays
/// itself. Per subscription, messages are numbered; the last <see cref="BackendSettings.LivePushReplay"/> are kept
/// so a client that reconnects resumes where it stopped, and anything it cannot get back is replaced by a
/// <c>resync</c> message (reload with REST). A connection whose queue is full gets a <c>resync</c> instead of the
/// queue. While a message waits in a queue, a later state message of the same item is merged into it.
/// </summary>
public sealed class LivePublisher : BackgroundService
{
    /// <summary>Changes waiting for the dispatcher; past this every subscription is told to resync (never blocks the index).</summary>
    private const int InboxCapacity = 100_000;
    /// <summary>Messages sent to a client in one SignalR invocation.</summary>
    private const int MaxBatch = 256;

    private readonly DocumentIndex _index;
    private readonly LiveSynthesis _synthesis;
    private readonly IHubContext<LiveHub> _hub;
    private readonly ILogger<LivePublisher> _log;
    private readonly PushMessages _messages;
    private readonly int _queueCapacity;
    private readonly int _replay;
    private readonly TimeSpan _resumeWindow;
    private readonly Channel<object> _inbox;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private int _subscriptionCount;
    private int _dropped;
    /// <summary>Bumped when users, their roles or realms change: rights and realm sets are computed again.</summary>
    private long _rightsEpoch;

    public LivePublisher(DocumentIndex index, LiveSynthesis synthesis, IHubContext<LiveHub> hub, BackendSettings settings,
        ILogger<LivePublisher> log)
    {
        (_index, _synthesis, _hub, _log) = (index, synthesis, hub, log);
        _messages = new PushMessages(index);
        _queueCapacity = settings.LivePushQueue;
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
        if (change.Resource is "user" or "userrestrictrole" or "realm") Interlocked.Increment(ref _rightsEpoch);
        if (Volatile.Read(ref _subscriptionCount) > 0) _inbox.Writer.TryWrite(change);
    }

    /// <summary>History events stored by any node.</summary>
    public void OfferHistory(JsonArray events)
    {
        if (Volatile.Read(ref _subscriptionCount) > 0) _inbox.Writer.TryWrite(events);
    }

    public void Connect(string connectionId, JsonObject user, Action abort)
    {
        var viewer = new Viewer((string)user["_id"]!, (string?)user["token"], abort);
        viewer.Refresh(_index, Volatile.Read(ref _rightsEpoch));
        var outbox = new Outbox(connectionId, viewer, _queueCapacity);
        lock (_gate) _outboxes[connectionId] = outbox;
        outbox.Sender = Task.Run(() => SendLoopAsync(outbox));
    }

    /// <summary>The connection's subscriptions stay resumable for the resume window, their messages kept for replay.</summary>
    public void Disconnect(string connectionId)
    {
        Outbox? outbox;
        lock (_gate)
        {
            if (!_outboxes.Remove(connectionId, out outbox)) return;
            foreach (var subscription in outbox.Subscriptions) Detach(outbox, subscription);
            outbox.Subscriptions.Clear();
        }
        outbox.Close();
    }

    public SubscribeReply Subscribe(string connectionId, SubscribeRequest request)
    {
        lock (_gate)
        {
            var outbox = _outboxes.GetValueOrDefault(connectionId) ?? throw new HubException("The connection is closed.");
            if (request.Resume is { } resumeId && _subscriptions.TryGetValue(resumeId, out var known)
                && known.Viewer.UserId == outbox.Viewer.UserId)
                return Resume(outbox, known, request.Seq);

            var scope = PushScope.Parse(request, _index, outbox.Viewer.MayRead);
            var subscription = new Subscription(Guid.NewGuid().ToString("N"), outbox.Viewer, scope, _replay);
            Attach(outbox, subscription);
            _subscriptions[subscription.Id] = subscription;
            Interlocked.Increment(ref _subscriptionCount);
            // Asked to resume what no longer exists (expired, or another server process): start over.
            if (request.Resume is not null) outbox.Enqueue(subscription, PushMessage.Resync("unknown subscription"));
            outbox.Wake();
            return new SubscribeReply(subscription.Id, 0, false);
        }
    }

    public void Unsubscribe(string connectionId, string subscriptionId)
    {
        lock (_gate)
        {
            if (!_outboxes.TryGetValue(connectionId, out var outbox) || !_subscriptions.TryGetValue(subscriptionId, out var subscription)
                || subscription.Outbox != outbox) return;
            outbox.Remove(subscription);
            Forget(subscription);
        }
    }

    private SubscribeReply Resume(Outbox outbox, Subscription subscription, long lastSeen)
    {
        if (subscription.Outbox is { } previous && previous != outbox)
        {
            previous.Remove(subscription);
            Detach(previous, subscription);
        }
        Attach(outbox, subscription);
        var missed = subscription.Replayable(lastSeen);
        if (missed is null) outbox.Enqueue(subscription, PushMessage.Resync("gap"));
        else foreach (var (seq, message) in missed) outbox.EnqueueNumbered(subscription, message, seq);
        outbox.Wake();
        return new SubscribeReply(subscription.Id, subscription.Seq, missed is not null);
    }

    private static void Attach(Outbox outbox, Subscription subscription)
    {
        subscription.Outbox = outbox;
        subscription.Viewer = outbox.Viewer;
        subscription.DetachedAt = null;
        if (!outbox.Subscriptions.Contains(subscription)) outbox.Subscriptions.Add(subscription);
    }

    /// <summary>Messages still queued are numbered and kept for replay: a client resuming gets them.</summary>
    private static void Detach(Outbox outbox, Subscription subscription)
    {
        foreach (var entry in outbox.TakeAll(subscription)) subscription.Number(entry);
        subscription.Outbox = null;
        subscription.DetachedAt = DateTime.UtcNow;
    }

    private void Forget(Subscription subscription)
    {
        if (_subscriptions.Remove(subscription.Id)) Interlocked.Decrement(ref _subscriptionCount);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var housekeeping = HousekeepingAsync(stoppingToken);
        var touched = new HashSet<Outbox>();
        try
        {
            await foreach (var item in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    var messages = item is IndexChange change ? _messages.From(change) : _messages.FromHistory(((JsonArray)item).Cast<JsonObject>());
                    var epoch = Volatile.Read(ref _rightsEpoch);
                    lock (_gate)
                    {
                        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0) ResyncAll(dropped, touched);
                        foreach (var message in messages) Route(message, epoch, touched);
                    }
                    foreach (var outbox in touched) outbox.Wake();
                    touched.Clear();
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    _log.LogError(error, "Live push: a change could not be routed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await housekeeping;
    }

    private void Route(PushMessage message, long epoch, HashSet<Outbox> touched)
    {
        foreach (var subscription in _subscriptions.Values)
        {
            var viewer = subscription.Viewer;
            if (viewer.Epoch != epoch && !Refresh(viewer, epoch)) continue;
            if (subscription.Epoch != epoch)
            {
                subscription.Scope.Refreshed(_index);
                subscription.Epoch = epoch;
            }
            if (!subscription.Scope.Matches(message) || !viewer.MayRead(message)) continue;
            if (subscription.Outbox is { } outbox)
            {
                outbox.Enqueue(subscription, message);
                touched.Add(outbox);
            }
            else subscription.Number(new Outbox.Entry(subscription, message, null, null));
        }
    }

    /// <summary>Rights again after a user or role change; a user deleted or logged out loses its connection.</summary>
    private bool Refresh(Viewer viewer, long epoch)
    {
        if (viewer.Refresh(_index, epoch)) return true;
        foreach (var subscription in _subscriptions.Values.Where(s => s.Viewer == viewer).ToList())
        {
            subscription.Outbox?.Remove(subscription);
            Forget(subscription);
        }
        viewer.Abort();
        return false;
    }

    private void ResyncAll(int dropped, HashSet<Outbox> touched)
    {
        _log.LogWarning("Live push: {Count} changes dropped (the dispatcher fell behind); every subscription is told to resync", dropped);
        foreach (var subscription in _subscriptions.Values)
        {
            var resync = PushMessage.Resync("behind");
            if (subscription.Outbox is { } outbox)
            {
                outbox.Enqueue(subscription, resync);
                touched.Add(outbox);
            }
            else subscription.Number(new Outbox.Entry(subscription, resync, null, null));
        }
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

    private async Task SendLoopAsync(Outbox outbox)
    {
        var client = _hub.Clients.Client(outbox.ConnectionId);
        while (await outbox.WaitAsync())
        {
            while (true)
            {
                List<Outbox.Entry> batch;
                lock (_gate)
                {
                    batch = outbox.Take(MaxBatch);
                    foreach (var entry in batch) entry.Subscription.Number(entry);
                }
                if (batch.Count == 0) break;
                try
                {
                    await client.SendAsync("live", new PushBatch(batch), outbox.Closing);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The messages are kept for replay: the client resumes after it reconnects.
                    _log.LogDebug(error, "Live push: sending to {Connection} failed", outbox.ConnectionId);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override void Dispose()
    {
        _index.Changed -= Offer;
        base.Dispose();
    }

    /// <summary>One connected user: its rights, computed again when users, roles or realms change.</summary>
    internal sealed class Viewer(string userId, string? token, Action abort)
    {
        private readonly Dictionary<string, Func<JsonObject, bool>?> _filters = new(StringComparer.Ordinal);
        private UserRights? _rights;

        public string UserId { get; } = userId;
        public long Epoch { get; private set; } = -1;

        public void Abort() => abort();

        /// <summary>False when the user is gone or its token changed (logged out): the connection ends.</summary>
        public bool Refresh(DocumentIndex index, long epoch)
        {
            Epoch = epoch;
            if (index.Collection("user").Get(UserId) is not { } user || (string?)user["token"] != token) return false;
            _rights = UserRights.For(user, index);
            _filters.Clear();
            return true;
        }

        public bool MayRead(string resource, JsonObject document) => Filter(resource)?.Invoke(document) ?? true;

        public bool MayRead(PushMessage message) =>
            message.RightsDocument is not { } document || MayRead(message.Resource, document);

        private Func<JsonObject, bool>? Filter(string resource)
        {
            if (!_filters.TryGetValue(resource, out var filter)) _filters[resource] = filter = _rights!.ReadFilter(resource);
            return filter;
        }
    }

    /// <summary>One subscription: its scope, its numbering and the messages kept for a resume.</summary>
    internal sealed class Subscription(string id, Viewer viewer, PushScope scope, int replay)
    {
        private readonly (long Seq, PushMessage Message)[] _kept = new (long, PushMessage)[replay];

        public string Id { get; } = id;
        public Viewer Viewer { get; set; } = viewer;
        public PushScope Scope { get; } = scope;
        public long Epoch { get; set; }
        public Outbox? Outbox { get; set; }
        public DateTime? DetachedAt { get; set; }
        /// <summary>The last number given.</summary>
        public long Seq { get; private set; }

        /// <summary>Gives the entry its number (unless it is a replay) and keeps it for a resume.</summary>
        public void Number(Outbox.Entry entry)
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

    /// <summary>One connection's queue, in arrival order, bounded; a waiting state message absorbs later ones of its item.</summary>
    internal sealed class Outbox(string connectionId, Viewer viewer, int capacity)
    {
        internal sealed class Entry(Subscription subscription, PushMessage message, long? seq, string? itemKey)
        {
            public Subscription Subscription { get; } = subscription;
            public PushMessage Message { get; set; } = message;
            public long? Seq { get; set; } = seq;
            public string? ItemKey { get; } = itemKey;
        }

        private readonly LinkedList<Entry> _queue = new();
        /// <summary>Per subscription and item, its last queued entry: only that one may absorb a later message.</summary>
        private readonly Dictionary<string, LinkedListNode<Entry>> _lastOfItem = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _wake = new(0);
        private readonly CancellationTokenSource _closing = new();
        private int _awake;

        public string ConnectionId { get; } = connectionId;
        public Viewer Viewer { get; } = viewer;
        public List<Subscription> Subscriptions { get; } = [];
        public Task? Sender { get; set; }
        public CancellationToken Closing => _closing.Token;

        public void Enqueue(Subscription subscription, PushMessage message)
        {
            var key = message.ItemKey is { } item ? $"{subscription.Id}|{item}" : null;
            if (key is not null && message.Coalescable && _lastOfItem.TryGetValue(key, out var last)
                && last.Value.Seq is null && last.Value.Message.Coalescable)
            {
                // Merged and moved to the end: nothing of this item was queued after it, so nothing is reordered.
                _queue.Remove(last);
                _queue.AddLast(last);
                last.Value.Message = last.Value.Message.MergedWith(message);
                return;
            }
            if (_queue.Count >= capacity && message.Type != PushTypes.Resync) Overflow();
            var node = _queue.AddLast(new Entry(subscription, message, null, key));
            if (key is not null) _lastOfItem[key] = node;
        }

        /// <summary>A replay: already numbered, never merged.</summary>
        public void EnqueueNumbered(Subscription subscription, PushMessage message, long seq) =>
            _queue.AddLast(new Entry(subscription, message, seq, null));

        /// <summary>The client is too far behind: what waits is dropped and each subscription told to resync.</summary>
        private void Overflow()
        {
            _queue.Clear();
            _lastOfItem.Clear();
            foreach (var subscription in Subscriptions) _queue.AddLast(new Entry(subscription, PushMessage.Resync("behind"), null, null));
        }

        public List<Entry> Take(int max)
        {
            var taken = new List<Entry>(Math.Min(max, _queue.Count));
            while (taken.Count < max && _queue.First is { } node)
            {
                _queue.RemoveFirst();
                Unlink(node);
                taken.Add(node.Value);
            }
            return taken;
        }

        public List<Entry> TakeAll(Subscription subscription)
        {
            var taken = new List<Entry>();
            for (var node = _queue.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Subscription == subscription)
                {
                    _queue.Remove(node);
                    Unlink(node);
                    taken.Add(node.Value);
                }
                node = next;
            }
            return taken;
        }

        public void Remove(Subscription subscription)
        {
            TakeAll(subscription);
            Subscriptions.Remove(subscription);
        }

        private void Unlink(LinkedListNode<Entry> node)
        {
            if (node.Value.ItemKey is { } key && _lastOfItem.TryGetValue(key, out var last) && last == node) _lastOfItem.Remove(key);
        }

        public void Wake()
        {
            if (Interlocked.Exchange(ref _awake, 1) == 0) _wake.Release();
        }

        /// <summary>Waits for messages; false once the connection is closed.</summary>
        public async Task<bool> WaitAsync()
        {
            try
            {
                await _wake.WaitAsync(_closing.Token);
                Volatile.Write(ref _awake, 0);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Close() => _closing.Cancel();
    }

    /// <summary>A batch as one SignalR argument: each message's shared body spliced into its envelope.</summary>
    [JsonConverter(typeof(Converter))]
    internal sealed class PushBatch(List<Outbox.Entry> entries)
    {
        private readonly List<Outbox.Entry> _entries = entries;

        internal sealed class Converter : JsonConverter<PushBatch>
        {
            public override PushBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                throw new NotSupportedException("push batches are only sent");

            public override void Write(Utf8JsonWriter writer, PushBatch value, JsonSerializerOptions options)
            {
                writer.WriteStartArray();
                foreach (var entry in value._entries) entry.Message.WriteEnvelope(writer, entry.Subscription.Id, entry.Seq!.Value);
                writer.WriteEndArray();
            }
        }
    }
}

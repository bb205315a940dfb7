using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
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
    private readonly Dictionary<string, PushConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PushSubscription> _subscriptions = new(StringComparer.Ordinal);
    /// <summary>The connections to wake after each append (copied on change).</summary>
    private volatile PushConnection[] _awakeList = [];
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
        var viewer = new PushViewer((string)user["_id"]!, (string?)user["token"], abort);
        var connection = new PushConnection(connectionId, viewer);
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
        PushConnection? connection;
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

            PushSubscription subscription;
            lock (connection.Gate)
            {
                if (!connection.Viewer.EnsureFresh(_index, Volatile.Read(ref _rightsEpoch)))
                    throw new HubException("The session has ended (the user's token changed): log in again.");
                var scope = PushScope.Parse(request, _index, connection.Viewer.MayRead);
                subscription = new PushSubscription(Guid.NewGuid().ToString("N"), connection.Viewer, scope, _replay, _pushLog.Head)
                {
                    // The scope was just computed for this epoch.
                    Epoch = Volatile.Read(ref _rightsEpoch),
                };
                // Asked to resume what no longer exists (expired, or another server process): start over.
                if (request.Resume is not null) subscription.Pending.Enqueue(new PushEntry(subscription, PushMessage.Resync("unknown subscription")));
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
    private SubscribeReply Resume(PushConnection connection, PushSubscription subscription, long lastSeen)
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
            if (missed is null) subscription.Pending.Enqueue(new PushEntry(subscription, PushMessage.Resync("gap")));
            else foreach (var (seq, message) in missed) subscription.Pending.Enqueue(new PushEntry(subscription, message) { Seq = seq });
            if (!connection.Subscriptions.Contains(subscription)) connection.Subscriptions = [.. connection.Subscriptions, subscription];
        }
        connection.Wake();
        return new SubscribeReply(subscription.Id, subscription.Seq, resumed);
    }

    private void Forget(PushSubscription subscription)
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

    private async Task SendLoopAsync(PushConnection connection)
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
                List<PushEntry> batch;
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
    private List<PushEntry> Collect(PushConnection connection)
    {
        var batch = new List<PushEntry>();
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
                batch.Add(new PushEntry(subscription, PushMessage.Resync("behind")));
            }
            var viewer = connection.Viewer;
            var reading = batch.Count;
            while (subscription.Cursor < head && batch.Count < MaxBatch)
            {
                if (_pushLog.Read(subscription.Cursor) is not { } message)
                {
                    subscription.Cursor = head;
                    batch.Add(new PushEntry(subscription, PushMessage.Resync("behind")));
                    break;
                }
                subscription.Cursor++;
                if (subscription.Scope.Matches(message) && viewer.MayRead(message)) batch.Add(new PushEntry(subscription, message));
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
    internal static void Coalesce(List<PushEntry> batch, int start)
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

    /// <summary>Counts sent messages by type (<c>alignak_push_messages_total</c>).</summary>
    private static void CountSent(List<PushEntry> batch)
    {
        if (!BackendMetrics.PushMessagesSent.Enabled) return;
        foreach (var type in batch.GroupBy(e => e.Message.Type))
            BackendMetrics.PushMessagesSent.Add(type.Count(), new KeyValuePair<string, object?>("type", type.Key));
    }
}

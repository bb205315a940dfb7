using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Streams.PerfData;
using Microsoft.Extensions.Logging;

namespace Alignak.Streams.TimeSeries;

/// <summary>An accepted, durable check result, as little as the ingestion path can hand over without work.</summary>
/// <param name="Timestamp">The result's <c>last_check</c> (epoch seconds): the time of every point.</param>
public sealed record PerfCheck(string HostId, string? ServiceId, string? PerfData, long Timestamp, int? StateId);

/// <summary>Tunables of the pipeline (settings TIMESERIES_*, SCHEDULER_TIMESERIES_*).</summary>
/// <param name="QueueSize">Check results waiting to be routed; past it new ones are dropped and counted.</param>
/// <param name="BatchSize">Points per batch (all targets together), sent at the latest after <paramref name="BatchInterval"/>.</param>
/// <param name="Parallelism">Batches written at once.</param>
/// <param name="WritesPerTarget">Writes to one database at once.</param>
/// <param name="ReplayChunk">Parked points re-sent per write (the original's SCHEDULER_TIMESERIES_LIMIT).</param>
/// <param name="RetryMin">First wait before parked points are tried again; doubles up to <paramref name="RetryMax"/>.</param>
/// <param name="Timeout">One write's connect and send time.</param>
public sealed record TimeSeriesOptions(
    int QueueSize = 10_000,
    int BatchSize = 5_000,
    TimeSpan? BatchInterval = null,
    int Parallelism = 4,
    int WritesPerTarget = 2,
    int ReplayChunk = 100,
    TimeSpan? RetryMin = null,
    TimeSpan? RetryMax = null,
    TimeSpan? Timeout = null)
{
    public TimeSpan Interval => BatchInterval ?? TimeSpan.FromSeconds(1);
    public TimeSpan MinBackoff => RetryMin ?? TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff => RetryMax ?? TimeSpan.FromSeconds(10);
    public TimeSpan WriteTimeout => Timeout ?? TimeSpan.FromSeconds(5);
}

/// <summary>
/// Performance data of every accepted check result to the time-series databases of its realm (spec 2.14), on one
/// Akka.Streams graph built by <see cref="TimeSeriesFlows"/>:
/// <code>
/// Source.Queue (bounded, DropNew) → route (parse, names, targets) → GroupedWithin(size, time)
///   → SelectAsync(parallelism) → per target (<see cref="TargetWriter"/>): send, or park in timeseriesretention when the database is down
/// </code>
/// Overflow policy: <see cref="Offer"/> never waits; when the queue is full the new check result is dropped, counted
/// (<see cref="TimeSeriesStatus.DroppedAtIngress"/>) and logged. The queue only fills when the pipeline is slower than
/// ingestion itself, since a database that is down costs a park, not a wait.
/// A target that fails is "down": its batches go to the park (so live points never overtake parked ones) while a
/// <see cref="RestartSource"/> with backoff replays the park oldest first; once it is empty the target is up again.
/// Delivery is at least once: a batch cut by a failure is sent again whole, onto the same timestamps.
/// Livesynthesis counters join the same batches (host <c>alignak_livesynthesis</c>, no service, the current time): each
/// second, every realm whose counters changed since they were last sent sends all of them (the original sent them after
/// every change; a second coalesces a burst of check results into one point per counter).
/// </summary>
public sealed class TimeSeriesPipeline : IAsyncDisposable
{
    private readonly DocumentIndex _index;
    private readonly TimeSeriesTargets _targets;
    private readonly TimeSeriesPark _park;
    private readonly TimeSeriesOptions _options;
    private readonly ILogger _log;
    private readonly IMaterializer _materializer;
    private readonly LiveSynthesis? _synthesis;
    // Read and written by the tick stage only.
    private readonly Dictionary<string, IReadOnlyDictionary<string, long>> _synthesisSent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Resource, string Id), TargetWriter> _writers = new();
    private readonly ISourceQueueWithComplete<PerfCheck> _queue;
    private readonly Task _completion;
    private readonly Action _refused;
    private volatile bool _anyTarget;
    private int _reconciling;
    private long _queued;

    public TimeSeriesStatus Status { get; } = new();

    public TimeSeriesPipeline(ActorSystem system, DocumentIndex index, TimeSeriesTargets targets, TimeSeriesPark park,
        TimeSeriesOptions options, ILogger log, LiveSynthesis? synthesis = null)
    {
        (_index, _targets, _park, _options, _log, _synthesis) = (index, targets, park, options, log, synthesis);
        _materializer = system.Materializer(namePrefix: "timeseries");

        _refused = Refused; // one delegate for every offer, not one per offer
        var synthesisPoints = TimeSeriesFlows.Ticks(TimeSpan.FromSeconds(1), SynthesisPoints);
        var write = TimeSeriesFlows.PerTarget((target, points) => Writer(target).WriteAsync(points));
        (_queue, _completion) = TimeSeriesFlows.Queue(options)
            .Via(TimeSeriesFlows.RouteAndWrite(options, Route, synthesisPoints, write))
            .ToMaterialized(Sink.Ignore<NotUsed>(), Keep.Both)
            .Run(_materializer);

        _anyTarget = targets.All().Count > 0;
        targets.Changed += OnTargetsChanged;
        // Points parked before a restart: their targets start down and replay.
        foreach (var (resource, id) in park.Owners())
            if (targets.Find(resource, id) is { } target) Writer(target).GoDown();
    }

    /// <summary>
    /// Hands a durable check result to the pipeline without waiting. Returns false when it was not taken (no
    /// database configured at all, or the pipeline closed); a full queue is only known later, and counted.
    /// </summary>
    public bool Offer(PerfCheck check)
    {
        if (!_anyTarget) return false;
        Interlocked.Increment(ref Status.Offered);
        // Counted before the offer: the stream may route it (and count it out) before OfferAsync returns.
        Interlocked.Increment(ref _queued);
        TimeSeriesFlows.Offer(_queue, check, _refused);
        return true;
    }

    /// <summary>A check result the queue did not take (full, or closed): dropped.</summary>
    private void Refused()
    {
        Interlocked.Decrement(ref _queued);
        var dropped = Interlocked.Increment(ref Status.DroppedAtIngress);
        // One line per power of two: a flood is reported, not logged line by line.
        if ((dropped & (dropped - 1)) == 0)
            _log.LogWarning("Time series: the pipeline queue ({Size}) is full or closed; {Dropped} check results dropped so far",
                _options.QueueSize, dropped);
    }

    /// <summary>Tries every parked target now (the original's <c>/cron_timeseries</c>), without waiting for its backoff.</summary>
    public void ReplayNow()
    {
        foreach (var (resource, id) in _park.Owners())
            if (_targets.Find(resource, id) is { } target) Writer(target).GoDown(restart: true);
    }

    public JsonObject Describe()
    {
        var targets = new JsonArray();
        foreach (var writer in _writers.Values.OrderBy(w => w.Target.Name, StringComparer.Ordinal))
            targets.Add(new JsonObject
            {
                ["resource"] = writer.Target.Resource, ["_id"] = writer.Target.Id, ["name"] = writer.Target.Name,
                ["down"] = writer.Down, ["parked"] = _park.Count(writer.Target),
            });
        var status = Status.ToJson();
        status["park_limit"] = _park.LimitPerTarget;
        status["targets"] = targets;
        return status;
    }

    /// <summary>Check results offered and not routed yet (the queue's depth, give or take the ones being offered).</summary>
    public long QueueDepth => Math.Max(0, Interlocked.Read(ref _queued));

    /// <summary>Points parked now, per database.</summary>
    public IReadOnlyList<(string Resource, string Name, long Parked)> ParkedPerTarget() =>
        _writers.Values.Select(w => (w.Target.Resource, w.Target.Name, (long)_park.Count(w.Target))).ToList();

    private IEnumerable<RoutedPoint> Route(PerfCheck check)
    {
        Interlocked.Decrement(ref _queued);
        var host = _index.Collection("host").Get(check.HostId);
        if (host is null || (bool?)host["process_perf_data"] == false) yield break;
        StoredDocument? service = null;
        if (check.ServiceId is { } serviceId)
        {
            service = _index.Collection("service").Get(serviceId);
            if (service is null || (bool?)service["process_perf_data"] == false) yield break;
        }
        var item = service ?? host;
        if ((string?)item["_realm"] is not { } realm) yield break;
        var targets = _targets.ForRealm(realm);
        if (targets.Count == 0) yield break;

        var samples = CheckMetrics.Prepare(check.PerfData, check.StateId, (int?)item["_overall_state_id"]);
        if (samples.SkippedParts > 0) Interlocked.Add(ref Status.SkippedParts, samples.SkippedParts);
        var source = MetricSource.Create(_targets.RealmNames(realm), (string?)host["name"] ?? "", (string?)service?["name"]);
        foreach (var point in MetricPoint.From(source, samples.Samples, check.Timestamp))
            foreach (var target in targets)
                yield return new RoutedPoint(target, point);
    }

    /// <summary>The counters of each realm that has a database and whose counters changed since last sent.</summary>
    private IEnumerable<RoutedPoint> SynthesisPoints()
    {
        if (_synthesis is null || !_anyTarget) return [];
        var points = new List<RoutedPoint>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var realm in _index.Collection("realm").Read(view => view.All().Select(r => (string)r["_id"]!).ToList()))
        {
            var targets = _targets.ForRealm(realm);
            if (targets.Count == 0) continue;
            var counters = _synthesis.Of(realm);
            if (_synthesisSent.TryGetValue(realm, out var sent) && sent.Count == counters.Count
                && counters.All(c => sent.TryGetValue(c.Key, out var value) && value == c.Value)) continue;
            _synthesisSent[realm] = counters;
            var source = MetricSource.Create(_targets.RealmNames(realm), "alignak_livesynthesis");
            foreach (var name in LiveSynthesis.Counters)
                foreach (var target in targets)
                    points.Add(new RoutedPoint(target, new MetricPoint(source, name, counters[name], "", now)));
        }
        return points;
    }

    /// <summary>The writer of a target, with the target's current configuration.</summary>
    private TargetWriter Writer(TimeSeriesTarget target)
    {
        var writer = _writers.GetOrAdd((target.Resource, target.Id),
            _ => new TargetWriter(target, _options, _park, Status, _log, _materializer, Connect));
        writer.Configure(target);
        return writer;
    }

    private ITimeSeriesClient Connect(TimeSeriesTarget target) => ITimeSeriesClient.For(target, _options.WriteTimeout);

    private void OnTargetsChanged()
    {
        // Under the index's write lock: the reconciliation runs elsewhere, once for a burst of changes.
        if (Interlocked.Exchange(ref _reconciling, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            await Task.Yield();
            Volatile.Write(ref _reconciling, 0);
            await ReconcileAsync();
        });
    }

    /// <summary>Deleted targets stop (their parked points are dropped, counted and logged); changed ones reconnect.</summary>
    private async Task ReconcileAsync()
    {
        try
        {
            _anyTarget = _targets.All().Count > 0;
            foreach (var ((resource, id), writer) in _writers)
            {
                if (_targets.Find(resource, id) is { } target)
                {
                    writer.Configure(target);
                    continue;
                }
                if (!_writers.TryRemove((resource, id), out _)) continue;
                writer.Dispose();
                var dropped = await _park.ForgetAsync(resource, id, CancellationToken.None);
                if (dropped <= 0) continue;
                Interlocked.Add(ref Status.DroppedFromPark, dropped);
                TimeSeriesMetrics.Count(writer.Target, "dropped", dropped);
                _log.LogWarning("Time series: {Resource} {Name} was deleted; its {Dropped} parked points are dropped",
                    resource, writer.Target.Name, dropped);
            }
        }
        catch (Exception e)
        {
            _log.LogError(e, "Time series: applying a target change failed");
        }
    }

    /// <summary>
    /// Closes the queue and waits until what it held is sent or parked (the actor system must still run: parking
    /// writes documents), at most until <paramref name="cancellationToken"/> (the server's stop budget).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _targets.Changed -= OnTargetsChanged;
        _queue.Complete();
        try
        {
            await _completion.WaitAsync(_options.WriteTimeout + _options.Interval + TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _log.LogWarning("Time series: stopped before the last batches were sent or parked ({Queued} check results queued)", QueueDepth);
        }
        catch (Exception e)
        {
            _log.LogWarning(e, "Time series: the pipeline failed while stopping");
        }
        foreach (var writer in _writers.Values) writer.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}

/// <summary>Counters of the pipeline since start (served by <c>GET /cron_timeseries</c> and logged when they matter).</summary>
public sealed class TimeSeriesStatus
{
    public long Offered;
    public long DroppedAtIngress;
    public long SkippedParts;
    public long PointsSent;
    public long PointsParked;
    public long PointsReplayed;
    public long PointsRejected;
    public long DroppedFromPark;
    public long PointsLost;

    public JsonObject ToJson() => new()
    {
        ["check_results"] = Interlocked.Read(ref Offered),
        ["check_results_dropped"] = Interlocked.Read(ref DroppedAtIngress),
        ["perfdata_parts_skipped"] = Interlocked.Read(ref SkippedParts),
        ["points_sent"] = Interlocked.Read(ref PointsSent),
        ["points_parked"] = Interlocked.Read(ref PointsParked),
        ["points_replayed"] = Interlocked.Read(ref PointsReplayed),
        ["points_refused"] = Interlocked.Read(ref PointsRejected),
        ["points_dropped_from_park"] = Interlocked.Read(ref DroppedFromPark),
        ["points_lost"] = Interlocked.Read(ref PointsLost),
    };
}

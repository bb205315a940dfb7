using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Alignak.Streams.TimeSeries;

/// <summary>A point and the database it goes to.</summary>
public readonly record struct RoutedPoint(TimeSeriesTarget Target, MetricPoint Point);

/// <summary>
/// The stages of <see cref="TimeSeriesPipeline"/>, built from its tunables and given its side effects (routing, writing,
/// replaying, the clock), so each can run with other ones: the pipeline composes them with the documents and the
/// databases, tests with probes.
/// <code>
/// Queue → RouteAndWrite, restarted on failure: Batches (route, merged with Ticks, GroupedWithin) → Writes (SelectAsync, PerTarget)
/// Replay: one per target that is down (<see cref="TargetWriter"/>)
/// </code>
/// </summary>
public static class TimeSeriesFlows
{
    /// <summary>Check results waiting to be routed: bounded, and past <see cref="TimeSeriesOptions.QueueSize"/> the new one is dropped.</summary>
    public static Source<PerfCheck, ISourceQueueWithComplete<PerfCheck>> Queue(TimeSeriesOptions options) =>
        Source.Queue<PerfCheck>(options.QueueSize, OverflowStrategy.DropNew);

    /// <summary>
    /// Offers a check result to the <see cref="Queue"/> without waiting. When the queue does not take it (full: dropped;
    /// or closed), <paramref name="refused"/> runs once the queue has answered, on a pool thread.
    /// </summary>
    public static void Offer(ISourceQueueWithComplete<PerfCheck> queue, PerfCheck check, Action refused)
    {
        var offer = queue.OfferAsync(check);
        if (offer.IsCompletedSuccessfully && offer.Result is QueueOfferResult.Enqueued) return;
        offer.ContinueWith(static (t, refused) =>
        {
            if (t.IsCompletedSuccessfully && t.Result is QueueOfferResult.Enqueued) return;
            ((Action)refused!)();
        }, refused, TaskScheduler.Default);
    }

    /// <summary>Each <paramref name="every"/>, the points <paramref name="points"/> gives then (livesynthesis counters).</summary>
    public static Source<RoutedPoint, NotUsed> Ticks(TimeSpan every, Func<IEnumerable<RoutedPoint>> points) =>
        Source.Tick(every, every, NotUsed.Instance)
            .SelectMany(_ => points())
            .MapMaterializedValue(_ => NotUsed.Instance);

    /// <summary>
    /// The points of each check result and of <paramref name="ticks"/>, in batches (all targets together) closed at
    /// <see cref="TimeSeriesOptions.BatchSize"/> points or after <see cref="TimeSeriesOptions.BatchInterval"/>,
    /// whichever comes first. The stream completes with its input: ticks never end it.
    /// </summary>
    public static Flow<PerfCheck, IEnumerable<RoutedPoint>, NotUsed> Batches(TimeSeriesOptions options,
        Func<PerfCheck, IEnumerable<RoutedPoint>> route, Source<RoutedPoint, NotUsed> ticks) =>
        Flow.Create<PerfCheck>()
            .SelectMany(route)
            .Merge(ticks, eagerComplete: true)
            .GroupedWithin(options.BatchSize, options.Interval);

    /// <summary>Writes up to <see cref="TimeSeriesOptions.Parallelism"/> batches at once; one element out per batch written, in batch order.</summary>
    public static Flow<IEnumerable<RoutedPoint>, NotUsed, NotUsed> Writes(TimeSeriesOptions options, Func<IEnumerable<RoutedPoint>, Task> write) =>
        Flow.Create<IEnumerable<RoutedPoint>>().SelectAsync(options.Parallelism, async batch =>
        {
            await write(batch);
            return NotUsed.Instance;
        });

    /// <summary>
    /// <see cref="Batches"/> then <see cref="Writes"/>. A failing stage (a bug in routing or writing: a database that is
    /// down is the writer's business, not a failure) restarts them after a backoff; the queue before them stays.
    /// </summary>
    public static Flow<PerfCheck, NotUsed, NotUsed> RouteAndWrite(TimeSeriesOptions options, Func<PerfCheck, IEnumerable<RoutedPoint>> route,
        Source<RoutedPoint, NotUsed> ticks, Func<IEnumerable<RoutedPoint>, Task> write) =>
        RestartFlow.OnFailuresWithBackoff(() => Batches(options, route, ticks).Via(Writes(options, write)), Backoff(options));

    /// <summary>A batch writer from a per-target one: each target's points of the batch, in their order, as one write; targets at once.</summary>
    public static Func<IEnumerable<RoutedPoint>, Task> PerTarget(Func<TimeSeriesTarget, IReadOnlyList<MetricPoint>, Task> write) =>
        batch => Task.WhenAll(batch.GroupBy(p => p.Target).Select(group => write(group.Key, group.Select(p => p.Point).ToList())));

    /// <summary>
    /// A park's replay: <paramref name="replay"/> runs until it completes; each time it fails (the target still down),
    /// it runs again after a backoff from <see cref="TimeSeriesOptions.MinBackoff"/> to <see cref="TimeSeriesOptions.MaxBackoff"/>.
    /// The kill switch stops it (the target reconfigured or deleted).
    /// </summary>
    public static Source<Done, UniqueKillSwitch> Replay(TimeSeriesOptions options, Func<Task<Done>> replay) =>
        RestartSource.OnFailuresWithBackoff(() => Source.FromTask(replay()), Backoff(options))
            .ViaMaterialized(KillSwitches.Single<Done>(), Keep.Right);

    private static RestartSettings Backoff(TimeSeriesOptions options) => RestartSettings.Create(options.MinBackoff, options.MaxBackoff, 0.2);
}

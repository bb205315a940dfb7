using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Akka.TestKit;
using Alignak.Streams.TimeSeries;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alignak.Tests.Streams;

/// <summary>
/// The pipeline's stages (<see cref="TimeSeriesFlows"/>, <see cref="TargetWriter"/>) between stream probes, with a
/// database and a park in memory: no server, real time kept short.
/// </summary>
public sealed class TimeSeriesFlowTests(ITestOutputHelper output) : Akka.TestKit.Xunit.TestKit("", output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_full_queue_drops_the_new_check_results_counts_them_and_never_blocks_the_offerer()
    {
        var (queue, routed) = TimeSeriesFlows.Queue(new TimeSeriesOptions(QueueSize: 3))
            .ToMaterialized(this.SinkProbe<PerfCheck>(), Keep.Both)
            .Run(Sys.Materializer());
        var dropped = 0;
        void Offer(long t) => TimeSeriesFlows.Offer(queue, Flows.Check(t), () => Interlocked.Increment(ref dropped));

        // Nothing downstream asks for anything: the queue takes 3, and every offer returns at once all the same.
        await Task.Run(() =>
        {
            for (var t = 1; t <= 5; t++) Offer(t);
        }).WaitAsync(Patience);
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref dropped) == 2), Patience);

        // The stream moves on: the three taken come out, then one offered after them; the two dropped never do.
        await routed.RequestAsync(10);
        Assert.Equal([1L, 2, 3], await Timestamps(routed, 3));
        Offer(6);
        Assert.Equal(6, (await routed.ExpectNextAsync(Patience)).Timestamp);
        Assert.Equal(2, Volatile.Read(ref dropped));
    }

    [Fact]
    public async Task A_down_target_parks_later_points_too_and_replays_its_park_oldest_first_in_chunks_before_live_points()
    {
        var options = Flows.Options(batchSize: 1, replayChunk: 2);
        using var rig = new WriterRig(this, options);

        await rig.Write(1);
        rig.Database.Down = true;
        await rig.Write(2);                 // fails: parked, the target is down
        await rig.Write(3);                 // down: parked behind it, the database not even tried
        await rig.Write(4);
        await rig.Write(5);
        Assert.True(rig.Writer.Down);
        Assert.Equal([2L, 3, 4, 5], rig.Park.Timestamps());
        Assert.Equal([[1L]], rig.Database.Writes());

        // Back up, but its first replayed chunk held in flight: a live point meanwhile still goes behind the park.
        var replaying = rig.Database.HoldNextSend();
        rig.Database.Down = false;
        Assert.Equal([2L, 3], (await replaying.Started.WaitAsync(Patience)).Select(p => p.Timestamp));
        await rig.Write(6);
        Assert.Equal([2L, 3, 4, 5, 6], rig.Park.Timestamps());
        replaying.Release();

        await AwaitConditionAsync(() => Task.FromResult(!rig.Writer.Down), Patience);
        await rig.Write(7);
        Assert.Equal([[1L], [2, 3], [4, 5], [6], [7]], rig.Database.Writes());
        Assert.Empty(rig.Park.Timestamps());
        Assert.Equal((2L, 5L, 5L, 0L), (rig.Status.PointsSent, rig.Status.PointsParked, rig.Status.PointsReplayed, rig.Status.PointsLost));
    }

    [Fact]
    public async Task A_batch_cut_by_a_failure_is_parked_and_sent_again_whole()
    {
        var options = Flows.Options(batchSize: 4, replayChunk: 10);
        using var rig = new WriterRig(this, options);

        // The connection breaks once the database got the first 2 points of the batch of 4.
        rig.Database.CutNextAfter(2);
        foreach (var t in new long[] { 1, 2, 3, 4 }) await rig.Checks.SendNextAsync(Flows.Check(t));
        await rig.Written.RequestNextAsync();
        Assert.Equal([1L, 2], rig.Database.Received());
        Assert.Equal([1L, 2, 3, 4], rig.Park.Timestamps());

        rig.Database.Down = false;
        await AwaitConditionAsync(() => Task.FromResult(!rig.Writer.Down), Patience);
        Assert.Equal([[1L, 2, 3, 4]], rig.Database.Writes());
        Assert.Equal([1L, 2, 1, 2, 3, 4], rig.Database.Received());
        Assert.Equal((0L, 4L, 4L, 0L), (rig.Status.PointsSent, rig.Status.PointsParked, rig.Status.PointsReplayed, rig.Status.PointsLost));
    }

    private static async Task<List<long>> Timestamps(TestSubscriber.Probe<PerfCheck> probe, int count)
    {
        var timestamps = new List<long>();
        await foreach (var check in probe.ExpectNextNAsync(count, Patience)) timestamps.Add(check.Timestamp);
        return timestamps;
    }

    /// <summary>
    /// Check results (<see cref="Checks"/>) → <see cref="TimeSeriesFlows.RouteAndWrite"/> → one element per batch written
    /// or parked (<see cref="Written"/>), to one target with its <see cref="TargetWriter"/> on a database and a park in memory.
    /// </summary>
    private sealed class WriterRig : IDisposable
    {
        public FakeDatabase Database { get; } = new();
        public MemoryPark Park { get; } = new();
        public TimeSeriesStatus Status { get; } = new();
        public TargetWriter Writer { get; }
        public TestPublisher.Probe<PerfCheck> Checks { get; }
        public TestSubscriber.Probe<NotUsed> Written { get; }

        public WriterRig(TestKitBase kit, TimeSeriesOptions options)
        {
            var materializer = kit.Sys.Materializer();
            Writer = new TargetWriter(Flows.Carbon, options, Park, Status, NullLogger.Instance, materializer, _ => Database);
            var write = TimeSeriesFlows.PerTarget((_, points) => Writer.WriteAsync(points));
            (Checks, Written) = kit.SourceProbe<PerfCheck>()
                .Via(TimeSeriesFlows.RouteAndWrite(options, Flows.Route, Source.Never<RoutedPoint>(), write))
                .ToMaterialized(kit.SinkProbe<NotUsed>(), Keep.Both)
                .Run(materializer);
        }

        /// <summary>One check result, done (sent or parked) once the stream emits its batch.</summary>
        public async Task Write(long timestamp)
        {
            await Checks.SendNextAsync(Flows.Check(timestamp));
            await Written.RequestNextAsync();
        }

        public void Dispose() => Writer.Dispose();
    }
}

/// <summary>Batches in virtual time: the clock moves only when the test says so.</summary>
public sealed class TimeSeriesBatchTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit.TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", output)
{
    [Fact]
    public async Task A_batch_closes_at_BatchSize_points_or_after_BatchInterval_whichever_comes_first_with_the_ticks_in_it()
    {
        var interval = TimeSpan.FromSeconds(1);
        var clock = (TestScheduler)Sys.Scheduler;
        var ticks = this.CreatePublisherProbe<RoutedPoint>();
        var (checks, batches) = this.SourceProbe<PerfCheck>()
            .Via(TimeSeriesFlows.Batches(Flows.Options(batchSize: 3, interval: interval), Flows.Route, Source.FromPublisher(ticks)))
            .ToMaterialized(this.SinkProbe<IEnumerable<RoutedPoint>>(), Keep.Both)
            .Run(Sys.Materializer());
        await batches.RequestAsync(10);
        async Task<List<long>> NextBatch() => (await batches.ExpectNextAsync()).Select(p => p.Point.Timestamp).ToList();

        // The clock stands still: only the size can close these.
        foreach (var t in new long[] { 1, 2, 3, 4 }) await checks.SendNextAsync(Flows.Check(t));
        Assert.Equal([1L, 2, 3], await NextBatch());

        // A tick joins the open batch; just before the interval it is still open: the next point completes it.
        await ticks.SendNextAsync(new RoutedPoint(Flows.Carbon, Flows.Point(100)));
        clock.Advance(interval - TimeSpan.FromMilliseconds(1));
        await checks.SendNextAsync(Flows.Check(5));
        Assert.Equal([4L, 100, 5], await NextBatch());

        // Fewer points than the size: the interval closes it.
        await checks.SendNextAsync(Flows.Check(6));
        clock.Advance(interval);
        Assert.Equal([6L], await NextBatch());

        // The end of the input ends the stream (the ticks do not hold it open), the last batch sent first.
        await checks.SendNextAsync(Flows.Check(7));
        await checks.SendCompleteAsync();
        Assert.Equal([7L], await NextBatch());
        await batches.ExpectCompleteAsync();
    }
}

/// <summary>One target, its points, and check results of one point each (the timestamp is the value too).</summary>
internal static class Flows
{
    public static readonly GraphiteTarget Carbon = new("g1", "carbon", "127.0.0.1", 2004, "", false, null);

    public static TimeSeriesOptions Options(int batchSize, int replayChunk = 100, TimeSpan? interval = null) => new(
        BatchSize: batchSize, BatchInterval: interval ?? TimeSpan.FromMinutes(1), Parallelism: 1, WritesPerTarget: 1,
        ReplayChunk: replayChunk, RetryMin: TimeSpan.FromMilliseconds(20), RetryMax: TimeSpan.FromMilliseconds(100));

    public static PerfCheck Check(long timestamp) => new("h1", "s1", $"v={timestamp}", timestamp, 0);

    public static MetricPoint Point(long timestamp) => new(new MetricSource("All", "h1", "s1"), "v", timestamp, "", timestamp);

    public static IEnumerable<RoutedPoint> Route(PerfCheck check) => [new RoutedPoint(Carbon, Point(check.Timestamp))];
}

/// <summary>
/// A database in memory: takes points, or throws <see cref="TargetUnavailableException"/> while <see cref="Down"/>; a
/// send can be held in flight or cut after some points.
/// </summary>
internal sealed class FakeDatabase : ITimeSeriesClient
{
    private readonly Lock _gate = new();
    private readonly List<long[]> _writes = [];
    private readonly List<long> _received = [];
    private Held? _held;
    private int _cutAfter;

    public volatile bool Down;

    public sealed record Held(TaskCompletionSource<IReadOnlyList<MetricPoint>> Starting, TaskCompletionSource Released)
    {
        public Task<IReadOnlyList<MetricPoint>> Started => Starting.Task;
        public void Release() => Released.TrySetResult();
    }

    /// <summary>The next send waits, once it has started, until released.</summary>
    public Held HoldNextSend()
    {
        lock (_gate)
            return _held = new Held(new TaskCompletionSource<IReadOnlyList<MetricPoint>>(TaskCreationOptions.RunContinuationsAsynchronously),
                new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <summary>The next send breaks once <paramref name="points"/> of its points got through; the database is down from then.</summary>
    public void CutNextAfter(int points)
    {
        lock (_gate) _cutAfter = points;
    }

    /// <summary>Each write the database took whole, in order (the points' timestamps).</summary>
    public IReadOnlyList<long[]> Writes()
    {
        lock (_gate) return _writes.ToList();
    }

    /// <summary>Every point that got through, cut writes included.</summary>
    public IReadOnlyList<long> Received()
    {
        lock (_gate) return _received.ToList();
    }

    public async Task SendAsync(IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        Held? held;
        // Under the gate: a send that does not take a hold set before the database came back finds it down.
        lock (_gate)
        {
            (held, _held) = (_held, null);
            if (held is null && Down) throw new TargetUnavailableException("down");
        }
        if (held is not null)
        {
            held.Starting.TrySetResult(points);
            await held.Released.Task;
        }
        var timestamps = points.Select(p => p.Timestamp).ToArray();
        lock (_gate)
        {
            if (Down) throw new TargetUnavailableException("down");
            if (_cutAfter > 0)
            {
                _received.AddRange(timestamps.Take(_cutAfter));
                (_cutAfter, Down) = (0, true);
                throw new TargetUnavailableException("connection reset");
            }
            _received.AddRange(timestamps);
            _writes.Add(timestamps);
        }
    }

    public void Dispose() { }
}

/// <summary>A park in memory, for one target: oldest first.</summary>
internal sealed class MemoryPark : ITimeSeriesPark
{
    private readonly Lock _gate = new();
    private readonly List<ParkedPoint> _points = [];
    private int _ids;

    public int LimitPerTarget => 1_000;

    public Task<int> AddAsync(TimeSeriesTarget target, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        lock (_gate) _points.AddRange(points.Select(p => new ParkedPoint($"{++_ids}", p)));
        return Task.FromResult(0);
    }

    public int Count(TimeSeriesTarget target)
    {
        lock (_gate) return _points.Count;
    }

    public IReadOnlyList<ParkedPoint> Oldest(TimeSeriesTarget target, int count)
    {
        lock (_gate) return _points.Take(count).ToList();
    }

    public Task RemoveAsync(IReadOnlyList<ParkedPoint> sent, CancellationToken cancellationToken)
    {
        lock (_gate) _points.RemoveAll(sent.Contains);
        return Task.CompletedTask;
    }

    public IReadOnlyList<long> Timestamps()
    {
        lock (_gate) return _points.Select(p => p.Point.Timestamp).ToList();
    }
}

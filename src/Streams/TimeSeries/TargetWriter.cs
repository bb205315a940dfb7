using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;

namespace Alignak.Streams.TimeSeries;

/// <summary>
/// One database: sends, or parks while it is down and replays (<see cref="TimeSeriesFlows.Replay"/>) until the park is
/// empty. It is down from its first failed write until then, and meanwhile every write goes to the park, so live
/// points never overtake parked ones. A write that fails is parked whole: at least once, never lost to a cut.
/// </summary>
/// <param name="connect">The client of the target's current configuration (<see cref="ITimeSeriesClient.For"/>).</param>
public sealed class TargetWriter(TimeSeriesTarget target, TimeSeriesOptions options, ITimeSeriesPark park, TimeSeriesStatus status,
    ILogger log, IMaterializer materializer, Func<TimeSeriesTarget, ITimeSeriesClient> connect) : IDisposable
{
    private readonly SemaphoreSlim _writes = new(options.WritesPerTarget, options.WritesPerTarget);
    // Held to decide "send or park" and "park empty: up again", so no batch is left behind in the park.
    private readonly SemaphoreSlim _mode = new(1, 1);
    private readonly Lock _clientGate = new();
    private ITimeSeriesClient _client = connect(target);
    private UniqueKillSwitch? _replay;
    private volatile bool _down;
    private volatile bool _disposed;

    public TimeSeriesTarget Target { get; private set; } = target;
    public bool Down => _down;

    public void Configure(TimeSeriesTarget current)
    {
        if (Equals(current, Target)) return;
        lock (_clientGate)
        {
            if (Equals(current, Target)) return;
            var previous = _client;
            _client = connect(current);
            Target = current;
            // A write still using the old client fails and parks its points: nothing is lost.
            previous.Dispose();
        }
        // A fixed address or password: try the park now rather than at the end of the backoff.
        if (_down) GoDown(restart: true);
    }

    public async Task WriteAsync(IReadOnlyList<MetricPoint> points)
    {
        await _writes.WaitAsync();
        try
        {
            if (await ParkIfDownAsync(points)) return;
            await _client.SendAsync(points, CancellationToken.None);
            Interlocked.Add(ref status.PointsSent, points.Count);
            TimeSeriesMetrics.Count(Target, "sent", points.Count);
        }
        catch (TargetRejectedException e)
        {
            Interlocked.Add(ref status.PointsRejected, points.Count);
            TimeSeriesMetrics.Count(Target, "refused", points.Count);
            log.LogWarning("Time series: {Name} refused {Count} points, dropped: {Reason}", Target.Name, points.Count, e.Message);
        }
        catch (TargetUnavailableException e)
        {
            await _mode.WaitAsync();
            try
            {
                if (!_down) log.LogWarning("Time series: {Name} is down, its points are parked: {Reason}", Target.Name, e.Message);
                await ParkAsync(points);
                StartReplay();
            }
            catch (Exception parkFailure)
            {
                Lost(points.Count, parkFailure);
            }
            finally { _mode.Release(); }
        }
        catch (Exception e)
        {
            Lost(points.Count, e);
        }
        finally { _writes.Release(); }
    }

    /// <summary>Marks the target down and (re)starts its replay: parked points first, whatever comes next.</summary>
    public void GoDown(bool restart = false)
    {
        _mode.Wait();
        try
        {
            if (restart) StopReplay();
            StartReplay();
        }
        finally { _mode.Release(); }
    }

    private async Task<bool> ParkIfDownAsync(IReadOnlyList<MetricPoint> points)
    {
        await _mode.WaitAsync();
        try
        {
            if (!_down) return false;
            await ParkAsync(points);
            return true;
        }
        finally { _mode.Release(); }
    }

    private async Task ParkAsync(IReadOnlyList<MetricPoint> points)
    {
        var dropped = await park.AddAsync(Target, points, CancellationToken.None);
        Interlocked.Add(ref status.PointsParked, points.Count);
        TimeSeriesMetrics.Count(Target, "parked", points.Count);
        if (dropped == 0) return;
        var total = Interlocked.Add(ref status.DroppedFromPark, dropped);
        TimeSeriesMetrics.Count(Target, "dropped", dropped);
        log.LogWarning("Time series: the park of {Name} is full ({Limit} points): its {Dropped} oldest points were dropped ({Total} in all)",
            Target.Name, park.LimitPerTarget, dropped, total);
    }

    /// <summary>Under <see cref="_mode"/>.</summary>
    private void StartReplay()
    {
        _down = true;
        if (_replay is not null || _disposed) return;
        _replay = TimeSeriesFlows.Replay(options, ReplayAsync).To(Sink.Ignore<Done>()).Run(materializer);
    }

    private void StopReplay()
    {
        _replay?.Shutdown();
        _replay = null;
    }

    /// <summary>Oldest first, a chunk at a time; fails (and is restarted after a backoff) while the target is down.</summary>
    private async Task<Done> ReplayAsync()
    {
        while (!_disposed)
        {
            var chunk = park.Oldest(Target, options.ReplayChunk);
            if (chunk.Count == 0)
            {
                await _mode.WaitAsync();
                try
                {
                    if (park.Count(Target) > 0) continue;
                    _down = false;
                    _replay = null;
                    log.LogInformation("Time series: {Name} is up, its parked points are all sent", Target.Name);
                    return Done.Instance;
                }
                finally { _mode.Release(); }
            }
            try
            {
                await _client.SendAsync(chunk.Select(p => p.Point).ToList(), CancellationToken.None);
                Interlocked.Add(ref status.PointsReplayed, chunk.Count);
                TimeSeriesMetrics.Count(Target, "replayed", chunk.Count);
            }
            catch (TargetRejectedException e)
            {
                Interlocked.Add(ref status.PointsRejected, chunk.Count);
                TimeSeriesMetrics.Count(Target, "refused", chunk.Count);
                log.LogWarning("Time series: {Name} refused {Count} parked points, dropped: {Reason}", Target.Name, chunk.Count, e.Message);
            }
            catch (ObjectDisposedException e) when (!_disposed)
            {
                // The client was replaced by a configuration change: try again with the new one.
                throw new TargetUnavailableException("reconfigured", e);
            }
            await park.RemoveAsync(chunk, CancellationToken.None);
        }
        return Done.Instance;
    }

    private void Lost(int count, Exception e)
    {
        Interlocked.Add(ref status.PointsLost, count);
        TimeSeriesMetrics.Count(Target, "lost", count);
        log.LogError(e, "Time series: {Count} points for {Name} could be neither sent nor parked", count, Target.Name);
    }

    public void Dispose()
    {
        _disposed = true;
        lock (_clientGate) _client.Dispose();
        _replay?.Shutdown();
    }
}

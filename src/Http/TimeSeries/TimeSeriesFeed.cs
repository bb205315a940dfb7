using System.Text.Json.Nodes;
using Akka.Actor;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Http.Auth;
using Alignak.Http.Settings;
using Alignak.Streams.TimeSeries;

namespace Alignak.Http.TimeSeries;

/// <summary>
/// The performance-data pipeline's place in the server: started once the actor system is up, fed by check-result
/// ingestion after results are durable, stopped (in-flight batches sent or parked) with the server.
/// </summary>
public sealed class TimeSeriesFeed(
    IServiceProvider services, DocumentIndex index, BackendSettings settings, ILogger<TimeSeriesFeed> log)
    : IHostedService
{
    private TimeSeriesPipeline? _pipeline;

    public TimeSeriesPipeline? Pipeline => _pipeline;

    /// <summary>Never waits; results accepted before start-up finished are not sent (there were no check results yet).</summary>
    public void Offer(JsonObject checkResult)
    {
        if ((string?)(checkResult["host"] as JsonValue) is not { } host)
        {
            Metrics.BackendMetrics.CheckResultsAccepted.Add(1);
            return;
        }
        Offer(host, (string?)(checkResult["service"] as JsonValue), (string?)(checkResult["perf_data"] as JsonValue),
            EpochSeconds(checkResult["last_check"]), Int(checkResult["state_id"]));
    }

    /// <summary>A native check result, from its typed values.</summary>
    public void Offer(string host, string? service, string? perfData, long lastCheck, int? stateId)
    {
        // Every durable accepted check result passes here (both ways in).
        Metrics.BackendMetrics.CheckResultsAccepted.Add(1);
        _pipeline?.Offer(new PerfCheck(host, service, perfData, lastCheck, stateId));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var system = services.GetRequiredService<ActorSystem>();
        var writer = services.GetRequiredService<DocumentWriter>();
        var targets = new TimeSeriesTargets(index, log);
        var park = new TimeSeriesPark(index, writer, settings.TimeseriesRetentionLimit);
        _pipeline = new TimeSeriesPipeline(system, index, targets, park, Options(settings), log, services.GetRequiredService<LiveSynthesis>());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _pipeline, null) is { } pipeline) await pipeline.StopAsync(cancellationToken);
    }

    /// <summary>
    /// SCHEDULER_TIMESERIES_LIMIT keeps its meaning (parked points re-sent per pass, oldest first) and
    /// SCHEDULER_TIMESERIES_PERIOD bounds the wait between two attempts on a database that is down. Replay is part of
    /// the pipeline, so SCHEDULER_TIMESERIES_ACTIVE (off by default in the original, which then never re-sent
    /// anything) is not needed to get parked points back.
    /// </summary>
    public static TimeSeriesOptions Options(BackendSettings settings)
    {
        var period = TimeSpan.FromSeconds(settings.SchedulerTimeseriesPeriod);
        return new TimeSeriesOptions(
            QueueSize: settings.TimeseriesQueueSize,
            BatchSize: settings.TimeseriesBatchSize,
            BatchInterval: TimeSpan.FromMilliseconds(settings.TimeseriesBatchMilliseconds),
            ReplayChunk: settings.SchedulerTimeseriesLimit,
            RetryMin: period < TimeSpan.FromSeconds(1) ? period : TimeSpan.FromSeconds(1),
            RetryMax: period,
            Timeout: TimeSpan.FromSeconds(settings.TimeseriesTimeout));
    }

    private static long EpochSeconds(JsonNode? node) => Whole(node) ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static int? Int(JsonNode? node) => Whole(node) is { } number and >= int.MinValue and <= int.MaxValue ? (int)number : null;

    /// <summary>A JSON number as stored (parsed, or set as an int, a long or a double by server code).</summary>
    private static long? Whole(JsonNode? node) => node is not JsonValue value ? null
        : value.TryGetValue<long>(out var whole) ? whole
        : value.TryGetValue<int>(out var small) ? small
        : value.TryGetValue<double>(out var real) && double.IsFinite(real) ? (long)real
        : null;
}

public static class TimeSeriesEndpoints
{
    /// <summary>
    /// <c>GET /cron_timeseries</c>: as the original, re-sends parked points now; instead of its empty 500, answers the
    /// pipeline's counters (check results dropped, points sent, parked, replayed, dropped from the park) and each
    /// database's state.
    /// </summary>
    public static IEndpointRouteBuilder MapTimeSeriesEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/cron_timeseries", (TimeSeriesFeed feed) =>
        {
            if (feed.Pipeline is not { } pipeline) return Eve.EveResults.Error(StatusCodes.Status503ServiceUnavailable, "The time-series pipeline is not started");
            pipeline.ReplayNow();
            return Results.Json(pipeline.Describe());
        }).AddEndpointFilter(TokenAuth.RequireToken);
        return routes;
    }
}

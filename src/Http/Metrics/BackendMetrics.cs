using System.Diagnostics;
using System.Diagnostics.Metrics;
using Alignak.Actors.Documents;
using Alignak.Actors.Resources;
using Alignak.Http.TimeSeries;
using OpenTelemetry.Metrics;

namespace Alignak.Http.Metrics;

/// <summary>
/// The backend's own meters (System.Diagnostics.Metrics, meter <see cref="MeterName"/>), exported with ASP.NET Core's,
/// Kestrel's, SignalR's and the runtime's at <c>/metrics</c> in Prometheus text by OpenTelemetry. Counters that already
/// exist elsewhere (the time-series pipeline's, the index) are observed when scraped, not counted twice.
/// </summary>
public sealed class BackendMetrics : IDisposable
{
    public const string MeterName = "Alignak.Backend";
    public const string Path = "/metrics";

    /// <summary>ASP.NET Core's and SignalR's built-in meters: HTTP requests by route and status, push connections.</summary>
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
    ];

    /// <summary>Counted where no instance is at hand (a no-op while nobody listens).</summary>
    private static readonly Meter Shared = new(MeterName);

    public static readonly Counter<long> CheckResultsAccepted = Shared.CreateCounter<long>("alignak.checkresults.accepted", "{result}",
        "Check results accepted and durable (both ways in)");

    public static readonly Counter<long> PushMessagesSent = Shared.CreateCounter<long>("alignak.push.messages", "{message}",
        "Live push messages sent to clients, by type (resync: a client told to reload)");

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;

    public BackendMetrics(DocumentIndex index, TimeSeriesFeed timeSeries, EntityCounts entities)
    {
        _requests = _meter.CreateCounter<long>("alignak.checkresult.requests", "{request}",
            "Check-result requests (POST /checkresult and /logcheckresult) by outcome: accepted, invalid, refused, unavailable, other");
        _duration = _meter.CreateHistogram<double>("alignak.checkresult.duration", "s",
            "Time from a check-result request's arrival to its answer (durable when accepted)");
        _inFlight = _meter.CreateUpDownCounter<long>("alignak.checkresult.in_flight", "{request}", "Check-result requests being processed");

        _meter.CreateObservableGauge("alignak.entities", () => new[]
        {
            new Measurement<long>(entities.Alive, new KeyValuePair<string, object?>("state", "alive")),
            new Measurement<long>(entities.Recovering, new KeyValuePair<string, object?>("state", "recovering")),
        }, "{entity}", "Host and service entities woken at start (alive) and still recovering");
        _meter.CreateObservableGauge("alignak.index.documents",
            () => Schemas.Routable.Select(s => new Measurement<long>(index.Collection(s.Name).Count,
                new KeyValuePair<string, object?>("resource", s.Name))),
            "{document}", "Documents in the in-memory index, per resource");

        Status("alignak.timeseries.checkresults.dropped", "{result}", "Check results dropped at the full time-series queue", s => s.DroppedAtIngress);
        Status("alignak.timeseries.points.sent", "{point}", "Points sent to the time-series databases", s => s.PointsSent);
        Status("alignak.timeseries.points.parked", "{point}", "Points parked while their database was down", s => s.PointsParked);
        Status("alignak.timeseries.points.replayed", "{point}", "Parked points sent again", s => s.PointsReplayed);
        Status("alignak.timeseries.points.refused", "{point}", "Points a database refused (dropped)", s => s.PointsRejected);
        Status("alignak.timeseries.points.dropped", "{point}", "Parked points dropped past the park's bound or with their database", s => s.DroppedFromPark);
        _meter.CreateObservableGauge("alignak.timeseries.queue", () => timeSeries.Pipeline?.QueueDepth ?? 0,
            "{result}", "Check results waiting in the time-series queue");
        _meter.CreateObservableGauge("alignak.timeseries.parked", () => timeSeries.Pipeline?.ParkedPerTarget()
                .Select(p => new Measurement<long>(p.Parked, new KeyValuePair<string, object?>("resource", p.Resource),
                    new KeyValuePair<string, object?>("database", p.Name))) ?? [],
            "{point}", "Points parked now, per time-series database");
        return;

        void Status(string name, string unit, string description, Func<Alignak.Streams.TimeSeries.TimeSeriesStatus, long> read) =>
            _meter.CreateObservableCounter(name, () => timeSeries.Pipeline is { } pipeline ? read(pipeline.Status) : 0, unit, description);
    }

    /// <summary>Counts and times the check-result routes from outside (the ingestion code stays as it is).</summary>
    public async Task MeasureCheckResultAsync(HttpContext context, Func<Task> next)
    {
        var started = Stopwatch.GetTimestamp();
        _inFlight.Add(1);
        try
        {
            await next();
        }
        finally
        {
            _inFlight.Add(-1);
            var outcome = new KeyValuePair<string, object?>("outcome", context.Response.StatusCode switch
            {
                >= 200 and < 300 => "accepted",
                400 or 413 or 422 => "invalid",
                401 or 403 => "refused",
                503 or 504 => "unavailable",
                _ => "other",
            });
            _requests.Add(1, outcome);
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, outcome);
        }
    }

    public static bool IsCheckResultRoute(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.Equals("/checkresult") || request.Path.Equals("/logcheckresult"));

    public static void Configure(MeterProviderBuilder metrics) => metrics
        .AddMeter(MeterName, Alignak.Persistence.PersistenceMetrics.MeterName, Alignak.Streams.TimeSeries.TimeSeriesMetrics.MeterName)
        .AddMeter(FrameworkMeters)
        .AddAspNetCoreInstrumentation()
        .AddRuntimeInstrumentation()
        .AddPrometheusExporter();

    public void Dispose() => _meter.Dispose();
}

/// <summary>How many host and service entities start-up woke, and how many of them have not answered yet.</summary>
public sealed class EntityCounts
{
    private long _alive;
    private long _recovering;

    public long Alive => Interlocked.Read(ref _alive);
    public long Recovering => Interlocked.Read(ref _recovering);

    public void Waking(int count) => Interlocked.Add(ref _recovering, count);

    public void Woke()
    {
        Interlocked.Decrement(ref _recovering);
        Interlocked.Increment(ref _alive);
    }
}

public static class MetricsEndpoints
{
    /// <summary>Measures the check-result routes and serves <c>/metrics</c> (only with METRICS on).</summary>
    public static WebApplication UseBackendMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<BackendMetrics>();
        app.UseWhen(context => BackendMetrics.IsCheckResultRoute(context.Request),
            branch => branch.Use((context, next) => metrics.MeasureCheckResultAsync(context, () => next(context))));
        app.MapPrometheusScrapingEndpoint(BackendMetrics.Path);
        return app;
    }
}

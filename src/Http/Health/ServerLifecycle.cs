using Alignak.Http.Eve;

namespace Alignak.Http.Health;

public enum ServerPhase
{
    Starting,
    Ready,
    Stopping,
}

/// <summary>
/// Where the server is in its life: starting (schema, index, entities), ready, or stopping. Readiness is false except
/// when ready; once stopping, new requests get 503 while the ones in flight finish (Kestrel drains them before the
/// time-series pipeline is flushed and the node leaves the cluster).
/// </summary>
public sealed class ServerLifecycle
{
    private readonly IHostApplicationLifetime _lifetime;
    private volatile bool _initialized;

    public ServerLifecycle(IHostApplicationLifetime lifetime) => _lifetime = lifetime;

    /// <summary>Read from the lifetime's tokens, so it is already Stopping when the first stopping callback runs.</summary>
    public ServerPhase Phase =>
        _lifetime.ApplicationStopping.IsCancellationRequested ? ServerPhase.Stopping
        : _lifetime.ApplicationStarted.IsCancellationRequested ? ServerPhase.Ready
        : ServerPhase.Starting;

    /// <summary>Set by the initializer: the index is loaded with every live state (the entities wake after it).</summary>
    public bool Initialized => _initialized;

    public void MarkInitialized() => _initialized = true;
}

public static class StoppingGate
{
    /// <summary>While stopping, every new request but the health probes gets 503 with a Retry-After.</summary>
    public static IApplicationBuilder UseStoppingGate(this IApplicationBuilder app)
    {
        var lifecycle = app.ApplicationServices.GetRequiredService<ServerLifecycle>();
        return app.Use(async (context, next) =>
        {
            if (lifecycle.Phase == ServerPhase.Stopping && !context.Request.Path.StartsWithSegments(HealthEndpoints.Prefix))
            {
                context.Response.Headers.RetryAfter = "5";
                context.Response.Headers.Connection = "close";
                await EveResults.Error(StatusCodes.Status503ServiceUnavailable, "The server is stopping; try again on another node or after its restart")
                    .ExecuteAsync(context);
                return;
            }
            await next(context);
        });
    }
}

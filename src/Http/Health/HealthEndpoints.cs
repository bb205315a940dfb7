using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Alignak.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alignak.Http.Health;

/// <summary>
/// <c>/health/live</c>: the process answers and the actor system runs. <c>/health/ready</c>: the server may take
/// traffic (started and not stopping, cluster member Up, database reachable, journal and snapshot store answering,
/// index and live states loaded). No token; the body names each check and its status, never a setting's value.
/// </summary>
public static class HealthEndpoints
{
    public const string Prefix = "/health";
    private const string Live = "live";
    private const string Ready = "ready";

    /// <summary>Akka.Hosting's own checks (actor system alive, cluster member Up) join ours.</summary>
    public static AkkaConfigurationBuilder WithBackendHealthChecks(this AkkaConfigurationBuilder akka) => akka
        .WithActorSystemLivenessCheck(tags: [Live, Ready])
        .WithAkkaClusterReadinessCheck(tags: [Ready]);

    public static IServiceCollection AddBackendHealth(this IServiceCollection services)
    {
        services.AddSingleton<ServerLifecycle>();
        services.AddHealthChecks()
            .AddCheck<LifecycleCheck>("lifecycle", tags: [Ready])
            .AddCheck<DatabaseCheck>("database", tags: [Ready], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<PersistenceCheck>("journal-and-snapshot-store", tags: [Ready], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks($"{Prefix}/{Live}", Options(Live));
        routes.MapHealthChecks($"{Prefix}/{Ready}", Options(Ready));
        return routes;
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        AllowCachingResponses = false,
    };

    /// <summary><c>{"status": "Healthy", "checks": {"database": {"status": "Healthy", "description": "...", "seconds": 0.001}}}</c></summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description) writer.WriteString("description", description);
            writer.WriteNumber("seconds", Math.Round(entry.Duration.TotalSeconds, 4));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}

/// <summary>Ready only between the end of start-up (index and live states loaded) and the start of a stop.</summary>
internal sealed class LifecycleCheck(ServerLifecycle lifecycle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(lifecycle.Phase switch
        {
            ServerPhase.Ready when lifecycle.Initialized => HealthCheckResult.Healthy("index and live states loaded"),
            ServerPhase.Stopping => HealthCheckResult.Unhealthy("stopping"),
            _ => HealthCheckResult.Unhealthy("starting"),
        });
}

/// <summary>Opens a connection and runs a query; the error itself goes to the log (it may name hosts or users).</summary>
internal sealed class DatabaseCheck(DatabaseOptions database, ILogger<DatabaseCheck> log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy(database.Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning(e, "Health: the database does not answer");
            return HealthCheckResult.Unhealthy("the database does not answer (see the server log)");
        }
    }
}

/// <summary>The entities' journal and snapshot store actors answer (their database is the check above).</summary>
internal sealed class PersistenceCheck(ActorSystem system) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
            var journal = await persistence.JournalFor(null).Ask<ActorIdentity>(new Identify("journal"), TimeSpan.FromSeconds(3), cancellationToken);
            var snapshots = await persistence.SnapshotStoreFor(null).Ask<ActorIdentity>(new Identify("snapshots"), TimeSpan.FromSeconds(3), cancellationToken);
            return journal.Subject is not null && snapshots.Subject is not null
                ? HealthCheckResult.Healthy("answering")
                : HealthCheckResult.Unhealthy("not running");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("not answering");
        }
    }
}

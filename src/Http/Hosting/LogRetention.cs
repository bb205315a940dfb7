using Alignak.Http.Settings;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Hosting;

/// <summary>Applies LOGS_RETENTION_DAYS at start and then every hour.</summary>
public sealed class LogRetention(SqlLogStore store, BackendSettings settings, ILogger<LogRetention> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.LogsRetentionDays <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                var removed = await LogPurge.RunAsync(store, settings.LogsRetentionDays, DateTimeOffset.UtcNow, stoppingToken);
                if (removed > 0) log.LogInformation("Removed {Count} log rows older than {Days} days", removed, settings.LogsRetentionDays);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Log purge failed; it runs again in an hour");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>SCHEDULER_GRAFANA_ACTIVE: the dashboards job every SCHEDULER_GRAFANA_PERIOD seconds, as <c>/cron_grafana</c> does it.</summary>
public sealed class GrafanaScheduler(BackendSettings settings, GrafanaCron cron, ILogger<GrafanaScheduler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.SchedulerGrafanaActive) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.SchedulerGrafanaPeriod));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var report = await cron.RunAsync(forceGenerate: false, stoppingToken);
                log.LogInformation("Grafana dashboards job: {Report}", report.ToJsonString());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Grafana dashboards job failed; it runs again in {Period} s", settings.SchedulerGrafanaPeriod);
            }
        }
    }
}

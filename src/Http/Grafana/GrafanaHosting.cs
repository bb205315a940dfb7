using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>
/// The Grafana features' services and routes, for the composition root. Add the services after the actor system's,
/// so the scheduled job starts once it is up.
/// </summary>
public static class GrafanaHosting
{
    public static IServiceCollection AddGrafana(this IServiceCollection services)
    {
        services.AddSingleton(provider => DatasourceConfig.Load(provider.GetRequiredService<BackendSettings>()));
        services.AddSingleton<DatasourceAnnotations>();
        services.AddHttpClient(GrafanaApi.ClientName);
        services.AddSingleton<GrafanaApi>();
        services.AddSingleton<GrafanaCron>();
        services.AddHostedService<GrafanaScheduler>();
        return services;
    }

    public static IEndpointRouteBuilder MapGrafana(this IEndpointRouteBuilder routes, BackendSettings settings) =>
        routes.MapGrafanaDatasource(settings).MapCronGrafana();
}

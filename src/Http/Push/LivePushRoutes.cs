using Alignak.Http.Auth;

namespace Alignak.Http.Push;

public static class LivePushRoutes
{
    public static IServiceCollection AddLivePush(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<LivePublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<LivePublisher>());
        services.AddHostedService<HistoryPublication>();
        return services;
    }

    /// <summary>The hub, behind the same token check as REST: 401 in the API's envelope, before any negotiation.</summary>
    public static void MapLivePush(this WebApplication app)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments(LiveHub.Path), branch => branch.Use(async (http, next) =>
        {
            if (LiveHub.UserOf(http) is null)
            {
                await TokenAuth.Unauthorized().ExecuteAsync(http);
                return;
            }
            await next(http);
        }));
        app.MapHub<LiveHub>(LiveHub.Path);
    }
}

using System.Net;
using Alignak.Http.Eve;
using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>
/// <c>GET /cron_grafana[?forcegenerate]</c>, without authentication as the original; callers must be listed in
/// IP_CRON (an empty list, the original's missing key, lets anyone in).
/// </summary>
public static class CronEndpoint
{
    public const string DeniedMessage = "Access denied from remote host";

    public static IEndpointRouteBuilder MapCronGrafana(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/cron_grafana", async (HttpContext http, BackendSettings settings, GrafanaCron cron, IHostApplicationLifetime lifetime) =>
        {
            if (!Allowed(http.Connection.RemoteIpAddress, settings.IpCron))
                return EveResults.PlainText(StatusCodes.Status412PreconditionFailed, DeniedMessage);
            var forceGenerate = http.Request.Query.ContainsKey("forcegenerate");
            // A cron caller that gives up waiting (curl -m) does not stop the job half-way; only the shutdown does.
            return EveResults.Json(StatusCodes.Status200OK, await cron.RunAsync(forceGenerate, lifetime.ApplicationStopping));
        });
        return routes;
    }

    public static bool Allowed(IPAddress? caller, IReadOnlyList<string> ipCron)
    {
        if (ipCron.Count == 0) return true;
        if (caller is null) return false;
        var address = caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller;
        return ipCron.Any(allowed => IPAddress.TryParse(allowed, out var listed) && listed.Equals(address));
    }
}

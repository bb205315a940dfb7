using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>
/// The original's datasource <c>after_request</c> handler set these CORS headers on every response, over Eve's.
/// Here only the datasource routes get them (pre-flight included), so a browser-side Grafana reaches the datasource
/// whatever X_DOMAINS says, while the Eve routes keep the CORS answers of <see cref="Hosting.Cors"/>, which already
/// send the union of both sets of headers to allowed origins. The value <c>None</c> without an Origin is the
/// original's (Python's <c>str(None)</c>); browsers always send one.
/// </summary>
public static class DatasourceCors
{
    public static IApplicationBuilder UseGrafanaDatasourceCors(this IApplicationBuilder app, BackendSettings settings)
    {
        if (!settings.GrafanaDatasource) return app;
        return app.Use(async (context, next) =>
        {
            if (DatasourceEndpoints.Paths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase))
                // At the response's start, so these win over whatever ran later in the pipeline (the pre-flight answer too).
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    var origin = context.Request.Headers.Origin.ToString();
                    headers.AccessControlAllowOrigin = origin.Length > 0 ? origin : "None";
                    headers.AccessControlAllowHeaders = "Content-Type,Authorization";
                    headers.AccessControlAllowMethods = "GET,PUT,POST,DELETE,OPTIONS";
                    return Task.CompletedTask;
                });
            await next(context);
        });
    }
}

using Alignak.Http.Settings;

namespace Alignak.Http.Hosting;

/// <summary>
/// The original's CORS answers (X_DOMAINS): the Origin echoed when allowed, with the union of the
/// headers Eve and its Grafana handler sent; pre-flight OPTIONS needs no token.
/// </summary>
public static class Cors
{
    public static IApplicationBuilder UseEveCors(this IApplicationBuilder app, BackendSettings settings) => app.Use(async (context, next) =>
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && (settings.XDomains.Contains("*") || settings.XDomains.Contains(origin)))
        {
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = "Origin";
            headers.AccessControlAllowHeaders = string.Join(", ", settings.XHeaders);
            headers.AccessControlAllowMethods = "GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS";
            headers.AccessControlMaxAge = "21600";
            headers.AccessControlExposeHeaders = "ETag, Last-Modified, X-Total-Count";
        }
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }
        await next(context);
    });
}

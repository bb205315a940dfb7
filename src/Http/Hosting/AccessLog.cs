using System.Diagnostics;
using Alignak.Http.Auth;

namespace Alignak.Http.Hosting;

/// <summary>
/// ACCESS_LOG: one line per request (method, path, status, duration, user name). The query string is left out: it
/// may carry a token (<c>access_token</c> of the live push), and the Authorization header is never read here.
/// </summary>
public static class AccessLog
{
    public const string Category = "Alignak.Access";

    public static IApplicationBuilder UseAccessLog(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                log.LogInformation("{Method} {Path} {Status} {Milliseconds:F1} ms {User}",
                    context.Request.Method, context.Request.PathBase + context.Request.Path, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, (string?)context.UserOrNull()?["name"] ?? "-");
            }
        });
    }
}

using System.Reflection;

namespace Alignak.Http.Push;

/// <summary>
/// The operators' live page at <c>/live</c>: static files embedded in the server (no build step at run time) and
/// the official SignalR browser client. The page logs in with REST and authenticates the hub with its token.
/// </summary>
public static class LivePage
{
    public const string Path = "/live";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    private static readonly Assembly Assembly = typeof(LivePage).Assembly;

    public static void MapLivePage(this WebApplication app)
    {
        app.MapGet(Path, () => File("live.html")).ExcludeFromDescription();
        app.MapGet(Path + "/{file}", (string file) => File(file)).ExcludeFromDescription();
    }

    private static IResult File(string name)
    {
        var stream = Assembly.GetManifestResourceStream("live/" + name);
        if (stream is null || !ContentTypes.TryGetValue(System.IO.Path.GetExtension(name), out var type))
        {
            stream?.Dispose();
            return Eve.EveResults.NotFound();
        }
        return Results.Stream(stream, type);
    }
}

using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;
using Alignak.Http.Auth;
using Alignak.Http.Eve;
using Alignak.Http.Settings;

namespace Alignak.Http.Endpoints;

/// <summary>The original's plain routes: login, logout, version, backendconfig, and the API home.</summary>
public static class SystemEndpoints
{
    /// <summary>The API version clients see: the original's release whose interface this server keeps.</summary>
    public const string ApiVersion = "1.4.16";

    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/login", Login);
        routes.MapPost("/logout", () => Results.Text("ok"));
        routes.MapGet("/version", () => Results.Json(new { version = ApiVersion }));
        routes.MapGet("/backendconfig", (BackendSettings settings) => Results.Json(new JsonObject
        {
            ["PAGINATION_LIMIT"] = settings.PaginationLimit,
            ["PAGINATION_DEFAULT"] = settings.PaginationDefault,
        }));
        routes.MapMethods("/", ["GET", "HEAD"], Home).AddEndpointFilter(TokenAuth.RequireToken);
        return routes;
    }

    private static IResult Home() => EveResults.Json(StatusCodes.Status200OK, writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("_links");
        writer.WriteStartArray("child");
        foreach (var schema in Schemas.Routable)
        {
            writer.WriteStartObject();
            writer.WriteString("href", schema.Name);
            writer.WriteString("title", schema.Name);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private static async Task<IResult> Login(HttpRequest request, DocumentIndex index, DocumentWriter writer, LoginThrottle throttle,
        CancellationToken cancellationToken)
    {
        JsonObject? body = null;
        if (request.HasJsonContentType() || request.HasFormContentType)
        {
            var (parsed, _) = await RequestBody.ReadAsync(request, cancellationToken);
            body = parsed as JsonObject;
        }
        if (body is null || body.Count == 0)
            return Unauthorized("No data provided in the login request");
        if (!body.ContainsKey("username") || !body.ContainsKey("password"))
            return Unauthorized("Missing credentials in posted data (username and password are mandatory)");
        var username = Text(body["username"]);
        var password = Text(body["password"]);
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
            return Unauthorized("Username and password must be provided as credentials for login.");

        var address = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "";
        if (throttle.RetryAfter(username, address) is { } wait)
            return EveResults.Error(StatusCodes.Status429TooManyRequests, "Too many failed logins: try again later",
                response => response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString());
        var user = index.Collection(ResourceNames.User).FindByName(username);
        if (user is null || !PasswordHasher.Verify((string?)user["password"], password))
        {
            throttle.Failed(username, address);
            return Unauthorized(TokenAuth.Message);
        }
        throttle.Succeeded(username);

        var token = (string?)user["token"];
        if (Text(body["action"]) == "generate" || string.IsNullOrEmpty(token))
        {
            // A raw update, as the original: the user's _updated and ETag do not change.
            var result = await writer.SendAsync(
                new PatchDocument(ResourceNames.User, (string)user["_id"]!, """{"token":""}""", null, PatchMode.Raw), cancellationToken);
            if (result.Status != WriteStatus.Updated)
                return EveResults.Error(StatusCodes.Status503ServiceUnavailable, "The token could not be saved");
            token = (string?)index.Collection(ResourceNames.User).Get((string)user["_id"]!)?["token"];
        }
        return Results.Json(new { token });
    }

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        null => null,
        _ => node.ToJsonString(),
    };

    private static IResult Unauthorized(string message) => EveResults.Error(StatusCodes.Status401Unauthorized, message);
}

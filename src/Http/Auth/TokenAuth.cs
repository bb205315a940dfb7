using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Security;
using Alignak.Http.Eve;
using Alignak.Actors.Resources;

namespace Alignak.Http.Auth;

/// <summary>
/// The original's token authentication: the token is the Basic user name (password ignored), or the
/// whole Authorization value, optionally after "Token" or "Bearer". Every request sees the current user.
/// </summary>
public static class TokenAuth
{
    public const string Message = "Please provide proper credentials";
    private const string UserItem = "alignak.user";
    private const string RightsItem = "alignak.rights";

    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header)) return null;
        if (!AuthenticationHeaderValue.TryParse(header, out var parsed))
            return header.Trim();
        var scheme = parsed.Scheme;
        var parameter = parsed.Parameter?.Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && parameter is not null)
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = decoded.IndexOf(':');
                return colon < 0 ? decoded : decoded[..colon];
            }
            catch (FormatException)
            {
                return null;
            }
        }
        if (scheme.Equals("Token", StringComparison.OrdinalIgnoreCase) || scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return parameter;
        return parameter is null ? scheme : null;
    }

    public static StoredDocument? FindUser(DocumentIndex index, string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var users = index.Collection(ResourceNames.User);
        var ids = users.IdsWhere("token", token);
        return ids.Count == 1 ? users.Get(ids[0]) : null;
    }

    /// <summary>The authenticated user of this request (set by <see cref="RequireToken"/>).</summary>
    public static StoredDocument? UserOrNull(this HttpContext context) => context.Items[UserItem] as StoredDocument;

    public static StoredDocument User(this HttpContext context) =>
        context.Items[UserItem] as StoredDocument ?? throw new InvalidOperationException("route is not authenticated");

    /// <summary>The authenticated user's rights, computed once per request from the current roles and realms.</summary>
    public static UserRights Rights(this HttpContext context)
    {
        if (context.Items[RightsItem] is UserRights rights) return rights;
        rights = UserRights.For(context.User(), context.RequestServices.GetRequiredService<DocumentIndex>());
        context.Items[RightsItem] = rights;
        return rights;
    }

    public static IResult Unauthorized() => EveResults.Error(StatusCodes.Status401Unauthorized, Message,
        response => response.Headers.WWWAuthenticate = "Basic realm=\"eve\"");

    /// <summary>Endpoint filter for every Eve route.</summary>
    public static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var index = http.RequestServices.GetRequiredService<DocumentIndex>();
        var user = FindUser(index, ReadToken(http.Request));
        if (user is null) return Unauthorized();
        http.Items[UserItem] = user;
        return await next(context);
    }
}

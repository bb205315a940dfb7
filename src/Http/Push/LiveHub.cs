using Alignak.Actors.Documents;
using Alignak.Http.Auth;
using Microsoft.AspNetCore.SignalR;

namespace Alignak.Http.Push;

/// <summary>
/// The live push hub at <c>/hubs/live</c>: a client subscribes and receives <c>live</c> invocations, each an array
/// of messages (docs/live-push.md). Authenticated with the REST token: the Authorization header as for REST, or
/// <c>access_token</c> in the query string (browsers cannot set headers on WebSockets).
/// </summary>
public sealed class LiveHub(LivePublisher publisher) : Hub
{
    public const string Path = "/hubs/live";

    public SubscribeReply Subscribe(SubscribeRequest request) => publisher.Subscribe(Context.ConnectionId, request);

    public void Unsubscribe(string subscription) => publisher.Unsubscribe(Context.ConnectionId, subscription);

    public override Task OnConnectedAsync()
    {
        var http = Context.GetHttpContext();
        if (http is null || UserOf(http) is not { } user)
        {
            Context.Abort();
            return Task.CompletedTask;
        }
        var context = Context;
        publisher.Connect(Context.ConnectionId, user, () => context.Abort());
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        publisher.Disconnect(Context.ConnectionId);
        return Task.CompletedTask;
    }

    public static StoredDocument? UserOf(HttpContext http)
    {
        var token = TokenAuth.ReadToken(http.Request) ?? (string?)http.Request.Query["access_token"];
        return TokenAuth.FindUser(http.RequestServices.GetRequiredService<DocumentIndex>(), token);
    }
}

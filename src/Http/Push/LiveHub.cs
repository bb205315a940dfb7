using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Alignak.Actors.Messaging;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Http.Auth;
using Alignak.Persistence.Logs;
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

/// <summary>Feeds every node's history events to this node's publisher (topic <c>history</c>).</summary>
public sealed class HistoryPushFeeder : ReceiveActor
{
    public HistoryPushFeeder(LivePublisher publisher)
    {
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(HistoryRecorded.Topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<HistoryRecorded>(recorded => publisher.OfferHistory(recorded.Events));
    }
}

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

/// <summary>Publishes this node's stored history events to every node, and starts this node's feeder.</summary>
public sealed class HistoryPublication(LogWriter logs, ActorSystem system, LivePublisher publisher) : IHostedService
{
    private IActorRef _mediator = ActorRefs.Nobody;
    private IActorRef _feeder = ActorRefs.Nobody;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _mediator = DistributedPubSub.Get(system).Mediator;
        _feeder = system.ActorOf(Props.Create(() => new HistoryPushFeeder(publisher)), "history-push-feeder");
        logs.HistoryStored += Publish;
        return Task.CompletedTask;
    }

    /// <summary>
    /// To every node's feeder through the topic; alone, straight to this node's publisher, and only when it has
    /// subscribers (events are copied, and check results' history parsed, for nobody otherwise).
    /// </summary>
    private void Publish(IReadOnlyList<JsonObject> events)
    {
        var others = Cluster.Get(system).State.Members.Count > 1;
        if (!others && !publisher.HasSubscribers) return;
        if (!others)
        {
            publisher.OfferHistory(new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()));
            return;
        }
        // A bulk of check results makes as many events: published in parts that one message between nodes can carry.
        var sizes = events.Select(e => MessageLimits.Bytes(e.ToJsonString()) + 16).ToList();
        foreach (var range in MessageLimits.Pack(sizes))
        {
            var (start, end) = (range.Start.Value, range.End.Value);
            var copies = new JsonArray(events.Skip(start).Take(end - start).Select(e => (JsonNode)e.DeepClone()).ToArray());
            _mediator.Tell(new Publish(HistoryRecorded.Topic, new HistoryRecorded(copies)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        logs.HistoryStored -= Publish;
        system.Stop(_feeder);
        return Task.CompletedTask;
    }
}

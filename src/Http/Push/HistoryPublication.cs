using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Alignak.Actors.Messaging;
using Alignak.Actors.Live;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Push;

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

using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Alignak.Actors.Live;

namespace Alignak.Http.Push;

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

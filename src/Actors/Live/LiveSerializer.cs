using Akka.Actor;
using Alignak.Actors.Messaging;

namespace Alignak.Actors.Live;

/// <summary>The live engine's events, snapshots and messages (<see cref="ILiveMessage"/> and <see cref="LiveState"/>).</summary>
public sealed class LiveSerializer(ExtendedActorSystem system)
    : JsonMessageSerializer(system, "live-state", ConcreteTypes(typeof(ILiveMessage)).Append(typeof(LiveState)))
{
    public const int Id = 7041;

    public override int Identifier => Id;
}

using Akka.Actor;
using Alignak.Actors.Messaging;

namespace Alignak.Actors.Documents;

/// <summary>The writers' commands, replies and publications (<see cref="IDocumentMessage"/>).</summary>
public sealed class DocumentSerializer(ExtendedActorSystem system)
    : JsonMessageSerializer(system, "document", ConcreteTypes(typeof(IDocumentMessage)))
{
    public const int Id = 7042;

    public override int Identifier => Id;
}

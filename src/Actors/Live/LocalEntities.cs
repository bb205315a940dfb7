using System.Collections.Concurrent;
using Akka.Actor;

namespace Alignak.Actors.Live;

/// <summary>
/// The entities running on this node, by id: a command for one of them goes to it directly, not through its shard
/// region and shard (two mailbox hops, each a thread-pool wake, on every check result).
/// </summary>
public sealed class LocalEntities
{
    private readonly ConcurrentDictionary<string, IActorRef> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IActorRef> _services = new(StringComparer.Ordinal);

    private ConcurrentDictionary<string, IActorRef> Of(EntityKind kind) => kind == EntityKind.Host ? _hosts : _services;

    public void Add(EntityKind kind, string id, IActorRef entity) => Of(kind)[id] = entity;

    /// <summary>Only the entity itself unregisters its id (a successor may have taken it already).</summary>
    public void Remove(EntityKind kind, string id, IActorRef entity) => Of(kind).TryRemove(KeyValuePair.Create(id, entity));

    public IActorRef? Find(EntityKind kind, string id) => Of(kind).TryGetValue(id, out var entity) ? entity : null;
}

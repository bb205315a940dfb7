using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Microsoft.AspNetCore.SignalR;
using Alignak.Actors.Resources;

namespace Alignak.Http.Push;

/// <summary>The hub's <c>Subscribe</c> argument.</summary>
public sealed record SubscribeRequest
{
    /// <summary><c>all</c>, <c>realm</c>, <c>host</c>, <c>service</c>, <c>livesynthesis</c> or <c>history</c>.</summary>
    [JsonPropertyName("scope")] public string Scope { get; init; } = "all";
    /// <summary>The realm, host or service id; for <c>livesynthesis</c> an optional realm, for <c>history</c> an optional host.</summary>
    [JsonPropertyName("id")] public string? Id { get; init; }
    /// <summary>With a realm: its sub-realms too.</summary>
    [JsonPropertyName("sub_realms")] public bool SubRealms { get; init; }
    /// <summary>A subscription to resume (after a reconnect), from the message after <see cref="Seq"/>.</summary>
    [JsonPropertyName("resume")] public string? Resume { get; init; }
    [JsonPropertyName("seq")] public long Seq { get; init; }
}

/// <summary>The hub's <c>Subscribe</c> answer: the subscription, its last sequence number, whether it was resumed.</summary>
public sealed record SubscribeReply(
    [property: JsonPropertyName("subscription")] string Subscription,
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("resumed")] bool Resumed);

public enum ScopeKind
{
    All,
    Realm,
    Host,
    Service,
    LiveSynthesis,
    History,
}

/// <summary>What one subscription asked for. The rights filter is applied after it, per message.</summary>
public sealed class PushScope
{
    public ScopeKind Kind { get; }
    public string? Id { get; }
    public bool SubRealms { get; }
    /// <summary>Realm scopes: the realm and, when asked, its sub-realms now (refreshed when realms change).</summary>
    private HashSet<string>? _realms;

    private PushScope(ScopeKind kind, string? id, bool subRealms)
    {
        (Kind, Id, SubRealms) = (kind, id, subRealms);
    }

    /// <summary>The scope asked for, checked against what exists and what the user may read.</summary>
    public static PushScope Parse(SubscribeRequest request, DocumentIndex index, Func<string, IDocumentFields, bool> mayRead)
    {
        var kind = request.Scope switch
        {
            "all" => ScopeKind.All,
            "realm" => ScopeKind.Realm,
            "host" => ScopeKind.Host,
            "service" => ScopeKind.Service,
            "livesynthesis" => ScopeKind.LiveSynthesis,
            "history" => ScopeKind.History,
            _ => throw new HubException($"Unknown scope '{request.Scope}': use all, realm, host, service, livesynthesis or history."),
        };
        var resource = kind switch
        {
            ScopeKind.Realm or ScopeKind.LiveSynthesis => ResourceNames.Realm,
            ScopeKind.Host or ScopeKind.History => ResourceNames.Host,
            ScopeKind.Service => ResourceNames.Service,
            _ => null,
        };
        var idRequired = kind is ScopeKind.Realm or ScopeKind.Host or ScopeKind.Service;
        if (resource is null || (request.Id is null && !idRequired))
            return new PushScope(kind, null, request.SubRealms).Refreshed(index);
        if (request.Id is null) throw new HubException($"The {request.Scope} scope needs the id of a {resource}.");
        if (index.Collection(resource).Get(request.Id) is not { } document || !mayRead(resource, document))
            throw new HubException($"No {resource} with id '{request.Id}'.");
        return new PushScope(kind, request.Id, request.SubRealms).Refreshed(index);
    }

    /// <summary>Recomputes the realm set (after a realm tree change).</summary>
    public PushScope Refreshed(DocumentIndex index)
    {
        if (Kind is not (ScopeKind.Realm or ScopeKind.LiveSynthesis) || Id is null) return this;
        var realms = new HashSet<string>(StringComparer.Ordinal) { Id };
        if (SubRealms) realms.UnionWith(DocumentIds.In(index.Collection(ResourceNames.Realm).Get(Id)?["_all_children"]));
        _realms = realms;
        return this;
    }

    public bool Matches(PushMessage message) => message.Type == PushTypes.Resync || Kind switch
    {
        ScopeKind.All => true,
        ScopeKind.Realm => message.RealmId is { } realm && _realms!.Contains(realm),
        ScopeKind.Host => message.HostId == Id,
        ScopeKind.Service => message.ServiceId == Id,
        ScopeKind.LiveSynthesis => message.Type == PushTypes.LiveSynthesis && (_realms is null || _realms.Contains(message.RealmId ?? "")),
        ScopeKind.History => message.Type == PushTypes.History && (Id is null || message.HostId == Id),
        _ => false,
    };
}

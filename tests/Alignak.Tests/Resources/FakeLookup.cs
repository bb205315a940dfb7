using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Resources;

/// <summary>Stands for the in-memory index: a set of ids per resource and stored documents for uniqueness.</summary>
internal sealed class FakeLookup : IRelationLookup
{
    private readonly Dictionary<string, HashSet<string>> _ids = new(StringComparer.Ordinal);
    private readonly List<(string Resource, string Id, JsonObject Doc)> _docs = [];

    public FakeLookup With(string resource, string id, JsonObject? doc = null)
    {
        if (!_ids.TryGetValue(resource, out var set)) _ids[resource] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(id);
        if (doc is not null) _docs.Add((resource, id, doc));
        return this;
    }

    public bool Exists(string resource, string id) => _ids.TryGetValue(resource, out var set) && set.Contains(id);

    public bool IsTaken(string resource, string field, JsonNode value, string? exceptId) =>
        _docs.Any(d => d.Resource == resource && d.Id != exceptId && JsonNode.DeepEquals(d.Doc[field], value));
}

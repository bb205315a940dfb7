using System.Text.Json.Nodes;

namespace Alignak.Actors.Resources;

/// <summary>What validation needs to know about stored documents (Eve asked Mongo).</summary>
public interface IRelationLookup
{
    /// <summary>True when <paramref name="resource"/> holds a document with this <c>_id</c> (24 lowercase hex).</summary>
    bool Exists(string resource, string id);

    /// <summary>
    /// True when another document of <paramref name="resource"/> has <paramref name="field"/> equal to
    /// <paramref name="value"/>; the document <paramref name="exceptId"/> (the one being updated) does not count.
    /// </summary>
    bool IsTaken(string resource, string field, JsonNode value, string? exceptId);
}

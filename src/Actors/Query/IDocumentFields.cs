using System.Text.Json.Nodes;

namespace Alignak.Actors.Query;

/// <summary>
/// A document's top-level fields as queries and rights read them: the index's compact documents, or a JSON object
/// (<see cref="JsonFields"/>: log rows, documents being written).
/// </summary>
public interface IDocumentFields
{
    bool TryGetPropertyValue(string name, out JsonNode? value);

    /// <summary>The whole document as a JSON object (for the rare query that needs the root itself).</summary>
    JsonObject ToJsonObject();

    JsonNode? this[string name] => TryGetPropertyValue(name, out var value) ? value : null;
}

/// <summary>A JSON object read as <see cref="IDocumentFields"/>.</summary>
public sealed class JsonFields(JsonObject document) : IDocumentFields
{
    public bool TryGetPropertyValue(string name, out JsonNode? value) => document.TryGetPropertyValue(name, out value);

    public JsonObject ToJsonObject() => document;
}

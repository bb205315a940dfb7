using System.Text.Json.Nodes;

namespace Alignak.Actors.Documents;

/// <summary>What a hook may do within one write: read and stage changes of any resource.</summary>
public interface IWriteContext
{
    /// <summary>The write's time, RFC 1123.</summary>
    string Now { get; }

    /// <summary>The user who asked for the write; null for server-side writes.</summary>
    string? CallerId { get; }

    JsonObject? Find(string resource, string id);

    JsonObject? FindByName(string resource, string name);

    IReadOnlyList<string> IdsWhere(string resource, string field, string value);

    /// <summary>Whether a document (stored or staged) has both values: without walking every document of either one.</summary>
    bool AnyWhere(string resource, string field, string value, string otherField, string otherValue);

    /// <summary>Documents whose list <paramref name="field"/> holds <paramref name="value"/> (a scan).</summary>
    IReadOnlyList<string> IdsContaining(string resource, string field, string value);

    /// <summary>A copy of the document staged for change in this write.</summary>
    JsonObject? Edit(string resource, string id);

    /// <summary>Sets <c>_updated</c> and the ETag of an edited document.</summary>
    void Updated(JsonObject document);

    JsonObject InsertInternal(string resource, JsonObject document);

    void Remove(string resource, string id);
}

// TEMPORARY: replaced by the schema branch merge.
using System.Text.Json.Nodes;
namespace Alignak.Actors.Resources;
public sealed class FieldSchema { public string Type { get; init; } = "string"; }
public sealed class ResourceSchema { public string Name { get; init; } = ""; public string ItemTitle => Name; public bool Internal { get; init; } public bool AllowUnknown { get; init; } public IReadOnlyDictionary<string, FieldSchema> Fields { get; init; } = new Dictionary<string, FieldSchema>(); }
public static class Schemas { public static ResourceSchema? Find(string name) => new ResourceSchema { Name = name }; public static IReadOnlyList<ResourceSchema> Routable => []; }
public interface IRelationLookup { bool Exists(string resource, string id); bool IsTaken(string resource, string field, JsonNode value, string? exceptId); }
public static class DocumentValidator {
  public static JsonObject? ValidateInsert(ResourceSchema s, JsonObject d, IRelationLookup l) => null;
  public static JsonObject? ValidateUpdate(ResourceSchema s, JsonObject c, JsonObject m, string id, IRelationLookup l) => null;
  public static void ApplyDefaults(ResourceSchema s, JsonObject d) { }
}
public static class SchemaExt { }

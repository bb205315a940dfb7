using System.Text.Json.Nodes;

namespace Alignak.Actors.Resources;

/// <summary>The 30 resource schemas, loaded once from the embedded <c>schema/*.json</c> resources.</summary>
public static class Schemas
{
    private const string Prefix = "schema/";

    private static readonly Lazy<IReadOnlyDictionary<string, ResourceSchema>> Loaded = new(Load);
    private static readonly Lazy<IReadOnlyList<ResourceSchema>> RoutableList =
        new(() => Loaded.Value.Values.Where(s => !s.Internal).ToArray());

    /// <summary>All resources by name, in file-name order.</summary>
    public static IReadOnlyDictionary<string, ResourceSchema> All => Loaded.Value;

    /// <summary>Resources with HTTP routes (every resource except the internal ones).</summary>
    public static IReadOnlyList<ResourceSchema> Routable => RoutableList.Value;

    public static ResourceSchema? Find(string name) => Loaded.Value.GetValueOrDefault(name);

    private static IReadOnlyDictionary<string, ResourceSchema> Load()
    {
        var assembly = typeof(Schemas).Assembly;
        var result = new OrderedDictionary<string, ResourceSchema>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var root = JsonNode.Parse(stream) as JsonObject
                ?? throw new InvalidDataException($"{name}: not a JSON object");
            ResourceSchema schema;
            try
            {
                schema = ResourceSchema.Parse(root);
            }
            catch (Exception e) when (e is not InvalidDataException)
            {
                throw new InvalidDataException($"{name}: {e.Message}", e);
            }
            result.Add(schema.Name, schema);
        }
        if (result.Count == 0)
            throw new InvalidDataException("no embedded schema/*.json resources");
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, ResourceSchema>(result);
    }
}

using System.Text.Json.Nodes;

namespace Alignak.Http.Grafana;

/// <summary>
/// The <c>title</c> each host and service field had in the original's schemas: the heading of a table column.
/// Kept here as data because the validator's embedded schemas carry only rules.
/// </summary>
public static class FieldTitles
{
    private static readonly Lazy<JsonObject> Titles = new(() =>
    {
        using var stream = typeof(FieldTitles).Assembly.GetManifestResourceStream("grafana/field-titles.json")
            ?? throw new InvalidDataException("grafana/field-titles.json is not embedded");
        return JsonNode.Parse(stream)!.AsObject();
    });

    /// <summary>The field's title, or its name when the original gave it none.</summary>
    public static string Of(string resource, string field) => (string?)Titles.Value[resource]?[field] ?? field;
}

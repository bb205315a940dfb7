using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;

namespace Alignak.Http.Grafana;

/// <summary>
/// The <c>/query</c> side of the datasource: a target (a named query or <c>endpoint:field:value</c>) read into a
/// Grafana table from the in-memory documents, live fields included.
/// </summary>
public static class DatasourceTable
{
    /// <summary>The query a target names, or the 404 message the original answered.</summary>
    public static (NamedQuery? Query, string? Error) Resolve(string target, DatasourceConfig config)
    {
        if (config.Queries.TryGetValue(target, out var named)) return (named, null);
        var parts = target.Split(':', 3);
        if (parts.Length < 3)
            return (null, $"Bad format for query: {target}. Query must be something like endpoint:field:value.");
        var (endpoint, field, value) = (parts[0], parts[1], parts[2]);
        if (!DatasourceConfig.Endpoints.Contains(endpoint))
            return (null, $"Bad endpoint for query: {target}. Only {string.Join(" and ", DatasourceConfig.Endpoints)} are available.");
        if (Schemas.Find(endpoint)!.Field(field) is not { } schema)
            return (null, $"Bad field name for query: {target}. The {endpoint} endpoint has no field {field}.");
        if (Condition(schema, value) is not { } condition)
            return (null, $"Bad value for query: {target}. The field {field} is of type {schema.Type}.");
        try
        {
            return (new NamedQuery(endpoint, WhereFilter.Parse(new JsonObject { [field] = condition }.ToJsonString())), null);
        }
        catch (QueryException e)
        {
            return (null, $"Bad value for query: {target}. {e.Message}");
        }
    }

    /// <summary>
    /// <c>/text/</c> (or <c>/text</c>): the field contains a match of the regular expression; otherwise the value as
    /// the field's type holds it (null when it cannot).
    /// </summary>
    private static JsonNode? Condition(FieldSchema field, string value)
    {
        if (value.StartsWith('/'))
        {
            var pattern = value.Length > 1 && value.EndsWith('/') ? value[1..^1] : value[1..];
            return new JsonObject { ["$regex"] = pattern };
        }
        var invariant = CultureInfo.InvariantCulture;
        return field.Type switch
        {
            "integer" => long.TryParse(value, NumberStyles.Integer, invariant, out var n) ? JsonValue.Create(n) : null,
            "float" or "number" => double.TryParse(value, NumberStyles.Float, invariant, out var d) ? JsonValue.Create(d) : null,
            "boolean" => bool.TryParse(value, out var b) ? JsonValue.Create(b) : null,
            _ => JsonValue.Create(value),
        };
    }

    /// <summary><c>[{"type": "table", "columns": [...], "rows": [...]}]</c>, rows in insertion order.</summary>
    public static JsonArray Render(NamedQuery query, IReadOnlyList<string> fields, DocumentIndex index)
    {
        var schema = Schemas.Find(query.Endpoint)!;
        var columns = new JsonArray();
        foreach (var field in fields)
            columns.Add(new JsonObject { ["text"] = FieldTitles.Of(query.Endpoint, field), ["type"] = schema.Field(field)!.Type });

        var documents = index.Collection(query.Endpoint).Read(view => view.All().Where(query.Filter.Matches).ToList());
        var hosts = index.Collection(ResourceNames.Host);
        var rows = new JsonArray();
        foreach (var document in documents)
        {
            var row = new JsonArray();
            foreach (var field in fields) row.Add(Cell(query.Endpoint, field, document[field], hosts));
            rows.Add(row);
        }
        return [new JsonObject { ["type"] = "table", ["columns"] = columns, ["rows"] = rows }];
    }

    /// <summary>Lists joined with commas, a service's host by name, live timestamps as dates: what a table shows.</summary>
    private static JsonNode? Cell(string endpoint, string field, JsonNode? value, ResourceCollection hosts) => value switch
    {
        null => null,
        JsonArray list => string.Join(",", list.Select(item => item is JsonValue v && v.TryGetValue<string>(out var s) ? s : item?.ToJsonString())),
        JsonValue id when endpoint == ResourceNames.Service && field == "host" && id.TryGetValue<string>(out var hostId) =>
            hosts.Get(hostId)?["name"]?.DeepClone() ?? hostId,
        JsonValue time when field.StartsWith("ls_last_", StringComparison.Ordinal) && time.GetValueKind() == JsonValueKind.Number =>
            // Live values are CLR numbers, stored ones JSON elements: read both through their JSON text.
            Rfc1123.Format(DateTimeOffset.FromUnixTimeSeconds((long)double.Parse(time.ToJsonString(), CultureInfo.InvariantCulture))),
        _ => value.DeepClone(),
    };
}

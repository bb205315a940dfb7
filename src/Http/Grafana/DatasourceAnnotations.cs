using System.Globalization;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Persistence.Logs;
using Alignak.Actors.Resources;

namespace Alignak.Http.Grafana;

/// <summary>
/// The <c>/annotations</c> side of the datasource. <c>history:&lt;event type&gt;:&lt;hosts&gt;[:&lt;services&gt;]</c>
/// reads the history log within Grafana's time range; <c>livestate:&lt;anything&gt;:&lt;hosts&gt;</c> shows the hosts'
/// current states. Hosts and services are a name or <c>{name1,name2}</c>.
/// </summary>
public sealed class DatasourceAnnotations(SqlLogStore logs, DocumentIndex index)
{
    public sealed record Query(string Endpoint, string Type, IReadOnlyList<string> Hosts, IReadOnlyList<string>? Services);

    /// <summary>The parsed query, or the 404 message the original answered.</summary>
    public static (Query? Query, string? Error) Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length < 3)
            return (null, $"Bad format for query: {text}. Query must be something like endpoint:type:target.");
        if (parts[0] is not ("history" or "livestate"))
            return (null, $"Bad endpoint for query: {text}. Only history and livestate are available.");
        return (new Query(parts[0], parts[1], Names(parts[2]), parts.Length > 3 ? Names(parts[3]) : null), null);
    }

    private static string[] Names(string target) =>
        target.Trim().TrimStart('{').TrimEnd('}').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A range bound as Grafana sends it (ISO 8601), as the original's tests did (RFC 1123), or epoch milliseconds;
    /// null when absent (no bound), false when present but not a date.
    /// </summary>
    public static bool TryBound(JsonNode? bound, out long? epochSeconds)
    {
        epochSeconds = null;
        switch (bound)
        {
            case null:
                return true;
            case JsonValue number when number.TryGetValue<double>(out var milliseconds):
                epochSeconds = (long)Math.Floor(milliseconds / 1000);
                return true;
            case JsonValue text when text.TryGetValue<string>(out var date)
                && (Rfc1123.TryParse(date, out var time) || DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)):
                epochSeconds = time.ToUnixTimeSeconds();
                return true;
            default:
                return false;
        }
    }

    public async Task<JsonArray> ReadAsync(Query query, JsonNode? annotation, long? from, long? to, CancellationToken cancellationToken) =>
        query.Endpoint == ResourceNames.History
            ? await HistoryAsync(query, annotation, from, to, cancellationToken)
            : LiveState(query, annotation);

    /// <summary>Events of that type about those hosts (and services), oldest first; <c>time</c> is the event's date.</summary>
    private async Task<JsonArray> HistoryAsync(Query query, JsonNode? annotation, long? from, long? to, CancellationToken cancellationToken)
    {
        var sql = new LogQuery { CreatedFrom = from, CreatedTo = to };
        sql.Equal["type"] = query.Type;
        var annotations = new JsonArray();
        await foreach (var json in logs.ReadAsync(ResourceNames.History, sql, 0, null, cancellationToken))
        {
            var evt = JsonNode.Parse(json)!.AsObject();
            var host = (string?)(evt["host_name"] as JsonValue);
            var service = (string?)(evt["service_name"] as JsonValue);
            if (host is null || !query.Hosts.Contains(host)) continue;
            if (query.Services is not null && (service is null || !query.Services.Contains(service))) continue;
            var message = (string?)(evt["message"] as JsonValue) ?? "";
            var title = string.IsNullOrEmpty(service) ? $"{host} - {message}" : $"{host}/{service} - {message}";
            annotations.Add(Annotation(annotation, evt["_updated"]?.DeepClone(), title, new JsonArray(query.Type), message));
        }
        return annotations;
    }

    /// <summary>Each host's current state; <c>time</c> is its last check.</summary>
    private JsonArray LiveState(Query query, JsonNode? annotation)
    {
        var hosts = index.Collection(ResourceNames.Host);
        var annotations = new JsonArray();
        foreach (var name in query.Hosts)
        {
            if (hosts.FindByName(name) is not { } host) continue;
            var lastCheck = (long?)(host["ls_last_check"] as JsonValue) ?? 0;
            var text = $"{name}: {(string?)host["ls_state"]} ({(string?)host["ls_state_type"]}) - {(string?)host["ls_output"]}";
            annotations.Add(Annotation(annotation, Rfc1123.Format(DateTimeOffset.FromUnixTimeSeconds(lastCheck)),
                (string?)host["alias"] ?? name, host["tags"]?.DeepClone() ?? new JsonArray(), text));
        }
        return annotations;
    }

    /// <summary>Grafana's annotation object; <c>time</c> an HTTP date where Grafana expects epoch ms (the original's quirk).</summary>
    private static JsonObject Annotation(JsonNode? annotation, JsonNode? time, string title, JsonNode tags, string text) => new()
    {
        ["annotation"] = annotation?.DeepClone(),
        ["time"] = time,
        ["title"] = title,
        ["tags"] = tags,
        ["text"] = text,
    };
}

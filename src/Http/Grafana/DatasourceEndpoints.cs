using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Http.Eve;
using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>
/// The backend as a Grafana SimpleJSON datasource (API.md 2.16): <c>POST /search</c>, <c>/query</c> and
/// <c>/annotations</c>, without authentication as the original, mapped only when GRAFANA_DATASOURCE is on.
/// Errors are 404s in the Eve envelope, as the original aborted them.
/// </summary>
public static class DatasourceEndpoints
{
    public static readonly string[] Paths = ["/search", "/query", "/annotations"];

    public static IEndpointRouteBuilder MapGrafanaDatasource(this IEndpointRouteBuilder routes, BackendSettings settings)
    {
        if (!settings.GrafanaDatasource) return routes;
        // Fails the start-up on a malformed queries or tables file rather than the first request.
        var config = routes.ServiceProvider.GetRequiredService<DatasourceConfig>();
        routes.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatasourceEndpoints)).LogInformation(
            "Grafana datasource: queries from {Queries}, tables from {Tables}",
            config.QueriesFile ?? "the original's defaults", config.TablesFile ?? "the original's defaults");
        routes.MapPost("/search", Search);
        routes.MapPost("/query", Query);
        routes.MapPost("/annotations", Annotations);
        return routes;
    }

    /// <summary>The names of the table queries, sorted; Grafana's metric search (a non-empty target) finds none.</summary>
    private static async Task<IResult> Search(HttpRequest request, DatasourceConfig config, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadAsync(request, cancellationToken);
        if (error is not null) return error;
        var target = (body as JsonObject)?["target"];
        var names = target is null || (target is JsonValue v && v.TryGetValue<string>(out var text) && text.Length == 0)
            ? config.Queries.Keys.Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return EveResults.Json(StatusCodes.Status200OK, new JsonArray(names.Select(n => (JsonNode?)n).ToArray()));
    }

    private static async Task<IResult> Query(HttpRequest request, DatasourceConfig config, DocumentIndex index, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadAsync(request, cancellationToken);
        if (error is not null) return error;
        if ((body as JsonObject)?["targets"] is not JsonArray { Count: 1 } targets)
            return NotFound("Only one target is supported by this datasource.");
        var target = Text((targets[0] as JsonObject)?["target"]);
        var (query, problem) = DatasourceTable.Resolve(target, config);
        if (query is null) return NotFound(problem!);
        try
        {
            return EveResults.Json(StatusCodes.Status200OK, DatasourceTable.Render(query, config.Tables[query.Endpoint], index));
        }
        catch (QueryException e)
        {
            // A regular expression too costly to evaluate.
            return NotFound($"Bad value for query: {target}. {e.Message}");
        }
    }

    private static async Task<IResult> Annotations(HttpRequest request, DatasourceAnnotations annotations, CancellationToken cancellationToken)
    {
        var (body, error) = await RequestBody.ReadAsync(request, cancellationToken);
        if (error is not null) return error;
        var fields = body as JsonObject;
        var annotation = fields?["annotation"];
        var (query, problem) = DatasourceAnnotations.Parse(Text((annotation as JsonObject)?["query"]));
        if (query is null) return NotFound(problem!);
        var range = fields?["range"] as JsonObject;
        if (!DatasourceAnnotations.TryBound(range?["from"], out var from) || !DatasourceAnnotations.TryBound(range?["to"], out var to))
            return NotFound("Bad range for annotations: from and to must be dates.");
        return EveResults.Json(StatusCodes.Status200OK, await annotations.ReadAsync(query, annotation, from, to, cancellationToken));
    }

    /// <summary>A string field's value; anything else (absent, a number, an object) reads as empty.</summary>
    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static IResult NotFound(string message) => EveResults.Error(StatusCodes.Status404NotFound, message);
}

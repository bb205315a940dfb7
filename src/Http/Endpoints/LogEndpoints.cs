using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Http.Auth;
using Alignak.Http.Eve;
using Alignak.Http.Live;
using Alignak.Http.Settings;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Endpoints;

/// <summary>
/// history and logcheckresult: the same Eve routes as every resource, but kept in SQL tables and read
/// page by page from them (their literal routes win over the generic <c>/{resource}</c> ones).
/// </summary>
public static class LogEndpoints
{
    public static readonly string[] Resources = [ResourceNames.History, ResourceNames.LogCheckResult];

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var resource in Resources)
        {
            var eve = routes.MapGroup("/" + resource).AddEndpointFilter(TokenAuth.RequireToken);
            eve.MapMethods("", ["GET", "HEAD"], (HttpContext http, SqlLogStore store, DocumentIndex index, BackendSettings settings, CancellationToken ct) =>
                GetCollection(resource, http, store, index, settings, ct));
            eve.MapPost("", (HttpContext http, LogWriter writer, CheckResultIngestion live, CancellationToken ct) => Post(resource, http, writer, live, ct));
            eve.MapDelete("", (HttpContext http, LogWriter writer, CancellationToken ct) => DeleteCollection(resource, http, writer, ct));
            eve.MapMethods("", ["PATCH", "PUT"], (HttpContext http) =>
                ResourceEndpoints.Resolve(resource, http.Request, item: false, out _) ?? ResourceEndpoints.MethodNotAllowed());
            eve.MapMethods("/{id}", ["GET", "HEAD"], (string id, HttpContext http, SqlLogStore store, DocumentIndex index, CancellationToken ct) =>
                GetItem(resource, id, http, store, index, ct));
            eve.MapPatch("/{id}", (string id, HttpContext http, LogWriter writer, CancellationToken ct) => Patch(resource, id, http, writer, ct));
            eve.MapDelete("/{id}", (string id, HttpContext http, LogWriter writer, CancellationToken ct) => DeleteItem(resource, id, http, writer, ct));
            eve.MapMethods("/{id}", ["PUT", "POST"], (HttpContext http) =>
                ResourceEndpoints.Resolve(resource, http.Request, item: true, out _) ?? ResourceEndpoints.MethodNotAllowed());
        }
        return routes;
    }

    private static async Task<IResult> GetCollection(string resource, HttpContext http, SqlLogStore store, DocumentIndex index,
        BackendSettings settings, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var schema = Schemas.Find(resource)!;
        WhereFilter filter;
        SortSpec? sort;
        Projection? projection;
        Embedding? embedding;
        LogQuery sql;
        bool complete;
        try
        {
            filter = WhereFilter.Parse(request.Query["where"]);
            sort = SortSpec.Parse(request.Query["sort"]);
            projection = Projection.Parse(request.Query["projection"]);
            embedding = Embedding.Parse(request.Query["embedded"], schema);
            (sql, complete) = Translate(request.Query["where"]);
        }
        catch (QueryException e)
        {
            return EveResults.Error(StatusCodes.Status400BadRequest, e.Message);
        }
        var (maxResults, page) = Paging.Resolve(request.Query["max_results"], request.Query["page"],
            settings.PaginationDefault, settings.PaginationLimit);
        var skip = (long)(page - 1) * maxResults;
        var visible = http.Rights().ReadFilter(resource);
        var sqlOrder = sort is null || (sort.Fields.Count == 1 && sort.Fields[0].Field is "_created" or "_id");
        sql.Descending = sort is { Fields.Count: 1 } && sort.Fields[0].Descending;

        long total;
        var items = new List<JsonObject>();
        try
        {
            if (complete && visible is null && sqlOrder)
            {
                // All of it in SQL: one count, one page.
                total = await store.CountAsync(resource, sql, cancellationToken);
                await foreach (var json in store.ReadAsync(resource, sql, skip, maxResults, cancellationToken))
                    items.Add(JsonNode.Parse(json)!.AsObject());
            }
            else
            {
                // SQL narrows; the rest of the filter and the rights are applied row by row as they stream.
                var matches = new List<JsonObject>();
                total = 0;
                await foreach (var json in store.ReadAsync(resource, sql, 0, null, cancellationToken))
                {
                    var document = JsonNode.Parse(json)!.AsObject();
                    if (!filter.Matches(document) || visible?.Invoke(new JsonFields(document)) == false) continue;
                    if (!sqlOrder) matches.Add(document);
                    else if (total >= skip && items.Count < maxResults) items.Add(document);
                    total++;
                }
                if (!sqlOrder) items = sort!.Sort(matches).Skip((int)Math.Min(skip, int.MaxValue)).Take(maxResults).ToList();
            }
        }
        catch (QueryException e)
        {
            // A $regex that runs past its time limit on some row.
            return EveResults.Error(StatusCodes.Status400BadRequest, e.Message);
        }

        return EveResults.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("_items");
            foreach (var document in items)
                EveResults.WriteDocument(writer, ResourceEndpoints.Shape(resource, document, projection, embedding, index, http.Rights()),
                    w => ResourceEndpoints.WriteItemLinks(w, schema, (string?)document["_id"]));
            writer.WriteEndArray();
            ResourceEndpoints.WritePageEnd(writer, resource, request, settings, maxResults, page, total);
        }, response => response.Headers["X-Total-Count"] = total.ToString());
    }

    /// <summary>
    /// The part of a where clause SQL can answer: top-level equalities on the log's columns and ranges on
    /// <c>_created</c>; complete when nothing else is asked.
    /// </summary>
    internal static (LogQuery Query, bool Complete) Translate(string? where)
    {
        var query = new LogQuery();
        if (string.IsNullOrEmpty(where)) return (query, true);
        JsonObject? clause;
        try { clause = JsonNode.Parse(where) as JsonObject; }
        catch (JsonException) { clause = null; }
        if (clause is null) return (query, false); // the Python form: matched in memory
        List<KeyValuePair<string, JsonNode?>> fields;
        try { fields = clause.ToList(); }
        catch (ArgumentException) { return (new LogQuery(), false); } // a key given twice: left to the in-memory filter
        var complete = true;
        foreach (var (field, value) in fields)
        {
            if (SqlLogStore.Columns.ContainsKey(field) && value is JsonValue v && v.TryGetValue<string>(out var text))
                query.Equal[field] = field is "_id" or "host" or "service" or "user" && text.Length == 24 ? text.ToLowerInvariant() : text;
            else if (field == "_created" && value is JsonObject range && Range(range, query)) { }
            else complete = false;
        }
        return (query, complete);
    }

    private static bool Range(JsonObject range, LogQuery query)
    {
        foreach (var (op, bound) in range)
        {
            if (bound is not JsonValue text || !text.TryGetValue<string>(out var date) || !Rfc1123.TryParse(date, out var time)) return false;
            var seconds = time.ToUnixTimeSeconds();
            switch (op)
            {
                case "$gte": query.CreatedFrom = Math.Max(query.CreatedFrom ?? long.MinValue, seconds); break;
                case "$gt": query.CreatedFrom = Math.Max(query.CreatedFrom ?? long.MinValue, seconds + 1); break;
                case "$lte": query.CreatedTo = Math.Min(query.CreatedTo ?? long.MaxValue, seconds); break;
                case "$lt": query.CreatedTo = Math.Min(query.CreatedTo ?? long.MaxValue, seconds - 1); break;
                default: return false;
            }
        }
        return true;
    }

    private static async Task<IResult> GetItem(string resource, string id, HttpContext http, SqlLogStore store, DocumentIndex index,
        CancellationToken cancellationToken)
    {
        var schema = Schemas.Find(resource)!;
        if (!DocumentIds.IsValid(id) || await store.GetAsync(resource, id, cancellationToken) is not { } json) return EveResults.NotFound();
        var document = JsonNode.Parse(json)!.AsObject();
        if (http.Rights().ReadFilter(resource)?.Invoke(new JsonFields(document)) == false) return EveResults.NotFound();
        Projection? projection;
        Embedding? embedding;
        try
        {
            projection = Projection.Parse(http.Request.Query["projection"]);
            embedding = Embedding.Parse(http.Request.Query["embedded"], schema);
        }
        catch (QueryException e) { return EveResults.Error(StatusCodes.Status400BadRequest, e.Message); }
        var etag = (string?)document["_etag"];
        return EveResults.Json(StatusCodes.Status200OK,
            writer => EveResults.WriteDocument(writer, ResourceEndpoints.Shape(resource, document, projection, embedding, index, http.Rights()), w =>
            {
                w.WriteStartObject("_links");
                EveResults.WriteLink(w, "parent", "home", "/");
                EveResults.WriteLink(w, "self", schema.ItemTitle, $"{resource}/{id}");
                EveResults.WriteLink(w, "collection", resource, resource);
                w.WriteEndObject();
            }),
            response => { if (etag is not null) response.Headers.ETag = $"\"{etag}\""; });
    }

    private static async Task<IResult> Post(string resource, HttpContext http, LogWriter writer, CheckResultIngestion live,
        CancellationToken cancellationToken)
    {
        if (ResourceEndpoints.Refusal(resource, http, "POST", http.Rights().MayCreate(resource)) is { } refused) return refused;
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        var rights = http.Rights();
        var result = await writer.CreateAsync(resource, body!, cancellationToken,
            resource == ResourceNames.LogCheckResult ? live.RecordLogCheckResultsAsync : null,
            (stored, written) => rights.RefuseWrite(resource, stored, written));
        return WriteResponses.ForCreate(resource, result);
    }

    private static async Task<IResult> Patch(string resource, string id, HttpContext http, LogWriter writer, CancellationToken cancellationToken)
    {
        var rights = http.Rights();
        if (ResourceEndpoints.Refusal(resource, http, "PATCH", rights.MayUpdate(resource)) is { } refused) return refused;
        if (!DocumentIds.IsValid(id)) return EveResults.NotFound();
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        if (body is not JsonObject changes) return EveResults.Error(StatusCodes.Status400BadRequest, RequestBody.BadRequestMessage);
        var result = await writer.PatchAsync(resource, id, changes, ResourceEndpoints.IfMatch(http.Request), rights.UpdateFilter(resource),
            cancellationToken, (stored, written) => rights.RefuseWrite(resource, stored, written));
        return WriteResponses.ForUpdate(resource, result);
    }

    private static async Task<IResult> DeleteItem(string resource, string id, HttpContext http, LogWriter writer, CancellationToken cancellationToken)
    {
        var rights = http.Rights();
        if (ResourceEndpoints.Refusal(resource, http, "DELETE", rights.MayDelete(resource)) is { } refused) return refused;
        if (!DocumentIds.IsValid(id)) return EveResults.NotFound();
        var result = await writer.DeleteAsync(resource, id, ResourceEndpoints.IfMatch(http.Request), rights.DeleteFilter(resource), cancellationToken);
        return WriteResponses.ForDelete(result);
    }

    private static async Task<IResult> DeleteCollection(string resource, HttpContext http, LogWriter writer, CancellationToken cancellationToken)
    {
        var rights = http.Rights();
        if (ResourceEndpoints.Refusal(resource, http, "DELETE", rights.MayDelete(resource)) is { } refused) return refused;
        await writer.DeleteAllAsync(resource, rights.DeleteFilter(resource), cancellationToken);
        return Results.NoContent();
    }
}

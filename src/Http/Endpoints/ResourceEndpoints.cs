using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;
using Alignak.Http.Auth;
using Alignak.Http.Eve;
using Alignak.Http.Live;
using Alignak.Http.Settings;

namespace Alignak.Http.Endpoints;

/// <summary>The Eve routes of every configuration resource: reads from the index, writes through the writers.</summary>
public static class ResourceEndpoints
{
    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder routes)
    {
        var eve = routes.MapGroup("").AddEndpointFilter(TokenAuth.RequireToken);
        eve.MapMethods("/{resource}", ["GET", "HEAD"], GetCollection);
        eve.MapPost("/{resource}", Post);
        eve.MapDelete("/{resource}", DeleteCollection);
        eve.MapMethods("/{resource}", ["PATCH", "PUT"], (string resource, HttpRequest request) =>
            Resolve(resource, request, item: false, out _) ?? MethodNotAllowed());
        eve.MapMethods("/{resource}/{id}", ["GET", "HEAD"], GetItem);
        eve.MapPatch("/{resource}/{id}", Patch);
        eve.MapPut("/{resource}/{id}", Put);
        eve.MapDelete("/{resource}/{id}", DeleteItem);
        eve.MapPost("/{resource}/{id}", (string resource, HttpRequest request) =>
            Resolve(resource, request, item: true, out _) ?? MethodNotAllowed());
        return routes;
    }

    internal static IResult MethodNotAllowed() =>
        EveResults.Error(StatusCodes.Status405MethodNotAllowed, EveResults.MethodNotAllowedMessage);

    /// <summary>The routable resource's schema, or the 404 or 405 to answer.</summary>
    internal static IResult? Resolve(string resource, HttpRequest request, bool item, out ResourceSchema schema)
    {
        schema = Schemas.Find(resource)!;
        if (schema is null || schema.Internal) return EveResults.NotFound();
        var method = HttpMethods.IsHead(request.Method) ? "GET" : request.Method;
        var allowed = item ? schema.ItemMethods : schema.ResourceMethods;
        return allowed.Contains(method, StringComparer.OrdinalIgnoreCase) ? null : MethodNotAllowed();
    }

    /// <summary>Eve's user restriction (auth_field): a caller sees and changes only the documents it wrote.</summary>
    private static bool OwnedByCaller(ResourceSchema schema, IDocumentFields document, HttpContext http) =>
        schema.AuthField is not { } owner || (string?)document[owner] == (string?)http.User()["_id"];

    /// <summary>Both restrictions at once: ownership (auth_field) and a rights filter; null when neither applies.</summary>
    private static Func<IDocumentFields, bool>? Restriction(ResourceSchema schema, HttpContext http, Func<IDocumentFields, bool>? rights)
    {
        if (schema.AuthField is null) return rights;
        return rights is null
            ? d => OwnedByCaller(schema, d, http)
            : d => OwnedByCaller(schema, d, http) && rights(d);
    }

    private const string ForbiddenMessage =
        "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.";

    /// <summary>The original's refusals before a write: actions need can_submit_commands (403), others a grant (401).</summary>
    internal static IResult? Refusal(string resource, HttpContext http, string verb, bool granted)
    {
        var rights = http.Rights();
        if (UserRights.IsAction(resource) && !rights.CanSubmitCommands)
            return EveResults.Error(StatusCodes.Status403Forbidden, ForbiddenMessage);
        return granted ? null : EveResults.Error(StatusCodes.Status401Unauthorized, $"Not allowed to {verb} on this endpoint / resource.");
    }

    /// <summary>Whether the caller may change this existing document (a missing one is left to the writer's 404).</summary>
    private static bool MayWrite(ResourceSchema schema, string id, HttpContext http, DocumentIndex index, Func<IDocumentFields, bool>? rights) =>
        DocumentIds.IsValid(id)
        && (index.Collection(schema.Name).Get(id) is not { } document || (Restriction(schema, http, rights)?.Invoke(document) ?? true));

    // ---- reads ---------------------------------------------------------------------------------

    private static IResult GetCollection(string resource, HttpContext http, DocumentIndex index, BackendSettings settings, LiveSynthesis synthesis)
    {
        if (resource == ResourceNames.LiveSynthesis) synthesis.Flush();
        var request = http.Request;
        if (Resolve(resource, request, item: false, out var schema) is { } missing) return missing;
        WhereFilter filter;
        SortSpec? sort;
        Projection? projection;
        Embedding? embedding;
        try
        {
            filter = WhereFilter.Parse(request.Query["where"]);
            sort = SortSpec.Parse(request.Query["sort"]);
            projection = Projection.Parse(request.Query["projection"]);
            embedding = Embedding.Parse(request.Query["embedded"], schema);
        }
        catch (QueryException e)
        {
            return EveResults.Error(StatusCodes.Status400BadRequest, e.Message);
        }
        var (maxResults, page) = Paging.Resolve(request.Query["max_results"], request.Query["page"],
            settings.PaginationDefault, settings.PaginationLimit);

        var rights = http.Rights();
        var visible = Restriction(schema, http, rights.ReadFilter(resource));
        // Searching or sorting users by their credentials finds only the caller itself.
        if (rights.SearchesSecrets(resource, filter.Fields.Concat(sort?.Fields.Select(f => f.Field) ?? [])))
        {
            var readable = visible;
            visible = d => (string?)d["_id"] == rights.UserId && (readable is null || readable(d));
        }
        int total;
        List<StoredDocument> items;
        try
        {
            (total, items) = index.Collection(resource).Read(view => Page(view, filter, visible, sort, maxResults, page));
        }
        catch (QueryException e)
        {
            // A $regex that runs past its time limit on some document.
            return EveResults.Error(StatusCodes.Status400BadRequest, e.Message);
        }
        // Users (and realms for restricted users) are shaped one by one: what the caller may see of each differs.
        var asStored = projection is null && embedding is null && !rights.Reshapes(resource) && !request.Query.ContainsKey("pretty");

        var lastModified = items.Select(d => Rfc1123.TryParse((string?)d["_updated"], out var t) ? t : DateTimeOffset.MinValue)
            .DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        return EveResults.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("_items");
            for (var i = 0; i < items.Count; i++)
            {
                var document = items[i];
                if (asStored) document.WriteTo(writer, w => WriteItemLinks(w, schema, (string?)document["_id"]));
                else EveResults.WriteDocument(writer, Shape(resource, document, projection, embedding, index, http.Rights()), w => WriteItemLinks(w, schema, (string?)document["_id"]));
            }
            writer.WriteEndArray();
            WritePageEnd(writer, resource, request, settings, maxResults, page, total);
        }, response =>
        {
            response.Headers["X-Total-Count"] = total.ToString();
            if (lastModified > DateTimeOffset.MinValue) response.Headers.LastModified = Rfc1123.Format(lastModified);
        });
    }

    /// <summary>
    /// One page and the total. Without a filter the page is read by position; an indexed equality narrows
    /// the scan; a sort on one field over a whole collection uses the index's cached order.
    /// </summary>
    private static (int Total, List<StoredDocument> Items) Page(ResourceCollection.View view, WhereFilter filter,
        Func<IDocumentFields, bool>? visible, SortSpec? sort, int maxResults, int page)
    {
        var skip = (long)(page - 1) * maxResults;
        if (visible is null && IndexedOnly(view, filter) is { } answered)
        {
            // Documents are looked up only for the page, unless they must be sorted first.
            var window = sort is null
                ? answered.Skip((int)Math.Min(skip, int.MaxValue)).Take(maxResults).Select(view.Get).OfType<StoredDocument>().ToList()
                : sort.Sort(answered.Select(view.Get).OfType<StoredDocument>()).Skip((int)Math.Min(skip, int.MaxValue)).Take(maxResults).ToList();
            return (answered.Count, window);
        }
        var narrowed = Narrowed(view, filter);
        if (narrowed is null && visible is null && filter.MatchesAll)
        {
            IReadOnlyList<StoredDocument> ordered = sort is null ? new PositionList(view)
                : sort.Fields.Count == 1 ? view.OrderedBy(sort.Fields[0].Field, d => SortSpec.Parse(sort.Fields[0].Field)!.Sort(d))
                : sort.Sort(view.All());
            var descending = sort is { Fields.Count: 1 } && sort.Fields[0].Descending;
            var slice = new List<StoredDocument>();
            for (var i = skip; i < Math.Min(ordered.Count, skip + maxResults); i++)
                slice.Add(ordered[descending ? ordered.Count - 1 - (int)i : (int)i]);
            return (ordered.Count, slice);
        }

        var matches = (narrowed ?? view.All()).Where(d => filter.Matches(d) && (visible is null || visible(d)));
        if (sort is not null) matches = sort.Sort(matches);
        var count = 0;
        var items = new List<StoredDocument>(Math.Min(maxResults, 1024));
        foreach (var document in matches)
        {
            if (count >= skip && items.Count < maxResults) items.Add(document);
            count++;
        }
        return (count, items);
    }

    /// <summary>The collection in id order, read by position.</summary>
    private sealed class PositionList(ResourceCollection.View view) : IReadOnlyList<StoredDocument>
    {
        public StoredDocument this[int index] => view.At(index);
        public int Count => view.Count;
        public IEnumerator<StoredDocument> GetEnumerator() => view.All().GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// A filter made only of equalities on indexed fields is answered from the lookups alone: the smallest
    /// set in id order, kept where every other set has the id. Null when the filter needs a scan.
    /// </summary>
    private static IReadOnlyCollection<string>? IndexedOnly(ResourceCollection.View view, WhereFilter filter)
    {
        if (!filter.EqualitiesOnly) return null;
        var sets = new List<IdSet>();
        foreach (var (field, value) in filter.TopLevelEqualities)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || view.IdsWhere(field, text) is not { } ids)
                return null;
            sets.Add(ids);
        }
        sets.Sort((a, b) => a.Count.CompareTo(b.Count));
        // A value every document has (one realm for all, say) constrains nothing: no need to check it.
        var everything = view.Count;
        var smallest = sets[0];
        sets.RemoveAll(set => set != smallest && set.Count == everything);
        // One set left: it is the answer, in id order (read under the view's lock, only as far as the page).
        if (sets.Count == 1) return smallest;
        var result = new List<string>();
        foreach (var id in sets[0])
        {
            var inAll = true;
            for (var i = 1; i < sets.Count && inAll; i++) inAll = sets[i].Contains(id);
            if (inAll) result.Add(id);
        }
        return result;
    }

    /// <summary>Narrows a scan with the smallest indexed equality of the filter; null when none applies.</summary>
    private static IEnumerable<StoredDocument>? Narrowed(ResourceCollection.View view, WhereFilter filter)
    {
        IReadOnlyCollection<string>? best = null;
        foreach (var (field, value) in filter.TopLevelEqualities)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text)) continue;
            if (view.IdsWhere(field, text) is { } ids && (best is null || ids.Count < best.Count)) best = ids;
        }
        if (best is null) return null;
        var snapshot = view;
        return best.Select(id => snapshot.Get(id)).OfType<StoredDocument>();
    }

    /// <summary>What the client asked to see of a stored document it may read: embedded relations, then the projection, never another's secrets.</summary>
    internal static JsonObject Shape(string resource, StoredDocument document, Projection? projection, Embedding? embedding,
        DocumentIndex index, UserRights rights)
    {
        // A projection alone reads the stored document as it is; anything else works on a copy.
        if (embedding is null && projection is not null && !rights.Reshapes(resource)) return projection.Apply(document);
        return Shape(resource, document.ToJsonObject(), projection, embedding, index, rights);
    }

    /// <inheritdoc cref="Shape(string, StoredDocument, Projection?, Embedding?, DocumentIndex, UserRights)"/>
    internal static JsonObject Shape(string resource, JsonObject document, Projection? projection, Embedding? embedding,
        DocumentIndex index, UserRights rights)
    {
        var shaped = embedding?.Apply(document, index, rights) ?? document;
        shaped = rights.AsShown(resource, shaped);
        return projection?.Apply(shaped) ?? shaped;
    }

    private static IResult GetItem(string resource, string id, HttpContext http, DocumentIndex index, LiveSynthesis synthesis)
    {
        if (resource == ResourceNames.LiveSynthesis) synthesis.Flush();
        var request = http.Request;
        if (Resolve(resource, request, item: true, out var schema) is { } missing) return missing;
        if (!DocumentIds.IsValid(id) || index.Collection(resource).Get(id) is not { } document
            || Restriction(schema, http, http.Rights().ReadFilter(resource))?.Invoke(document) == false)
            return EveResults.NotFound();
        var extended = resource == ResourceNames.LiveSynthesis && (request.Query.ContainsKey("history") || request.Query.ContainsKey("concatenation"))
            ? LiveSynthesisHistory.Extend(document.ToJsonObject(), request.Query.ContainsKey("history"),
                request.Query.ContainsKey("concatenation"), http.Rights(), index)
            : null;
        Projection? projection;
        Embedding? embedding;
        try
        {
            projection = Projection.Parse(request.Query["projection"]);
            embedding = Embedding.Parse(request.Query["embedded"], schema);
        }
        catch (QueryException e) { return EveResults.Error(StatusCodes.Status400BadRequest, e.Message); }

        var etag = (string?)document["_etag"];
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (etag is not null && ifNoneMatch.Length > 0 && ETags.Normalize(ifNoneMatch) == etag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        if (ifNoneMatch.Length == 0 && Rfc1123.TryParse(request.Headers.IfModifiedSince.ToString(), out var since)
            && Rfc1123.TryParse((string?)document["_updated"], out var updated) && updated <= since)
            return Results.StatusCode(StatusCodes.Status304NotModified);

        return EveResults.Json(StatusCodes.Status200OK,
            writer => EveResults.WriteDocument(writer, extended is not null
                ? Shape(resource, extended, projection, embedding, index, http.Rights())
                : Shape(resource, document, projection, embedding, index, http.Rights()), w =>
            {
                w.WriteStartObject("_links");
                EveResults.WriteLink(w, "parent", "home", "/");
                EveResults.WriteLink(w, "self", schema.ItemTitle, $"{resource}/{id}");
                EveResults.WriteLink(w, "collection", resource, resource);
                w.WriteEndObject();
            }),
            response =>
            {
                if (etag is not null) response.Headers.ETag = $"\"{etag}\"";
                if ((string?)document["_updated"] is { } updated) response.Headers.LastModified = updated;
            });
    }

    internal static void WriteItemLinks(Utf8JsonWriter writer, ResourceSchema schema, string? id)
    {
        writer.WriteStartObject("_links");
        EveResults.WriteLink(writer, "self", schema.ItemTitle, $"{schema.Name}/{id}");
        writer.WriteEndObject();
    }

    /// <summary>A collection page's <c>_links</c> and <c>_meta</c>, closing the envelope.</summary>
    internal static void WritePageEnd(Utf8JsonWriter writer, string resource, HttpRequest request,
        BackendSettings settings, int maxResults, int page, long total)
    {
        WriteCollectionLinks(writer, resource, request, settings, maxResults, page, total);
        writer.WriteStartObject("_meta");
        writer.WriteNumber("page", page);
        writer.WriteNumber("max_results", maxResults);
        writer.WriteNumber("total", total);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Eve's links: max_results only when not the default, then where, sort, the other parameters, page.</summary>
    private static void WriteCollectionLinks(Utf8JsonWriter writer, string resource, HttpRequest request,
        BackendSettings settings, int maxResults, int page, long total)
    {
        var query = new StringBuilder();
        void Add(string key, string value) => query.Append(query.Length == 0 ? '?' : '&').Append(key).Append('=').Append(value);
        if (maxResults != settings.PaginationDefault) Add("max_results", maxResults.ToString());
        foreach (var key in new[] { "where", "sort" })
            if (request.Query[key] is { Count: > 0 } value) Add(key, value.ToString());
        foreach (var (key, value) in request.Query)
            if (key is not ("max_results" or "where" or "sort" or "page")) Add(key, value.ToString());
        var baseQuery = query.ToString();
        string Href(int p) => resource + baseQuery + (p > 1 ? (baseQuery.Length == 0 ? "?" : "&") + "page=" + p : "");

        var lastPage = total == 0 ? 1 : (int)Math.Min(int.MaxValue, (total + maxResults - 1) / maxResults);
        writer.WriteStartObject("_links");
        EveResults.WriteLink(writer, "parent", "home", "/");
        EveResults.WriteLink(writer, "self", resource, Href(page));
        if (page < lastPage)
        {
            EveResults.WriteLink(writer, "next", "next page", Href(page + 1));
            EveResults.WriteLink(writer, "last", "last page", Href(lastPage));
        }
        if (page > 1) EveResults.WriteLink(writer, "prev", "previous page", Href(page - 1));
        writer.WriteEndObject();
    }

    // ---- writes --------------------------------------------------------------------------------

    private static async Task<IResult> Post(string resource, HttpContext http, DocumentWriter writer,
        PasswordHasher hasher, CancellationToken cancellationToken)
    {
        if (Resolve(resource, http.Request, item: false, out _) is { } missing) return missing;
        if (Refusal(resource, http, "POST", http.Rights().MayCreate(resource)) is { } refused) return refused;
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        if (resource == ResourceNames.User) HashPasswords(body!, hasher, defaultPassword: true);
        var result = await writer.SendAsync(new CreateDocuments(resource, body!.ToJsonString(), (string?)http.User()["_id"]), cancellationToken);
        return WriteResponses.ForCreate(resource, result);
    }

    private static async Task<IResult> Patch(string resource, string id, HttpContext http, DocumentWriter writer,
        DocumentIndex index, PasswordHasher hasher, CancellationToken cancellationToken)
    {
        if (Resolve(resource, http.Request, item: true, out var schema) is { } missing) return missing;
        if (Refusal(resource, http, "PATCH", http.Rights().MayUpdate(resource)) is { } refused) return refused;
        if (!MayWrite(schema, id, http, index, http.Rights().UpdateFilter(resource))) return EveResults.NotFound();
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        if (body is not JsonObject) return EveResults.Error(StatusCodes.Status400BadRequest, RequestBody.BadRequestMessage);
        if (resource == ResourceNames.User) HashPasswords(body, hasher, defaultPassword: false);
        var result = await writer.SendAsync(
            new PatchDocument(resource, id, body.ToJsonString(), IfMatch(http.Request), CallerId: (string?)http.User()["_id"]), cancellationToken);
        return WriteResponses.ForUpdate(resource, result);
    }

    /// <summary>PUT replaces a whole document (only where the original allows it: alignakretention); an unknown id creates it.</summary>
    private static async Task<IResult> Put(string resource, string id, HttpContext http, DocumentWriter writer,
        CancellationToken cancellationToken)
    {
        if (Resolve(resource, http.Request, item: true, out _) is { } missing) return missing;
        // No rights check, as the original: Alignak's retention module saves with PUT as whatever user it was
        // given, and a refusal makes it mark the backend down and lose the retention.
        if (!DocumentIds.IsValid(id)) return EveResults.NotFound();
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        if (body is not JsonObject) return EveResults.Error(StatusCodes.Status400BadRequest, RequestBody.BadRequestMessage);
        // Not filtered by owner, as the original: whoever knows the id and ETag may replace it.
        var result = await writer.SendAsync(
            new ReplaceDocument(resource, id, body.ToJsonString(), IfMatch(http.Request), (string?)http.User()["_id"]), cancellationToken);
        return result.Status == WriteStatus.Created
            ? WriteResponses.ForCreate(resource, result)
            : WriteResponses.ForUpdate(resource, result);
    }



    private static async Task<IResult> DeleteItem(string resource, string id, HttpContext http, DocumentWriter writer,
        DocumentIndex index, CancellationToken cancellationToken)
    {
        if (Resolve(resource, http.Request, item: true, out var schema) is { } missing) return missing;
        if (Refusal(resource, http, "DELETE", http.Rights().MayDelete(resource)) is { } refused) return refused;
        if (!MayWrite(schema, id, http, index, http.Rights().DeleteFilter(resource))) return EveResults.NotFound();
        var result = await writer.SendAsync(
            new DeleteDocument(resource, id, IfMatch(http.Request), (string?)http.User()["_id"]), cancellationToken);
        return WriteResponses.ForDelete(result);
    }

    private static async Task<IResult> DeleteCollection(string resource, HttpContext http, DocumentWriter writer,
        DocumentIndex index, CancellationToken cancellationToken)
    {
        if (Resolve(resource, http.Request, item: false, out var schema) is { } missing) return missing;
        if (Refusal(resource, http, "DELETE", http.Rights().MayDelete(resource)) is { } refused) return refused;
        // The counters are derived from the hosts and services, so there is nothing to delete: the original's
        // import tool resets every collection in turn, this one included, and stops on a refusal.
        if (resource == ResourceNames.LiveSynthesis) return Results.NoContent();
        var allowed = Restriction(schema, http, http.Rights().DeleteFilter(resource));
        var only = allowed is null
            ? null
            : index.Collection(resource).Read(view => view.All().Where(allowed).Select(d => (string)d["_id"]!).ToList());
        var result = await writer.SendAsync(new DeleteAllDocuments(resource, (string?)http.User()["_id"], only), cancellationToken);
        return WriteResponses.ForDelete(result);
    }

    internal static string? IfMatch(HttpRequest request) =>
        request.Headers.IfMatch is { Count: > 0 } value ? value.ToString() : null;

    /// <summary>Passwords are hashed before they reach a writer; a user posted without one (and without templates) gets the original's placeholder.</summary>
    private static void HashPasswords(JsonNode body, PasswordHasher hasher, bool defaultPassword)
    {
        IEnumerable<JsonObject> items = body switch
        {
            JsonObject one => [one],
            JsonArray many => many.OfType<JsonObject>(),
            _ => [],
        };
        foreach (var item in items)
        {
            if (item["password"] is JsonValue value && value.TryGetValue<string>(out var password))
                item["password"] = hasher.Hash(password);
            // A templated user without a password keeps none that works (the field is listed as the template's).
            else if (defaultPassword && !item.ContainsKey("password") && item["_templates"] is not JsonArray { Count: > 0 })
                item["password"] = hasher.Hash("NOPASSWORDSET");
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;

namespace Alignak.Persistence.Logs;

/// <summary>
/// Writes of history and logcheckresult: the original's name/id resolution, schema validation of the
/// whole batch, then one transaction; a 2xx only after the commit.
/// </summary>
/// <summary>Why the caller may not store a row as it would be written (<paramref name="stored"/> null for a new one); null when it may.</summary>
public delegate WriteRefusal? RefuseWrite(JsonObject? stored, JsonObject written);

public sealed class LogWriter(SqlLogStore store, DocumentIndex index)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>History events once durable (the live push forwards them), in the order they were written.</summary>
    public event Action<IReadOnlyList<JsonObject>>? HistoryStored;

    /// <summary>
    /// History events made durable elsewhere (with an entity's event, by the journal), as stored: announced as if
    /// written here, each parsed only when a listener reads it (nobody may be listening).
    /// </summary>
    public void Announce(IReadOnlyList<string> storedHistory)
    {
        if (storedHistory.Count > 0) HistoryStored?.Invoke(new ParsedWhenRead(storedHistory));
    }

    private sealed class ParsedWhenRead(IReadOnlyList<string> stored) : IReadOnlyList<JsonObject>
    {
        public int Count => stored.Count;

        public JsonObject this[int index] => JsonNode.Parse(stored[index])!.AsObject();

        public IEnumerator<JsonObject> GetEnumerator()
        {
            for (var i = 0; i < stored.Count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <param name="write">
    /// Makes the validated items durable in place of the store, before the reply: logcheckresults are committed with
    /// their entities' live-state events (<see cref="InsertAsync"/> for those that make none).
    /// </param>
    /// <param name="refuse">The caller's rights on a row as it would be stored (its realm is its host's); null when allowed.</param>
    public async Task<WriteResult> CreateAsync(string resource, JsonNode body, CancellationToken cancellationToken,
        Func<IReadOnlyList<JsonObject>, IReadOnlyList<LogRow>, CancellationToken, Task>? write = null, RefuseWrite? refuse = null)
    {
        var schema = Schemas.Find(resource)!;
        var batch = body is JsonArray;
        if (WritePlanner.PostedItems(body) is not { } items)
            return WriteResult.Fail(WriteStatus.BadRequest, WritePlanner.PostedItemsMessage);

        var knownLogs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in items.Select(i => i["logcheckresult"]).OfType<JsonValue>().Select(v => v.ToString()).Distinct())
            if (DocumentIds.IsValid(id) && await store.GetAsync("logcheckresult", id, cancellationToken) is not null)
                knownLogs.Add(id);
        var lookup = new IndexLookup(index, knownLogs);

        var now = Rfc1123.Now();
        var outcomes = new List<ItemOutcome>();
        var rows = new List<LogRow>();
        var stored = new List<JsonObject>();
        foreach (var item in items)
        {
            var document = item.DeepClone().AsObject();
            DocumentValidator.Serialize(schema, document);
            if (resource == "logcheckresult" && document["host"] is null && document["host_name"] is null)
                return WriteResult.Fail(WriteStatus.Refused, "Posting LCR without host information is not accepted.");
            var issues = (resource == "logcheckresult" ? ResolveCheckResult(document) : ResolveHistory(document))
                ?? DocumentValidator.ValidateInsert(schema, document, lookup);
            if (issues is not null)
            {
                outcomes.Add(new ItemOutcome(null, null, null, null, issues.ToJsonString(Compact)));
                continue;
            }
            DocumentValidator.ApplyDefaults(schema, document);
            if (refuse?.Invoke(null, document) is { } refusal) return WriteResult.Fail(refusal);
            if (resource == "logcheckresult" && document["service"] is null && document["service_name"] is null)
            {
                // A host check result: set after validation, as the original's insert hook does.
                document["service"] = null;
                document["service_name"] = "";
            }
            var id = DocumentIds.NewId(now);
            document["_id"] = id;
            document["_created"] = Rfc1123.Format(now);
            document["_updated"] = Rfc1123.Format(now);
            rows.Add(Row(id, now.ToUnixTimeSeconds(), document, ETags.Stamp(document)));
            stored.Add(document);
            outcomes.Add(new ItemOutcome(id, Rfc1123.Format(now), Rfc1123.Format(now), (string)document["_etag"]!, null));
        }
        if (outcomes.Any(o => !o.IsValid)) return new WriteResult(WriteStatus.Invalid, outcomes, [], Batch: batch);
        if (write is not null) await write(stored, rows, cancellationToken);
        else await store.InsertAsync(rows.Select(row => (resource, row)).ToList(), cancellationToken);
        if (resource == "history") HistoryStored?.Invoke(stored);
        return new WriteResult(WriteStatus.Created, outcomes, [], Batch: batch);
    }

    /// <summary>
    /// Server-generated check results and history events (validation skipped, as the original's internal posts):
    /// meta fields filled, realm taken from the host, committed together (with other requests' events).
    /// </summary>
    public async Task InsertServerEventsAsync(IReadOnlyList<JsonObject> checkResults, IReadOnlyList<JsonObject> history,
        CancellationToken cancellationToken)
    {
        var rows = new List<(string, LogRow)>(checkResults.Count + history.Count);
        foreach (var (resource, documents) in new[] { ("logcheckresult", checkResults), ("history", history) })
            rows.AddRange(Stamp(documents).Select(row => (resource, row)));
        if (rows.Count > 0) await store.InsertAsync(rows, cancellationToken);
        if (history.Count > 0) HistoryStored?.Invoke(history);
    }

    /// <summary>Server events' meta fields (id, the host's realm, dates, ETag) filled; their rows, for a caller that writes them.</summary>
    public IReadOnlyList<LogRow> Stamp(IReadOnlyList<JsonObject> documents)
    {
        var now = Rfc1123.Now();
        var rows = new List<LogRow>(documents.Count);
        foreach (var document in documents)
        {
            if (document["_id"] is null) document["_id"] = DocumentIds.NewId(now);
            if ((string?)(document["host"] as JsonValue) is { } hostId && index.Collection("host").Get(hostId) is { } host)
            {
                document["_realm"] ??= host["_realm"]?.DeepClone();
                document["_sub_realm"] ??= host["_sub_realm"]?.DeepClone();
            }
            document["_created"] = Rfc1123.Format(now);
            document["_updated"] = Rfc1123.Format(now);
            rows.Add(Row((string)document["_id"]!, now.ToUnixTimeSeconds(), document, ETags.Stamp(document)));
        }
        return rows;
    }

    /// <summary>Rows of either log, committed together (with other requests' rows); returns once durable.</summary>
    public Task InsertAsync(IReadOnlyList<(string Resource, LogRow Row)> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.CompletedTask : store.InsertAsync(rows, cancellationToken);

    public async Task<WriteResult> PatchAsync(string resource, string id, JsonObject changes, string? ifMatch,
        Func<IDocumentFields, bool>? allowed, CancellationToken cancellationToken, RefuseWrite? refuse = null)
    {
        var schema = Schemas.Find(resource)!;
        if (await FindAsync(resource, id, allowed, cancellationToken) is not var (stored, storedJson)) return WriteResult.Fail(WriteStatus.NotFound);
        if (ETags.StaleIfMatch(stored, ifMatch) is { } stale) return WriteResult.Fail(stale);
        DocumentValidator.Serialize(schema, changes);
        var merged = stored.DeepClone().AsObject();
        foreach (var (key, value) in changes) merged[key] = value?.DeepClone();
        if (DocumentValidator.ValidateUpdate(schema, changes, merged, id, new IndexLookup(index, [])) is { } issues)
            return new WriteResult(WriteStatus.Invalid, [new ItemOutcome(id, null, null, null, issues.ToJsonString(Compact))], []);
        if (refuse?.Invoke(stored, merged) is { } refusal) return WriteResult.Fail(refusal);
        merged["_updated"] = Rfc1123.Format(Rfc1123.Now());
        merged["_etag"] = ETags.Compute(merged);
        if (!await store.UpdateAsync(resource, Row(id, 0, merged), storedJson, cancellationToken))
            return await ChangedMeanwhile(resource, id, cancellationToken);
        return new WriteResult(WriteStatus.Updated,
            [new ItemOutcome(id, (string?)merged["_created"], (string?)merged["_updated"], (string?)merged["_etag"], null)], []);
    }

    public async Task<WriteResult> DeleteAsync(string resource, string id, string? ifMatch,
        Func<IDocumentFields, bool>? allowed, CancellationToken cancellationToken)
    {
        if (await FindAsync(resource, id, allowed, cancellationToken) is not var (stored, storedJson)) return WriteResult.Fail(WriteStatus.NotFound);
        if (ETags.StaleIfMatch(stored, ifMatch) is { } stale) return WriteResult.Fail(stale);
        if (await store.DeleteAsync(resource, id, storedJson, cancellationToken) == 0)
            return await ChangedMeanwhile(resource, id, cancellationToken);
        return new WriteResult(WriteStatus.Deleted, [], []);
    }

    /// <summary>Everything, or only what <paramref name="allowed"/> lets the caller delete.</summary>
    public async Task DeleteAllAsync(string resource, Func<IDocumentFields, bool>? allowed, CancellationToken cancellationToken)
    {
        if (allowed is null)
        {
            await store.DeleteAsync(resource, null, null, cancellationToken);
            return;
        }
        var doomed = new List<(string Id, string Json)>();
        await foreach (var json in store.ReadAsync(resource, new LogQuery(), 0, null, cancellationToken))
            if (JsonNode.Parse(json) is JsonObject document && allowed(new JsonFields(document))) doomed.Add(((string)document["_id"]!, json));
        foreach (var (id, json) in doomed) await store.DeleteAsync(resource, id, json, cancellationToken);
    }

    /// <summary>The stored document and its exact stored JSON (the compare-and-set token), if the caller may see it.</summary>
    private async Task<(JsonObject Document, string Json)?> FindAsync(string resource, string id, Func<IDocumentFields, bool>? allowed, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(resource, id, cancellationToken) is not { } json) return null;
        var document = JsonNode.Parse(json)!.AsObject();
        return allowed?.Invoke(new JsonFields(document)) == false ? null : (document, json);
    }

    /// <summary>A compare-and-set that missed: the row is gone (404) or another write changed it first (412).</summary>
    private async Task<WriteResult> ChangedMeanwhile(string resource, string id, CancellationToken cancellationToken) =>
        WriteResult.Fail(await store.GetAsync(resource, id, cancellationToken) is null ? WriteStatus.NotFound : WriteStatus.PreconditionFailed);

    /// <param name="json">The document as stored; by default serialized here.</param>
    private static LogRow Row(string id, long created, JsonObject document, string? json = null) => new(
        id, created, (string?)(document["host"] as JsonValue), (string?)(document["service"] as JsonValue),
        (string?)(document["user"] as JsonValue), (string?)(document["type"] as JsonValue), json ?? document.ToJsonString(Compact));

    /// <summary>A check result names its host (and service) by id or by name; both are filled, and the realm is the host's.</summary>
    private JsonObject? ResolveCheckResult(JsonObject document)
    {
        var host = Resolve("host", document, "host", "host_name");
        if (host is null)
            return Issue(document["host"] is not null ? "host" : "host_name",
                $"host '{Text(document["host"] ?? document["host_name"])}' does not exist");
        var hostId = (string)host["_id"]!;
        document["host"] = hostId;
        document["host_name"] = host["name"]?.DeepClone();
        document["_realm"] = host["_realm"]?.DeepClone();
        if (document["service"] is null && document["service_name"] is null) return null; // a host check
        var service = FindService(hostId, document);
        if (service is null)
            return Issue(document["service"] is not null ? "service" : "service_name",
                $"service '{Text(document["service"] ?? document["service_name"])}' does not exist on host '{(string?)host["name"]}'");
        document["service"] = (string)service["_id"]!;
        document["service_name"] = service["name"]?.DeepClone();
        return null;
    }

    /// <summary>History events resolve what they can and are stored as posted otherwise (API.md 2.12).</summary>
    private JsonObject? ResolveHistory(JsonObject document)
    {
        if (Resolve("host", document, "host", "host_name") is { } host)
        {
            var hostId = (string)host["_id"]!;
            document["host"] = hostId;
            document["host_name"] = host["name"]?.DeepClone();
            document["_realm"] = host["_realm"]?.DeepClone();
            document["_sub_realm"] = host["_sub_realm"]?.DeepClone();
            if (FindService(hostId, document) is { } service)
            {
                document["service"] = (string)service["_id"]!;
                document["service_name"] = service["name"]?.DeepClone();
            }
            if (Resolve("user", document, "user", "user_name") is { } user)
            {
                document["user"] = (string)user["_id"]!;
                document["user_name"] = user["name"]?.DeepClone();
            }
            else if (document["user"] is null && document["user_name"] is null)
            {
                document["user"] = null;
                document["user_name"] = "Alignak";
            }
        }
        return null;
    }

    private StoredDocument? Resolve(string resource, JsonObject document, string idField, string nameField)
    {
        var collection = index.Collection(resource);
        if (String(document[idField]) is { } id && collection.Get(id) is { } byId) return byId;
        if (document[idField] is null && String(document[nameField]) is { } name) return collection.FindByName(name);
        return null;
    }

    private StoredDocument? FindService(string hostId, JsonObject document)
    {
        var services = index.Collection("service");
        if (String(document["service"]) is { } id)
            return services.Get(id) is { } byId && (string?)byId["host"] == hostId ? byId : null;
        var name = String(document["service_name"]);
        return name is null ? null : services.FindWhere("host", hostId, "name", name);
    }

    private static JsonObject Issue(string field, string message) => new() { [field] = message };

    /// <summary>A posted field's text; null when it is not a string (a number where an id is expected is left to validation).</summary>
    private static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

    /// <summary>Relations of log documents: configuration in the index, check results in their table.</summary>
    private sealed class IndexLookup(DocumentIndex index, HashSet<string> knownLogs) : IRelationLookup
    {
        public bool Exists(string resource, string id) =>
            resource == "logcheckresult" ? knownLogs.Contains(id) : index.Collection(resource).Contains(id);

        public bool IsTaken(string resource, string field, JsonNode value, string? exceptId) => false;
    }
}

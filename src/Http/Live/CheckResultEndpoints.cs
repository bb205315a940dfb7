using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;
using Alignak.Http.Auth;
using Alignak.Http.Endpoints;
using Alignak.Http.Eve;

namespace Alignak.Http.Live;

/// <summary>
/// <c>POST /checkresult</c>: native check results (one object or a list), for which the engine applies Nagios
/// semantics itself. A batch is validated whole: one bad item and nothing is applied (422, an issue per item).
/// </summary>
public static class CheckResultEndpoints
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "host", "host_name", "service", "service_name", "exit_status", "output", "long_output", "perf_data",
        "check_time", "latency", "execution_time", "passive_check",
    };

    public static IEndpointRouteBuilder MapCheckResultEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/checkresult", Post).AddEndpointFilter(TokenAuth.RequireToken);
        return routes;
    }

    private static async Task<IResult> Post(HttpContext http, DocumentIndex index, CheckResultIngestion ingestion,
        CancellationToken cancellationToken)
    {
        var rights = http.Rights();
        if (ResourceEndpoints.Refusal("logcheckresult", http, "POST", rights.MayCreate("logcheckresult")) is { } refused) return refused;
        var (body, error) = await RequestBody.ReadAsync(http.Request, cancellationToken);
        if (error is not null) return error;
        if (WritePlanner.PostedItems(body!) is not { } items || items.Count == 0)
            return EveResults.Error(StatusCodes.Status400BadRequest, WritePlanner.PostedItemsMessage);

        // A result is for a host the caller reads, stored as a logcheckresult of that host's realm.
        var hostReadable = rights.ReadFilter("host");
        Func<IDocumentFields, bool>? readable = rights.SuperAdmin ? null : host => (hostReadable?.Invoke(host) ?? true)
            && rights.RefuseWrite("logcheckresult", null, new JsonObject { ["_realm"] = host["_realm"]?.DeepClone() }) is null;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var results = new List<CheckResultIngestion.NativeResult>(items.Count);
        var outcomes = new List<ItemOutcome>(items.Count);
        foreach (var item in items)
        {
            var issues = Validate(item, index, readable, now, out var result);
            outcomes.Add(new ItemOutcome(null, null, null, null, issues?.ToJsonString()));
            if (result is not null) results.Add(result);
        }
        var batch = body is JsonArray;
        if (outcomes.Any(o => !o.IsValid))
            return WriteResponses.ForCreate("logcheckresult", new WriteResult(WriteStatus.Invalid, outcomes, [], Batch: batch));

        using var admission = ingestion.TryAdmit(results.Count);
        if (admission is null)
            return EveResults.Error(StatusCodes.Status503ServiceUnavailable,
                $"Too many check results in flight (at most {CheckResultIngestion.MaxInFlight}): retry later",
                response => response.Headers.RetryAfter = CheckResultIngestion.RetryAfterSeconds.ToString());
        IReadOnlyList<CheckResultIngestion.Applied> applied;
        try
        {
            applied = await ingestion.ApplyAsync(results, cancellationToken);
        }
        catch (LiveStateUnavailableException e)
        {
            return EveResults.Error(StatusCodes.Status503ServiceUnavailable, $"The live state was not stored: {e.Message}");
        }
        return EveResults.Json(StatusCodes.Status201Created, writer =>
        {
            if (!batch)
            {
                WriteItem(writer, applied[0]);
                return;
            }
            writer.WriteStartObject();
            writer.WriteString("_status", "OK");
            writer.WriteStartArray("_items");
            foreach (var item in applied) WriteItem(writer, item);
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>The stored logcheckresult's id and the item's live state after the result.</summary>
    private static void WriteItem(Utf8JsonWriter writer, CheckResultIngestion.Applied applied)
    {
        var (id, reply) = applied;
        var state = reply.State!;
        writer.WriteStartObject();
        writer.WriteString("_status", "OK");
        writer.WriteString("_id", id);
        writer.WriteBoolean("applied", reply.Outcome != LiveOutcome.Ignored);
        writer.WriteString("ls_state", state.State);
        writer.WriteString("ls_state_type", state.StateType);
        writer.WriteNumber("ls_state_id", state.StateId);
        writer.WriteNumber("ls_current_attempt", state.CurrentAttempt);
        writer.WriteBoolean("ls_acknowledged", state.Acknowledged);
        writer.WriteBoolean("ls_downtimed", state.Downtimed);
        writer.WriteNumber("_overall_state_id", state.OverallStateId);
        writer.WriteEndObject();
    }

    private static JsonObject? Validate(JsonObject item, DocumentIndex index, Func<IDocumentFields, bool>? readable, long now,
        out CheckResultIngestion.NativeResult? result)
    {
        result = null;
        var issues = new JsonObject();
        foreach (var (name, _) in item)
            if (!Fields.Contains(name)) issues[name] = "unknown field";

        var host = Find(index, "host", item["host"], item["host_name"], null, issues, readable);
        StoredDocument? service = null;
        if (host is not null && (item["service"] is not null || item["service_name"] is not null))
            service = Find(index, "service", item["service"], item["service_name"], (string)host["_id"]!, issues, null);

        var exit = Integer(item, "exit_status", null, issues);
        if (exit is not null && LiveRules.StateFor(service is null ? EntityKind.Host : EntityKind.Service, (int)exit.Value) is null)
            issues["exit_status"] = "must be 0 (OK/UP), 1 (WARNING), 2 (CRITICAL/DOWN), 3 (UNKNOWN) or 4 (UNREACHABLE)";
        var checkTime = Integer(item, "check_time", now, issues);
        if (checkTime > now + CheckResultIngestion.MaxFutureSeconds)
            issues["check_time"] = $"is more than {CheckResultIngestion.MaxFutureSeconds} seconds in the future";
        else if (checkTime <= 0) issues["check_time"] = "must be a positive Unix time";
        var output = Text(item, "output", issues);
        var longOutput = Text(item, "long_output", issues);
        var perfData = Text(item, "perf_data", issues);
        var latency = Number(item, "latency", issues);
        var executionTime = Number(item, "execution_time", issues);
        var passive = item["passive_check"] is null ? true
            : item["passive_check"] is JsonValue p && p.TryGetValue<bool>(out var b) ? b : Fail(issues, "passive_check", "must be of boolean type");

        if (issues.Count > 0) return issues;
        result = new CheckResultIngestion.NativeResult((string)host!["_id"]!, (string?)service?["_id"],
            new CheckInput((int)exit!.Value, output, longOutput, perfData, checkTime!.Value, latency, executionTime, passive));
        return null;
    }

    private static bool Fail(JsonObject issues, string field, string message)
    {
        issues[field] = message;
        return false;
    }

    /// <summary>A host or service by id or by name (a service on its host); templates have no live state.</summary>
    private static StoredDocument? Find(DocumentIndex index, string resource, JsonNode? id, JsonNode? name, string? hostId,
        JsonObject issues, Func<IDocumentFields, bool>? readable)
    {
        var collection = index.Collection(resource);
        StoredDocument? found = null;
        string field, shown;
        if (id is not null)
        {
            field = resource;
            shown = id.ToJsonString();
            if (id is JsonValue v && v.TryGetValue<string>(out var text) && DocumentIds.IsValid(text)) found = collection.Get(text.ToLowerInvariant());
        }
        else if (name is JsonValue n && n.TryGetValue<string>(out var text))
        {
            field = $"{resource}_name";
            shown = text;
            found = hostId is null
                ? collection.FindByName(text)
                : collection.FindWhere("host", hostId, "name", text);
        }
        else
        {
            issues[resource == "host" ? "host" : "service_name"] = resource == "host"
                ? "a check result needs its host: host (id) or host_name" : "must be of string type";
            return null;
        }
        if (found is not null && hostId is not null && (string?)found["host"] != hostId) found = null;
        if (found is not null && readable is not null && !readable(found)) found = null;
        if (found is null)
        {
            issues[field] = $"{resource} {shown} does not exist";
            return null;
        }
        if ((bool?)found["_is_template"] == true)
        {
            issues[field] = $"{resource} {shown} is a template: templates have no live state";
            return null;
        }
        return found;
    }

    private static long? Integer(JsonObject item, string field, long? fallback, JsonObject issues)
    {
        if (item[field] is null)
        {
            if (fallback is null) issues[field] = "required field";
            return fallback;
        }
        if (item[field] is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15) return (long)d;
        issues[field] = "must be of integer type";
        return null;
    }

    private static double Number(JsonObject item, string field, JsonObject issues)
    {
        if (item[field] is null) return 0;
        if (item[field] is JsonValue v && v.TryGetValue<double>(out var d) && d >= 0 && double.IsFinite(d)) return d;
        issues[field] = "must be a number, 0 or more";
        return 0;
    }

    private static string Text(JsonObject item, string field, JsonObject issues)
    {
        if (item[field] is null) return "";
        if (item[field] is JsonValue v && v.TryGetValue<string>(out var text)) return text;
        issues[field] = "must be of string type";
        return "";
    }
}

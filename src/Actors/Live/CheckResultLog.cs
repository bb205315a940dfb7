using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Actors.Live;

/// <summary>
/// What the log rows of a native check result need besides the result and the new state: the item's names and the
/// host's realm, resolved by the edge from the index. Carried by <see cref="ApplyCheckResult"/>, so the entity builds
/// the rows and they are committed with its event (one durable commit per result).
/// </summary>
public sealed record CheckResultLogContext(string HostId, string? HostName, string? ServiceId, string ServiceName, JsonNode? Realm, JsonNode? SubRealm);

/// <summary>
/// A log row the journal writes in the transaction of the event it comes with (<see cref="LiveStateRecorded.Logs"/>):
/// the document as stored (serialized once, by the entity) and the columns it is found by.
/// </summary>
public sealed record LogDocument(string Resource, string Id, long Created, string? Host, string? Service, string? Type, string Json)
{
    /// <param name="json">The document as stored (with its ETag, see <see cref="ETags.Stamp"/>).</param>
    public static LogDocument Of(string resource, JsonObject document, long created, string json) => new(resource, (string)document["_id"]!, created,
        (string?)(document["host"] as JsonValue), (string?)(document["service"] as JsonValue), (string?)(document["type"] as JsonValue), json);
}

/// <summary>The stored <c>logcheckresult</c> and <c>check.result</c> history documents of a native check result.</summary>
public static class CheckResultLog
{
    private static readonly string[] HostLastTimes = ["up", "down", null!, null!, "unreachable"];
    private static readonly string[] ServiceLastTimes = ["ok", "warning", "critical", "unknown", "unreachable"];

    /// <summary>A logcheckresult's <c>last_time_&lt;n&gt;</c> fields, by exit code.</summary>
    public static IReadOnlyList<string> LastTimeFields { get; } = ["last_time_0", "last_time_1", "last_time_2", "last_time_3", "last_time_4"];

    /// <summary>The state named by a logcheckresult's <c>last_time_&lt;n&gt;</c> (null where the kind has none).</summary>
    public static IReadOnlyList<string?> LastTimeNames(EntityKind kind) => kind == EntityKind.Host ? HostLastTimes : ServiceLastTimes;

    /// <summary>The logcheckresult and its history event, complete with their meta fields (as the log writer stores them).</summary>
    /// <returns>Both documents, and both as rows for the journal.</returns>
    public static (JsonObject CheckResult, JsonObject History, IReadOnlyList<LogDocument> Rows) Documents(
        CheckResultLogContext context, CheckInput input, LiveState state)
    {
        var now = Rfc1123.Now();
        var lcr = new JsonObject
        {
            ["_id"] = DocumentIds.NewId(),
            ["schema_version"] = 3,
            ["host"] = context.HostId,
            ["host_name"] = context.HostName,
            ["service"] = context.ServiceId,
            ["service_name"] = context.ServiceName,
            ["state"] = state.State,
            ["state_type"] = state.StateType,
            ["state_id"] = state.StateId,
            ["passive_check"] = state.PassiveCheck,
            ["acknowledged"] = state.Acknowledged,
            ["acknowledgement_type"] = state.AcknowledgementType,
            ["downtimed"] = state.Downtimed,
            ["last_check"] = input.CheckTime,
            ["last_state"] = state.LastState,
            ["last_state_type"] = state.LastStateType,
            ["last_state_id"] = StateIdOf(state.Kind, state.LastState),
            ["output"] = input.Output,
            ["long_output"] = input.LongOutput,
            ["perf_data"] = input.PerfData,
            ["latency"] = input.Latency,
            ["execution_time"] = input.ExecutionTime,
            ["current_attempt"] = state.CurrentAttempt,
            ["state_changed"] = state.StateChanged == 1,
            ["last_state_changed"] = state.LastStateChanged,
            ["last_hard_state_changed"] = state.LastHardStateChanged,
        };
        var names = LastTimeNames(state.Kind);
        for (var n = 0; n < names.Count; n++)
            lcr[LastTimeFields[n]] = names[n] is { } name ? state.LastTimes.GetValueOrDefault(name) : 0;
        var history = History(lcr, (string)lcr["_id"]!, state.State, state.StateType, state.Acknowledged, state.Downtimed, input.Output);
        history["_id"] = DocumentIds.NewId(now);
        var created = now.ToUnixTimeSeconds();
        return (lcr, history, [
            LogDocument.Of("logcheckresult", lcr, created, Stamp(lcr, context, now)),
            LogDocument.Of("history", history, created, Stamp(history, context, now)),
        ]);
    }

    /// <summary>The <c>check.result</c> history event of a stored logcheckresult.</summary>
    public static JsonObject History(JsonObject lcr, string lcrId, string state, string stateType, bool acknowledged,
        bool downtimed, string output) => new()
    {
        ["type"] = "check.result",
        ["host"] = lcr["host"]?.DeepClone(),
        ["host_name"] = lcr["host_name"]?.DeepClone(),
        ["service"] = lcr["service"]?.DeepClone(),
        ["service_name"] = lcr["service_name"]?.DeepClone() ?? "",
        ["user"] = null,
        ["user_name"] = "Alignak",
        ["logcheckresult"] = lcrId,
        ["message"] = LiveRules.CheckResultMessage(state, stateType, acknowledged, downtimed, output),
    };

    /// <summary>The meta fields the log writer gives server events (the host's realm, the dates, the ETag); returns the stored JSON.</summary>
    private static string Stamp(JsonObject document, CheckResultLogContext context, DateTimeOffset now)
    {
        document["_realm"] = context.Realm?.DeepClone();
        document["_sub_realm"] = context.SubRealm?.DeepClone();
        var date = Rfc1123.Format(now);
        document["_created"] = date;
        document["_updated"] = date;
        return ETags.Stamp(document);
    }

    private static int StateIdOf(EntityKind kind, string state)
    {
        for (var code = 0; code < 5; code++)
            if (LiveRules.StateFor(kind, code) is { } known && known.State == state) return known.StateId;
        return 3;
    }
}

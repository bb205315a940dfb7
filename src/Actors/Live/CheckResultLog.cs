using System.Text.Json;
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
public sealed record LogDocument(string Resource, string Id, long Created, string? Host, string? Service, string? Type, string Json);

/// <summary>The stored <c>logcheckresult</c> and <c>check.result</c> history documents of a native check result.</summary>
public static class CheckResultLog
{
    private static readonly string[] HostLastTimes = ["up", "down", null!, null!, "unreachable"];
    private static readonly string[] ServiceLastTimes = ["ok", "warning", "critical", "unknown", "unreachable"];

    /// <summary>A logcheckresult's <c>last_time_&lt;n&gt;</c> fields, by exit code.</summary>
    public static IReadOnlyList<string> LastTimeFields { get; } = ["last_time_0", "last_time_1", "last_time_2", "last_time_3", "last_time_4"];

    /// <summary>The state named by a logcheckresult's <c>last_time_&lt;n&gt;</c> (null where the kind has none).</summary>
    public static IReadOnlyList<string?> LastTimeNames(EntityKind kind) => kind == EntityKind.Host ? HostLastTimes : ServiceLastTimes;

    /// <summary>
    /// The logcheckresult and its history event as stored rows, complete with their meta fields (as the log writer
    /// stores them), written field by field: no document model per result.
    /// </summary>
    /// <returns>The logcheckresult's row, then the history's.</returns>
    public static IReadOnlyList<LogDocument> Documents(CheckResultLogContext context, CheckInput input, LiveState state, string? lcrId = null)
    {
        var now = Rfc1123.Now();
        var created = now.ToUnixTimeSeconds();
        var date = Rfc1123.Format(now);
        lcrId ??= DocumentIds.NewId();
        var row = new CheckResultRow(context, input, state, lcrId, date);
        var (lcrJson, _) = ETags.Stamp(row, WriteCheckResult);
        var historyId = DocumentIds.NewId(now);
        var (historyJson, _) = ETags.Stamp((Row: row, Id: historyId), static (writer, h) => WriteHistory(writer, h.Row, h.Id));
        return
        [
            new LogDocument("logcheckresult", lcrId, created, context.HostId, context.ServiceId, null, lcrJson),
            new LogDocument("history", historyId, created, context.HostId, context.ServiceId, "check.result", historyJson),
        ];
    }

    private sealed record CheckResultRow(CheckResultLogContext Context, CheckInput Input, LiveState State, string Id, string Date);

    /// <summary>The fields in the order of the original's logcheckresult (the order the log writer gives them).</summary>
    private static void WriteCheckResult(Utf8JsonWriter writer, CheckResultRow row)
    {
        var (context, input, state) = (row.Context, row.Input, row.State);
        writer.WriteStartObject();
        writer.WriteString("_id", row.Id);
        writer.WriteNumber("schema_version", 3);
        writer.WriteString("host", context.HostId);
        writer.WriteString("host_name", context.HostName);
        writer.WriteString("service", context.ServiceId);
        writer.WriteString("service_name", context.ServiceName);
        writer.WriteString("state", state.State);
        writer.WriteString("state_type", state.StateType);
        writer.WriteNumber("state_id", state.StateId);
        writer.WriteBoolean("passive_check", state.PassiveCheck);
        writer.WriteBoolean("acknowledged", state.Acknowledged);
        writer.WriteNumber("acknowledgement_type", state.AcknowledgementType);
        writer.WriteBoolean("downtimed", state.Downtimed);
        writer.WriteNumber("last_check", input.CheckTime);
        writer.WriteString("last_state", state.LastState);
        writer.WriteString("last_state_type", state.LastStateType);
        writer.WriteNumber("last_state_id", StateIdOf(state.Kind, state.LastState));
        writer.WriteString("output", input.Output);
        writer.WriteString("long_output", input.LongOutput);
        writer.WriteString("perf_data", input.PerfData);
        writer.WriteNumber("latency", input.Latency);
        writer.WriteNumber("execution_time", input.ExecutionTime);
        writer.WriteNumber("current_attempt", state.CurrentAttempt);
        writer.WriteBoolean("state_changed", state.StateChanged == 1);
        writer.WriteNumber("last_state_changed", state.LastStateChanged);
        writer.WriteNumber("last_hard_state_changed", state.LastHardStateChanged);
        var names = LastTimeNames(state.Kind);
        for (var n = 0; n < names.Count; n++)
            writer.WriteNumber(LastTimeFields[n], names[n] is { } name ? state.LastTimes.GetValueOrDefault(name) : 0);
        WriteMeta(writer, context, row.Date);
        writer.WriteEndObject();
    }

    /// <summary>The fields of <see cref="History"/>, then the id the log writer adds, then the meta fields.</summary>
    private static void WriteHistory(Utf8JsonWriter writer, CheckResultRow row, string id)
    {
        var (context, state) = (row.Context, row.State);
        writer.WriteStartObject();
        writer.WriteString("type", "check.result");
        writer.WriteString("host", context.HostId);
        writer.WriteString("host_name", context.HostName);
        writer.WriteString("service", context.ServiceId);
        writer.WriteString("service_name", context.ServiceName);
        writer.WriteNull("user");
        writer.WriteString("user_name", "Alignak");
        writer.WriteString("logcheckresult", row.Id);
        writer.WriteString("message", LiveRules.CheckResultMessage(state.State, state.StateType, state.Acknowledged, state.Downtimed, row.Input.Output));
        writer.WriteString("_id", id);
        WriteMeta(writer, context, row.Date);
        writer.WriteEndObject();
    }

    /// <summary>The meta fields the log writer gives server events: the host's realm and the dates.</summary>
    private static void WriteMeta(Utf8JsonWriter writer, CheckResultLogContext context, string date)
    {
        writer.WritePropertyName("_realm");
        WriteNode(writer, context.Realm);
        writer.WritePropertyName("_sub_realm");
        WriteNode(writer, context.SubRealm);
        writer.WriteString("_created", date);
        writer.WriteString("_updated", date);
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null) writer.WriteNullValue();
        else node.WriteTo(writer);
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

    private static int StateIdOf(EntityKind kind, string state)
    {
        for (var code = 0; code < 5; code++)
            if (LiveRules.StateFor(kind, code) is { } known && known.State == state) return known.StateId;
        return 3;
    }
}

using System.Text.Json.Nodes;

namespace Alignak.Actors.Live;

/// <summary>
/// The <c>ls_*</c> fields and <c>_overall_state_id</c> of a host or service document, read from and written to a
/// <see cref="LiveState"/>. What the Alignak broker PATCHes and what the index shows.
/// </summary>
public static class LiveFields
{
    private sealed record Field(string Name, Func<LiveState, JsonNode?> Read, Func<LiveState, JsonNode, LiveState> Write);

    private static readonly Field[] Common =
    [
        new("ls_state", s => s.State, (s, v) => s with { State = v.GetValue<string>() }),
        new("ls_state_type", s => s.StateType, (s, v) => s with { StateType = v.GetValue<string>() }),
        new("ls_state_id", s => s.StateId, (s, v) => s with { StateId = I(v) }),
        new("ls_acknowledged", s => s.Acknowledged, (s, v) => s with { Acknowledged = (bool)v }),
        new("ls_acknowledgement_type", s => s.AcknowledgementType, (s, v) => s with { AcknowledgementType = I(v) }),
        new("ls_downtimed", s => s.Downtimed, (s, v) => s with { Downtimed = (bool)v }),
        new("ls_last_check", s => s.LastCheck, (s, v) => s with { LastCheck = L(v) }),
        new("ls_last_state", s => s.LastState, (s, v) => s with { LastState = v.GetValue<string>() }),
        new("ls_last_state_type", s => s.LastStateType, (s, v) => s with { LastStateType = v.GetValue<string>() }),
        new("ls_last_state_changed", s => s.LastStateChanged, (s, v) => s with { LastStateChanged = L(v) }),
        new("ls_next_check", s => s.NextCheck, (s, v) => s with { NextCheck = L(v) }),
        new("ls_output", s => s.Output, (s, v) => s with { Output = v.GetValue<string>() }),
        new("ls_long_output", s => s.LongOutput, (s, v) => s with { LongOutput = v.GetValue<string>() }),
        new("ls_perf_data", s => s.PerfData, (s, v) => s with { PerfData = v.GetValue<string>() }),
        new("ls_current_attempt", s => s.CurrentAttempt, (s, v) => s with { CurrentAttempt = I(v) }),
        new("ls_latency", s => s.Latency, (s, v) => s with { Latency = D(v) }),
        new("ls_execution_time", s => s.ExecutionTime, (s, v) => s with { ExecutionTime = D(v) }),
        new("ls_passive_check", s => s.PassiveCheck, (s, v) => s with { PassiveCheck = (bool)v }),
        new("ls_state_changed", s => s.StateChanged, (s, v) => s with { StateChanged = I(v) }),
        new("ls_last_hard_state_changed", s => s.LastHardStateChanged, (s, v) => s with { LastHardStateChanged = L(v) }),
        new("ls_last_notification", s => s.LastNotification, (s, v) => s with { LastNotification = L(v) }),
        new("_overall_state_id", s => s.OverallStateId, (s, v) => s with { OverallStateId = I(v) }),
    ];

    // Numbers arrive parsed from JSON or coerced by the validator: read them through their JSON text.
    private static double D(JsonNode v) => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    private static long L(JsonNode v) => (long)D(v);
    private static int I(JsonNode v) => (int)D(v);

    private static readonly string[] HostStates = ["up", "down", "unreachable"];
    private static readonly string[] ServiceStates = ["ok", "warning", "critical", "unknown", "unreachable"];

    private static readonly Field[] HostFields = [.. Common, .. LastTimeFields(HostStates)];
    private static readonly Field[] ServiceFields = [.. Common, .. LastTimeFields(ServiceStates)];

    private static IEnumerable<Field> LastTimeFields(string[] states) => states.Select(state => new Field(
        $"ls_last_time_{state}",
        s => s.LastTimes.GetValueOrDefault(state),
        (s, v) => s with { LastTimes = s.LastTimes.SetItem(state, L(v)) }));

    private static Field[] For(EntityKind kind) => kind == EntityKind.Host ? HostFields : ServiceFields;

    private static readonly HashSet<string> HostNames = new(HostFields.Select(f => f.Name), StringComparer.Ordinal);
    private static readonly HashSet<string> ServiceNames = new(ServiceFields.Select(f => f.Name), StringComparer.Ordinal);

    /// <summary>Whether the engine's state holds this field (others, e.g. <c>ls_grafana</c>, stay the document's).</summary>
    public static bool IsModelled(EntityKind kind, string name) => (kind == EntityKind.Host ? HostNames : ServiceNames).Contains(name);

    /// <summary>The live fields of an item kind, in document order.</summary>
    public static IEnumerable<string> Names(EntityKind kind) => For(kind).Select(f => f.Name);

    public static bool IsLiveField(string name) => name.StartsWith("ls_", StringComparison.Ordinal) || name == "_overall_state_id";

    /// <summary>Every live field of the state.</summary>
    public static JsonObject ToJson(LiveState s)
    {
        var json = new JsonObject();
        foreach (var field in For(s.Kind)) json[field.Name] = field.Read(s);
        return json;
    }

    /// <summary>Only the fields whose values differ between two states.</summary>
    public static JsonObject Changed(LiveState before, LiveState after)
    {
        var json = new JsonObject();
        foreach (var field in For(after.Kind))
        {
            var value = field.Read(after);
            if (!JsonNode.DeepEquals(field.Read(before), value)) json[field.Name] = value;
        }
        return json;
    }

    /// <summary>
    /// The state as a document shows it (the fields it has; the others keep their current values). Values are
    /// expected validated by the schema; fields this engine does not model (e.g. <c>ls_grafana</c>) are ignored.
    /// </summary>
    public static LiveState FromDocument(LiveState s, JsonObject document)
    {
        foreach (var field in For(s.Kind))
            if (document[field.Name] is { } value) s = field.Write(s, value);
        // The engine's own view follows what it is told.
        if (s.StateType == "HARD") s = s with { LastHardState = s.State };
        if (!s.Acknowledged) s = s with { Acknowledgement = null };
        return s;
    }

    /// <summary>
    /// What the Alignak broker tells (a PATCH of live fields or a logcheckresult): recorded as is, then the
    /// overall state recomputed as the original does on such a PATCH (spec 2.9): only when the update is HARD
    /// and touches the state, the acknowledgement or the downtime, unless the client sets it itself.
    /// </summary>
    public static LiveState Record(LiveState s, CheckConfig config, JsonObject told)
    {
        var next = FromDocument(s, told);
        if (told.ContainsKey("_overall_state_id")) return next;
        var recompute = told["ls_state_type"] is JsonValue type && type.TryGetValue<string>(out var t) && t == "HARD"
            && (told.ContainsKey("ls_state") || told.ContainsKey("ls_acknowledged") || told.ContainsKey("ls_downtimed"));
        return recompute ? next with { OverallStateId = LiveRules.Overall(next, config) } : next;
    }
}

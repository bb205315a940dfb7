using System.Text.Json.Nodes;

namespace Alignak.Actors.Live;

/// <summary>
/// The <c>ls_*</c> fields and <c>_overall_state_id</c> of a host or service document, read from and written to a
/// <see cref="LiveState"/>. What the Alignak broker PATCHes and what the index shows.
/// </summary>
public static class LiveFields
{
    /// <param name="Same">Whether two states have the same value (no JSON made for it).</param>
    private sealed record Field(string Name, Func<LiveState, JsonNode?> Read, Func<LiveState, JsonNode, LiveState> Write,
        Func<LiveState, LiveState, bool> Same);

    private static Field F(string name, Func<LiveState, string> get, Func<LiveState, JsonNode, LiveState> write) =>
        new(name, s => get(s), write, (a, b) => get(a) == get(b));
    private static Field F(string name, Func<LiveState, int> get, Func<LiveState, JsonNode, LiveState> write) =>
        new(name, s => get(s), write, (a, b) => get(a) == get(b));
    private static Field F(string name, Func<LiveState, long> get, Func<LiveState, JsonNode, LiveState> write) =>
        new(name, s => get(s), write, (a, b) => get(a) == get(b));
    private static Field F(string name, Func<LiveState, double> get, Func<LiveState, JsonNode, LiveState> write) =>
        new(name, s => get(s), write, (a, b) => get(a).Equals(get(b)));
    private static Field F(string name, Func<LiveState, bool> get, Func<LiveState, JsonNode, LiveState> write) =>
        new(name, s => get(s), write, (a, b) => get(a) == get(b));

    private static readonly Field[] Common =
    [
        F("ls_state", s => s.State, (s, v) => s with { State = v.GetValue<string>() }),
        F("ls_state_type", s => s.StateType, (s, v) => s with { StateType = v.GetValue<string>() }),
        F("ls_state_id", s => s.StateId, (s, v) => s with { StateId = I(v) }),
        F("ls_acknowledged", s => s.Acknowledged, (s, v) => s with { Acknowledged = (bool)v }),
        F("ls_acknowledgement_type", s => s.AcknowledgementType, (s, v) => s with { AcknowledgementType = I(v) }),
        F("ls_downtimed", s => s.Downtimed, (s, v) => s with { Downtimed = (bool)v }),
        F("ls_last_check", s => s.LastCheck, (s, v) => s with { LastCheck = L(v) }),
        F("ls_last_state", s => s.LastState, (s, v) => s with { LastState = v.GetValue<string>() }),
        F("ls_last_state_type", s => s.LastStateType, (s, v) => s with { LastStateType = v.GetValue<string>() }),
        F("ls_last_state_changed", s => s.LastStateChanged, (s, v) => s with { LastStateChanged = L(v) }),
        F("ls_next_check", s => s.NextCheck, (s, v) => s with { NextCheck = L(v) }),
        F("ls_output", s => s.Output, (s, v) => s with { Output = v.GetValue<string>() }),
        F("ls_long_output", s => s.LongOutput, (s, v) => s with { LongOutput = v.GetValue<string>() }),
        F("ls_perf_data", s => s.PerfData, (s, v) => s with { PerfData = v.GetValue<string>() }),
        F("ls_current_attempt", s => s.CurrentAttempt, (s, v) => s with { CurrentAttempt = I(v) }),
        F("ls_latency", s => s.Latency, (s, v) => s with { Latency = D(v) }),
        F("ls_execution_time", s => s.ExecutionTime, (s, v) => s with { ExecutionTime = D(v) }),
        F("ls_passive_check", s => s.PassiveCheck, (s, v) => s with { PassiveCheck = (bool)v }),
        F("ls_state_changed", s => s.StateChanged, (s, v) => s with { StateChanged = I(v) }),
        F("ls_last_hard_state_changed", s => s.LastHardStateChanged, (s, v) => s with { LastHardStateChanged = L(v) }),
        F("ls_last_notification", s => s.LastNotification, (s, v) => s with { LastNotification = L(v) }),
        F("_overall_state_id", s => s.OverallStateId, (s, v) => s with { OverallStateId = I(v) }),
    ];

    // Numbers arrive parsed from JSON or coerced by the validator: read them through their JSON text.
    private static double D(JsonNode v) => double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    private static long L(JsonNode v) => (long)D(v);
    private static int I(JsonNode v) => (int)D(v);

    private static readonly string[] HostStates = ["up", "down", "unreachable"];
    private static readonly string[] ServiceStates = ["ok", "warning", "critical", "unknown", "unreachable"];

    private static readonly Field[] HostFields = [.. Common, .. LastTimeFields(HostStates)];
    private static readonly Field[] ServiceFields = [.. Common, .. LastTimeFields(ServiceStates)];

    private static IEnumerable<Field> LastTimeFields(string[] states) => states.Select(state => F(
        $"ls_last_time_{state}",
        s => s.LastTimes.GetValueOrDefault(state),
        (s, v) => s with { LastTimes = s.LastTimes.SetItem(state, L(v)) }));

    private static Field[] For(EntityKind kind) => kind == EntityKind.Host ? HostFields : ServiceFields;

    private static readonly Dictionary<string, Field> HostByName = HostFields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    private static readonly Dictionary<string, Field> ServiceByName = ServiceFields.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>One live field of the state, as a new node (null when the kind has no such field).</summary>
    public static JsonNode? Read(LiveState s, string name) =>
        (s.Kind == EntityKind.Host ? HostByName : ServiceByName).TryGetValue(name, out var field) ? field.Read(s) : null;

    /// <summary>Whether the engine's state holds this field (others, e.g. <c>ls_grafana</c>, stay the document's).</summary>
    public static bool IsModelled(EntityKind kind, string name) => (kind == EntityKind.Host ? HostByName : ServiceByName).ContainsKey(name);

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
            if (!field.Same(before, after)) json[field.Name] = field.Read(after);
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

using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Http.TimeSeries;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Live;

/// <summary>
/// Check results into live state. Alignak-compatible: a stored logcheckresult is recorded by its entity as told
/// (spec 2.10). Native (<c>POST /checkresult</c>): the entity applies Nagios semantics. Both end with the
/// logcheckresult and <c>check.result</c> history rows, written before the reply.
/// </summary>
public sealed class CheckResultIngestion(LiveEntities entities, LogWriter logs, DocumentIndex index, TimeSeriesFeed timeSeries)
{
    /// <summary>Entities asked at once for one request; results for one entity keep their order.</summary>
    private const int Parallelism = 512;

    /// <summary>How far in the future a check time may be (clock skew between a sender and this server).</summary>
    public const long MaxFutureSeconds = 600;

    private static readonly (string From, string To)[] LcrFields =
    [
        ("state", "ls_state"), ("state_type", "ls_state_type"), ("state_id", "ls_state_id"),
        ("acknowledged", "ls_acknowledged"), ("acknowledgement_type", "ls_acknowledgement_type"),
        ("downtimed", "ls_downtimed"), ("last_check", "ls_last_check"), ("last_state", "ls_last_state"),
        ("last_state_type", "ls_last_state_type"), ("output", "ls_output"), ("long_output", "ls_long_output"),
        ("perf_data", "ls_perf_data"), ("current_attempt", "ls_current_attempt"), ("latency", "ls_latency"),
        ("execution_time", "ls_execution_time"), ("passive_check", "ls_passive_check"),
        ("last_state_changed", "ls_last_state_changed"), ("last_hard_state_changed", "ls_last_hard_state_changed"),
    ];

    private static readonly string[] HostLastTimes = ["up", "down", null!, null!, "unreachable"];
    private static readonly string[] ServiceLastTimes = ["ok", "warning", "critical", "unknown", "unreachable"];

    /// <summary>After stored logcheckresults: each entity records what it is told, unless older than its last check.</summary>
    public async Task AfterLogCheckResultsAsync(IReadOnlyList<JsonObject> stored, CancellationToken cancellationToken)
    {
        var commands = stored.Select(lcr =>
        {
            var (id, kind) = Target(lcr);
            var told = new JsonObject();
            foreach (var (from, to) in LcrFields)
                if (lcr[from] is { } value) told[to] = value.DeepClone();
            if (lcr["state_changed"] is JsonValue changed && changed.TryGetValue<bool>(out var flag)) told["ls_state_changed"] = flag ? 1 : 0;
            var names = kind == EntityKind.Host ? HostLastTimes : ServiceLastTimes;
            for (var n = 0; n < names.Length; n++)
                if (names[n] is { } state && lcr[$"last_time_{n}"] is { } time) told[$"ls_last_time_{state}"] = time.DeepClone();
            return (ILiveCommand)new RecordLiveState(id, kind, told, (long?)lcr["last_check"] ?? 0);
        }).ToList();
        await AskInOrderAsync(commands, cancellationToken);
        var history = stored.Select(lcr => CheckResultHistory(lcr, (string)lcr["_id"]!,
            (string?)lcr["state"] ?? "", (string?)lcr["state_type"] ?? "", (bool?)lcr["acknowledged"] ?? false,
            (bool?)lcr["downtimed"] ?? false, (string?)lcr["output"] ?? "")).ToList();
        await logs.InsertServerEventsAsync([], history, cancellationToken);
        foreach (var lcr in stored) timeSeries.Offer(lcr);
    }

    /// <summary>A native check result, validated and resolved: its entity and what it reports.</summary>
    public sealed record NativeResult(string HostId, string? ServiceId, CheckInput Input);

    /// <summary>Applies validated native results; returns, per result, the stored logcheckresult.</summary>
    public async Task<IReadOnlyList<(JsonObject CheckResult, LiveReply Reply)>> ApplyAsync(
        IReadOnlyList<NativeResult> results, CancellationToken cancellationToken)
    {
        var commands = results.Select(r => (ILiveCommand)new ApplyCheckResult(r.ServiceId ?? r.HostId,
            r.ServiceId is null ? EntityKind.Host : EntityKind.Service, r.Input)).ToList();
        var replies = await AskInOrderAsync(commands, cancellationToken);
        var checkResults = new List<JsonObject>(results.Count);
        var history = new List<JsonObject>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var (result, state) = (results[i], replies[i].State ?? throw new InvalidOperationException(replies[i].Message));
            var lcr = CheckResultDocument(result, state);
            checkResults.Add(lcr);
            history.Add(CheckResultHistory(lcr, (string)lcr["_id"]!, state.State, state.StateType, state.Acknowledged,
                state.Downtimed, result.Input.Output));
        }
        await logs.InsertServerEventsAsync(checkResults, history, cancellationToken);
        foreach (var lcr in checkResults) timeSeries.Offer(lcr);
        return checkResults.Zip(replies).ToList();
    }

    private static (string Id, EntityKind Kind) Target(JsonObject lcr) =>
        (string?)(lcr["service"] as JsonValue) is { } serviceId ? (serviceId, EntityKind.Service) : ((string)lcr["host"]!, EntityKind.Host);

    /// <summary>One entity's commands in order, different entities in parallel; replies in the commands' order.</summary>
    private async Task<LiveReply[]> AskInOrderAsync(IReadOnlyList<ILiveCommand> commands, CancellationToken cancellationToken)
    {
        var replies = new LiveReply[commands.Count];
        var byEntity = Enumerable.Range(0, commands.Count).GroupBy(i => (commands[i].Kind, commands[i].EntityId)).ToList();
        await Parallel.ForEachAsync(byEntity, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var i in group)
                {
                    replies[i] = await entities.AskAsync(commands[i], ct);
                    if (replies[i].Outcome == LiveOutcome.Failed)
                        throw new LiveStateUnavailableException(replies[i].Message ?? "the journal did not take the change");
                }
            });
        return replies;
    }

    private JsonObject CheckResultDocument(NativeResult result, LiveState state)
    {
        var host = index.Collection("host").Get(result.HostId);
        var service = result.ServiceId is { } serviceId ? index.Collection("service").Get(serviceId) : null;
        var lcr = new JsonObject
        {
            ["_id"] = DocumentIds.NewId(),
            ["schema_version"] = 3,
            ["host"] = result.HostId,
            ["host_name"] = host?["name"]?.DeepClone(),
            ["service"] = result.ServiceId,
            ["service_name"] = service?["name"]?.DeepClone() ?? "",
            ["state"] = state.State,
            ["state_type"] = state.StateType,
            ["state_id"] = state.StateId,
            ["passive_check"] = state.PassiveCheck,
            ["acknowledged"] = state.Acknowledged,
            ["acknowledgement_type"] = state.AcknowledgementType,
            ["downtimed"] = state.Downtimed,
            ["last_check"] = result.Input.CheckTime,
            ["last_state"] = state.LastState,
            ["last_state_type"] = state.LastStateType,
            ["last_state_id"] = StateIdOf(state.Kind, state.LastState),
            ["output"] = result.Input.Output,
            ["long_output"] = result.Input.LongOutput,
            ["perf_data"] = result.Input.PerfData,
            ["latency"] = result.Input.Latency,
            ["execution_time"] = result.Input.ExecutionTime,
            ["current_attempt"] = state.CurrentAttempt,
            ["state_changed"] = state.StateChanged == 1,
            ["last_state_changed"] = state.LastStateChanged,
            ["last_hard_state_changed"] = state.LastHardStateChanged,
        };
        var names = state.Kind == EntityKind.Host ? HostLastTimes : ServiceLastTimes;
        for (var n = 0; n < names.Length; n++)
            lcr[$"last_time_{n}"] = names[n] is { } name ? state.LastTimes.GetValueOrDefault(name) : 0;
        return lcr;
    }

    private static int StateIdOf(EntityKind kind, string state) =>
        Enumerable.Range(0, 5).Select(code => LiveRules.StateFor(kind, code)).FirstOrDefault(s => s?.State == state)?.StateId ?? 3;

    private static JsonObject CheckResultHistory(JsonObject lcr, string lcrId, string state, string stateType, bool acknowledged,
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
}

/// <summary>The journal refused a change: the request is answered 503 and may be retried.</summary>
public sealed class LiveStateUnavailableException(string message) : Exception(message);

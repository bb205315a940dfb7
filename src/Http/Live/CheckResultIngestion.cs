using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Http.TimeSeries;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Live;

/// <summary>
/// Check results into live state. Alignak-compatible: a stored logcheckresult is recorded by its entity as told
/// (spec 2.10). Native (<c>POST /checkresult</c>): the entity applies Nagios semantics. Both end with the
/// logcheckresult and <c>check.result</c> history rows, committed with the entity's event before the reply.
/// </summary>
public sealed class CheckResultIngestion(LiveEntities entities, LogWriter logs, DocumentIndex index, TimeSeriesFeed timeSeries)
{
    /// <summary>How far in the future a check time may be (clock skew between a sender and this server).</summary>
    public const long MaxFutureSeconds = 600;

    /// <summary>
    /// Check results being applied at once, from every request: past it a request is refused (503 with Retry-After)
    /// before anything is applied, rather than queued without bound or timed out half-way.
    /// </summary>
    public const int MaxInFlight = 4_000;

    /// <summary>Seconds a refused sender is told to wait.</summary>
    public const int RetryAfterSeconds = 1;

    private long _inFlight;
    private long _refused;

    /// <summary>Check results refused by admission control since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Room for <paramref name="count"/> results until disposed; null when full (counted in <see cref="Refused"/>).
    /// A request alone may exceed the bound (a large batch is not refused forever).
    /// </summary>
    public Admission? TryAdmit(int count)
    {
        var total = Interlocked.Add(ref _inFlight, count);
        if (total <= MaxInFlight || total == count) return new Admission(this, count);
        Interlocked.Add(ref _inFlight, -count);
        Interlocked.Add(ref _refused, count);
        return null;
    }

    /// <summary>Results admitted by <see cref="TryAdmit"/>; disposing gives their room back.</summary>
    public sealed class Admission(CheckResultIngestion owner, int count) : IDisposable
    {
        private int _count = count;

        public void Dispose() => Interlocked.Add(ref owner._inFlight, -Interlocked.Exchange(ref _count, 0));
    }

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

    /// <summary>
    /// Validated logcheckresults: each entity records what it is told, unless older than its last check, and the
    /// journal commits the logcheckresult and its history row with the entity's event (one durable commit); the rows
    /// of results that change nothing are written here.
    /// </summary>
    public async Task RecordLogCheckResultsAsync(IReadOnlyList<JsonObject> stored, IReadOnlyList<LogRow> rows, CancellationToken cancellationToken)
    {
        var history = stored.Select(lcr => CheckResultLog.History(lcr, (string)lcr["_id"]!,
            (string?)lcr["state"] ?? "", (string?)lcr["state_type"] ?? "", (bool?)lcr["acknowledged"] ?? false,
            (bool?)lcr["downtimed"] ?? false, (string?)lcr["output"] ?? "")).ToList();
        var historyRows = logs.Stamp(history);
        var commands = stored.Select((lcr, i) =>
        {
            var (id, kind) = Target(lcr);
            var told = new JsonObject();
            foreach (var (from, to) in LcrFields)
                if (lcr[from] is { } value) told[to] = value.DeepClone();
            if (lcr["state_changed"] is JsonValue changed && changed.TryGetValue<bool>(out var flag)) told["ls_state_changed"] = flag ? 1 : 0;
            var names = CheckResultLog.LastTimeNames(kind);
            for (var n = 0; n < names.Count; n++)
                if (names[n] is { } state && lcr[CheckResultLog.LastTimeFields[n]] is { } time) told[$"ls_last_time_{state}"] = time.DeepClone();
            return (ILiveCommand)new RecordLiveState(id, kind, told, (long?)lcr["last_check"] ?? 0,
                [Document("logcheckresult", rows[i]), Document("history", historyRows[i])], CommandId: rows[i].Id);
        }).ToList();
        var replies = await AskInOrderAsync(commands, cancellationToken);
        var unwritten = new List<(string, LogRow)>();
        for (var i = 0; i < replies.Length; i++)
            if (replies[i].Outcome is not (LiveOutcome.Applied or LiveOutcome.Duplicate))
                unwritten.AddRange([("logcheckresult", rows[i]), ("history", historyRows[i])]);
        await logs.InsertAsync(unwritten, cancellationToken);
        logs.Announce(historyRows.Select(r => r.Json).ToList());
        foreach (var lcr in stored) timeSeries.Offer(lcr);
    }

    private static LogDocument Document(string resource, LogRow row) => new(resource, row.Id, row.Created, row.Host, row.Service, row.Type, row.Json);

    /// <summary>A native check result, validated and resolved: its entity and what it reports.</summary>
    public sealed record NativeResult(string HostId, string? ServiceId, CheckInput Input);

    /// <summary>A native result taken: its logcheckresult's id and its entity's reply.</summary>
    public sealed record Applied(string LogCheckResultId, LiveReply Reply);

    /// <summary>
    /// Applies validated native results; returns, per result, the entity's reply with the stored logcheckresult's id.
    /// Each entity builds its result's rows and the journal commits them with the entity's event: one durable commit
    /// per result; only a result that changed nothing (no event) has its rows written here. A result is named by its
    /// logcheckresult's id: delivered twice (sent again after a node was lost), it is applied once.
    /// </summary>
    public async Task<IReadOnlyList<Applied>> ApplyAsync(IReadOnlyList<NativeResult> results, CancellationToken cancellationToken)
    {
        var hosts = index.Collection("host");
        var services = index.Collection("service");
        var ids = results.Select(_ => DocumentIds.NewId()).ToArray();
        var commands = results.Select((r, i) =>
        {
            var host = hosts.Get(r.HostId);
            var service = r.ServiceId is { } serviceId ? services.Get(serviceId) : null;
            var context = new CheckResultLogContext(r.HostId, (string?)host?["name"], r.ServiceId, (string?)service?["name"] ?? "",
                host?["_realm"], host?["_sub_realm"]);
            return (ILiveCommand)new ApplyCheckResult(r.ServiceId ?? r.HostId,
                r.ServiceId is null ? EntityKind.Host : EntityKind.Service, r.Input, context, ids[i]);
        }).ToList();
        var replies = await AskInOrderAsync(commands, cancellationToken);
        var history = new List<string>(results.Count);
        List<(string, LogRow)>? unwritten = null;
        foreach (var reply in replies)
        {
            // A duplicate's rows were committed with its first delivery (whose history was never announced: it is not now either).
            if (reply.Outcome == LiveOutcome.Duplicate) continue;
            if (reply.Logged is not [var checkResult, var historyRow]) throw new InvalidOperationException(reply.Message);
            history.Add(historyRow.Json);
            if (reply.Outcome != LiveOutcome.Applied) (unwritten ??= []).AddRange([("logcheckresult", Row(checkResult)), ("history", Row(historyRow))]);
        }
        if (unwritten is not null) await logs.InsertAsync(unwritten, cancellationToken);
        logs.Announce(history);
        for (var i = 0; i < results.Count; i++)
            timeSeries.Offer(results[i].HostId, results[i].ServiceId, results[i].Input.PerfData, results[i].Input.CheckTime, replies[i].State!.StateId);
        return replies.Select((reply, i) => new Applied(ids[i], reply)).ToList();
    }

    private static LogRow Row(LogDocument row) => new(row.Id, row.Created, row.Host, row.Service, null, row.Type, row.Json);

    private static (string Id, EntityKind Kind) Target(JsonObject lcr) =>
        (string?)(lcr["service"] as JsonValue) is { } serviceId ? (serviceId, EntityKind.Service) : ((string)lcr["host"]!, EntityKind.Host);

    /// <summary>One entity's commands in order, different entities at once; replies in the commands' order.</summary>
    private async Task<LiveReply[]> AskInOrderAsync(IReadOnlyList<ILiveCommand> commands, CancellationToken cancellationToken)
    {
        var replies = await entities.AskInOrderAsync(commands, cancellationToken);
        // A command after a failed one of its entity was not asked.
        foreach (var reply in replies)
            if (reply is { Outcome: LiveOutcome.Failed })
                throw new LiveStateUnavailableException(reply.Message ?? "the journal did not take the change");
        return replies!;
    }
}

/// <summary>The journal refused a change: the request is answered 503 and may be retried.</summary>
public sealed class LiveStateUnavailableException(string message) : Exception(message);

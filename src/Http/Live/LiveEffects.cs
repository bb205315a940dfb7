using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;
using Alignak.Http.Settings;
using Alignak.Persistence.Logs;

namespace Alignak.Http.Live;

/// <summary>
/// What configuration writes mean for the live engine, done before the write's reply: a host or service
/// created, changed or deleted syncs or forgets its entity; live fields PATCHed by Alignak are recorded by the
/// entity; action requests get their history events (spec 2.11) and, with ACTIONS_APPLY_IMMEDIATELY, take
/// effect in the entity at once and are marked processed.
/// </summary>
public sealed class LiveEffects(
    LiveEntities entities, LogWriter logs, BackendSettings settings, DocumentIndex index,
    IServiceProvider services, ILogger<LiveEffects> log) : IWriteObserver
{
    /// <summary>Entity commands in flight for one write (a bulk import touches thousands of entities).</summary>
    private const int Parallelism = 256;

    private static readonly Dictionary<string, (string Add, string Delete, string Processed)> ActionEvents = new()
    {
        ["actionacknowledge"] = ("ack.add", "ack.delete", "ack.processed"),
        ["actiondowntime"] = ("downtime.add", "downtime.delete", "downtime.processed"),
        ["actionforcecheck"] = ("check.request", "check.request", "check.requested"),
    };

    public async Task AfterWriteAsync(IResourceCommand command, WriteResult result, CancellationToken cancellationToken)
    {
        var items = result.Changes.Where(c => c.Resource is "host" or "service").ToList();
        if (items.Count > 0)
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (change, ct) => await SyncAsync(command, change, ct));

        var history = new List<JsonObject>();
        var applied = new List<(string Resource, JsonObject Action)>();
        foreach (var change in result.Changes.Where(c => ActionEvents.ContainsKey(c.Resource) && !c.IsDelete))
        {
            var action = JsonNode.Parse(change.Json!)!.AsObject();
            var events = ActionEvents[change.Resource];
            if (command is CreateDocuments)
            {
                history.Add(ActionHistory(action, (string?)action["action"] == "delete" ? events.Delete : events.Add));
                if (settings.ActionsApplyImmediately && (bool?)action["processed"] != true) applied.Add((change.Resource, action));
            }
            else if (command is PatchDocument patch && JsonNode.Parse(patch.Json)?["processed"] is JsonValue processed
                     && processed.TryGetValue<bool>(out var done) && done)
                history.Add(ActionHistory(action, events.Processed));
        }
        if (history.Count > 0) await logs.InsertServerEventsAsync([], history, cancellationToken);
        foreach (var (resource, action) in applied) await ApplyActionAsync(resource, action, cancellationToken);
    }

    private async Task SyncAsync(IResourceCommand command, DocumentChange change, CancellationToken cancellationToken)
    {
        var kind = change.Resource == "host" ? EntityKind.Host : EntityKind.Service;
        if (change.IsDelete)
        {
            await entities.AskAsync(new ForgetEntity(change.Id, kind), cancellationToken);
            return;
        }
        var document = JsonNode.Parse(change.Json!)!.AsObject();
        if ((bool?)document["_is_template"] == true) return;
        await entities.AskAsync(LiveEntities.Sync(kind, new JsonFields(document)), cancellationToken);
        // Live fields a client PATCHed (the Alignak broker does): the entity records them.
        if (command is PatchDocument patch && patch.Id == change.Id && JsonNode.Parse(patch.Json) is JsonObject body)
        {
            var told = new JsonObject();
            foreach (var (name, _) in body)
                if (LiveFields.IsLiveField(name)) told[name] = document[name]?.DeepClone();
            if (told.Count > 0) await entities.AskAsync(new RecordLiveState(change.Id, kind, told), cancellationToken);
        }
    }

    /// <summary>The original's history event for an action: the action's item and user, its comment as message.</summary>
    private JsonObject ActionHistory(JsonObject action, string type)
    {
        var hostId = (string?)action["host"];
        var serviceId = (string?)(action["service"] as JsonValue);
        var userId = (string?)action["user"];
        return new JsonObject
        {
            ["type"] = type,
            ["host"] = hostId,
            ["host_name"] = hostId is null ? null : index.Collection("host").Get(hostId)?["name"]?.DeepClone(),
            ["service"] = serviceId,
            ["service_name"] = serviceId is null ? "" : index.Collection("service").Get(serviceId)?["name"]?.DeepClone(),
            ["user"] = userId,
            ["user_name"] = userId is null ? null : index.Collection("user").Get(userId)?["name"]?.DeepClone(),
            ["message"] = action["comment"]?.DeepClone() ?? "",
            ["content"] = new JsonObject(),
        };
    }

    /// <summary>ACTIONS_APPLY_IMMEDIATELY: the entity takes the action now; the action then shows processed.</summary>
    private async Task ApplyActionAsync(string resource, JsonObject action, CancellationToken cancellationToken)
    {
        var serviceId = (string?)(action["service"] as JsonValue);
        var (id, kind) = serviceId is null ? ((string)action["host"]!, EntityKind.Host) : (serviceId, EntityKind.Service);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var author = (string?)index.Collection("user").Get((string?)action["user"] ?? "")?["name"];
        var comment = (string?)action["comment"] ?? "";
        var remove = (string?)action["action"] == "delete";
        var actionId = (string)action["_id"]!;
        ILiveCommand entityCommand = resource switch
        {
            "actionacknowledge" => remove ? new RemoveAcknowledgement(id, kind)
                : new AcknowledgeProblem(id, kind, new Acknowledgement(
                    (bool?)action["sticky"] ?? true, (bool?)action["notify"] ?? false, (bool?)action["persistent"] ?? true, author, comment, now)),
            "actiondowntime" => remove ? new CancelDowntime(id, kind, null)
                : new ScheduleDowntime(id, kind, new Downtime(actionId, (long?)action["start_time"] ?? now, (long?)action["end_time"] ?? now,
                    (bool?)action["fixed"] ?? true, (long?)action["duration"] ?? 0, author, comment)),
            _ => new RequestCheck(id, kind, now),
        };
        var reply = await entities.AskAsync(entityCommand, cancellationToken);
        if (reply.Outcome == LiveOutcome.Refused)
            log.LogInformation("Action {Action} on {Item} not applied: {Reason}", actionId, id, reply.Message);
        var writer = services.GetRequiredService<DocumentWriter>();
        await writer.SendAsync(new PatchDocument(resource, actionId, """{"processed":true}""", null, PatchMode.Internal),
            cancellationToken);
    }
}

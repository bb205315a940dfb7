using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;

namespace Alignak.Http.Push;

/// <summary>
/// Turns what the index applied into push messages. Live changes become <c>state</c> messages with the live
/// fields whose values differ from the document before (an entity's sync that changed nothing says nothing), and
/// <c>acknowledgement</c>/<c>downtime</c> messages when those changed; configuration writes become
/// <c>document</c> messages; livesynthesis documents <c>livesynthesis</c> messages. Used by one thread only.
/// </summary>
public sealed class PushMessages(DocumentIndex index)
{
    /// <summary>Never pushed as documents: credentials and rights, schedulers' retention blobs.</summary>
    private static readonly HashSet<string> Private = new(StringComparer.Ordinal) { ResourceNames.User, ResourceNames.UserRestrictRole, ResourceNames.AlignakRetention };

    /// <summary>The last known acknowledgement and downtimes per item, to tell what an entity's change did to them.</summary>
    private readonly Dictionary<string, (Acknowledgement? Ack, ImmutableList<Downtime> Downtimes)> _lastLive = new(StringComparer.Ordinal);

    public IEnumerable<PushMessage> From(IndexChange change)
    {
        if (change.Resource == ResourceNames.LiveSynthesis)
            return change.After is { } synthesis ? [LiveSynthesisMessage(synthesis)] : [];
        if (change.Live is { } live && change.After is { } after)
            return LiveMessages(change.Resource, change.Before, after, live);
        if (change.After is null && change.Resource is ResourceNames.Host or ResourceNames.Service)
            _lastLive.Remove((string?)change.Before?["_id"] ?? "");
        return Private.Contains(change.Resource) ? [] : [DocumentMessage(change)];
    }

    public IEnumerable<PushMessage> FromHistory(IEnumerable<JsonObject> events) => events.Select(e => new PushMessage
    {
        Type = PushTypes.History,
        Resource = ResourceNames.History,
        Id = null,
        RealmId = (string?)e["_realm"],
        HostId = (string?)(e["host"] as JsonValue),
        ServiceId = (string?)(e["service"] as JsonValue),
        RightsDocument = RightsView(new JsonFields(e)),
        ItemKey = (string?)(e["service"] as JsonValue) is { } service ? $"service/{service}"
            : (string?)(e["host"] as JsonValue) is { } host ? $"host/{host}" : null,
        Body = new JsonObject { ["type"] = PushTypes.History, ["time"] = Now(), ["history"] = e.DeepClone() },
    });

    private List<PushMessage> LiveMessages(string resource, StoredDocument? before, StoredDocument after, LiveChange live)
    {
        var messages = new List<PushMessage>(1);
        JsonObject fields;
        // Compared on the states' typed values when the document had one (no JSON made for the fields that stayed).
        if (before?.Live is { } was && after.Live is { } now) fields = LiveFields.Changed(was, now);
        else
        {
            fields = new JsonObject();
            foreach (var name in LiveFields.Names(live.State.Kind))
                if (!JsonNode.DeepEquals(before?[name], after[name])) fields[name] = after[name]?.DeepClone();
        }
        if (fields.Count > 0)
        {
            var body = ItemBody(PushTypes.State, resource, after);
            body["fields"] = fields;
            body["state"] = live.State.State;
            body["state_type"] = live.State.StateType;
            body["overall_state_id"] = live.State.OverallStateId;
            messages.Add(ItemMessage(PushTypes.State, resource, after, body));
        }

        var id = (string)after["_id"]!;
        // First sight since start: the document tells whether an acknowledgement was there; downtimes are taken as known.
        var previous = _lastLive.TryGetValue(id, out var known)
            ? known
            : (Ack: (bool?)before?["ls_acknowledged"] == true ? live.State.Acknowledgement : null, Downtimes: live.State.Downtimes);
        _lastLive[id] = (live.State.Acknowledgement, live.State.Downtimes);

        if (previous.Ack != live.State.Acknowledgement)
        {
            if (previous.Ack is { } removed && live.State.Acknowledgement is null)
                messages.Add(Acknowledgement(resource, after, "removed", removed));
            else if (live.State.Acknowledgement is { } set)
                messages.Add(Acknowledgement(resource, after, "set", set));
        }
        var earlierDowntimes = previous.Downtimes.ToDictionary(d => d.Id);
        foreach (var downtime in live.State.Downtimes)
        {
            if (!earlierDowntimes.Remove(downtime.Id, out var old)) messages.Add(DowntimeMessage(resource, after, "scheduled", downtime));
            else if (old.StartedAt is null && downtime.StartedAt is not null) messages.Add(DowntimeMessage(resource, after, "started", downtime));
        }
        foreach (var gone in earlierDowntimes.Values) messages.Add(DowntimeMessage(resource, after, "removed", gone));
        return messages;
    }

    private PushMessage Acknowledgement(string resource, IDocumentFields item, string action, Acknowledgement ack)
    {
        var body = ItemBody(PushTypes.Acknowledgement, resource, item);
        body["action"] = action;
        body["acknowledgement"] = new JsonObject
        {
            ["sticky"] = ack.Sticky, ["notify"] = ack.Notify, ["persistent"] = ack.Persistent,
            ["author"] = ack.Author, ["comment"] = ack.Comment, ["time"] = ack.Time,
        };
        return ItemMessage(PushTypes.Acknowledgement, resource, item, body);
    }

    private PushMessage DowntimeMessage(string resource, IDocumentFields item, string action, Downtime downtime)
    {
        var body = ItemBody(PushTypes.Downtime, resource, item);
        body["action"] = action;
        body["downtime"] = new JsonObject
        {
            ["id"] = downtime.Id, ["start"] = downtime.Start, ["end"] = downtime.End, ["fixed"] = downtime.Fixed,
            ["duration"] = downtime.Duration, ["author"] = downtime.Author, ["comment"] = downtime.Comment,
            ["started_at"] = downtime.StartedAt,
        };
        return ItemMessage(PushTypes.Downtime, resource, item, body);
    }

    private PushMessage DocumentMessage(IndexChange change)
    {
        var document = (change.After ?? change.Before)!;
        var action = change.Before is null ? "created" : change.After is null ? "deleted" : "updated";
        var body = ItemBody(PushTypes.Document, change.Resource, document);
        body["action"] = action;
        if (change is { Before: { } before, After: { } after })
        {
            var fields = new JsonObject();
            foreach (var (name, value) in after)
                if (!JsonNode.DeepEquals(before[name], value)) fields[name] = value?.DeepClone();
            foreach (var (name, _) in before)
                if (!after.ContainsKey(name)) fields[name] = null;
            body["fields"] = fields;
        }
        else if (change.After is { } created) body["document"] = created.DeepClone();
        return ItemMessage(PushTypes.Document, change.Resource, document, body);
    }

    private static PushMessage LiveSynthesisMessage(StoredDocument synthesis)
    {
        var counters = new JsonObject();
        foreach (var name in LiveSynthesis.Counters) counters[name] = synthesis[name]?.DeepClone();
        var realm = (string?)synthesis["_id"];
        return new PushMessage
        {
            Type = PushTypes.LiveSynthesis,
            Resource = ResourceNames.LiveSynthesis,
            Id = realm,
            RealmId = realm,
            RightsDocument = RightsView(synthesis),
            Body = new JsonObject
            {
                ["type"] = PushTypes.LiveSynthesis, ["time"] = Now(), ["realm"] = realm, ["counters"] = counters,
            },
        };
    }

    /// <summary>Ids and names of the item, so a client can show a message without a lookup.</summary>
    private JsonObject ItemBody(string type, string resource, IDocumentFields item)
    {
        var body = new JsonObject
        {
            ["type"] = type, ["time"] = Now(), ["resource"] = resource, ["id"] = item["_id"]?.DeepClone(),
            ["name"] = item["name"]?.DeepClone(), ["realm"] = RealmOf(resource, item),
        };
        if (resource == ResourceNames.Service && (string?)(item["host"] as JsonValue) is { } hostId)
        {
            body["host"] = hostId;
            body["host_name"] = index.Collection(ResourceNames.Host).Get(hostId)?["name"]?.DeepClone();
        }
        return body;
    }

    private static PushMessage ItemMessage(string type, string resource, IDocumentFields item, JsonObject body)
    {
        var id = (string?)item["_id"];
        return new PushMessage
        {
            Type = type,
            Resource = resource,
            Id = id,
            RealmId = RealmOf(resource, item),
            HostId = resource == ResourceNames.Host ? id : resource == ResourceNames.Service ? (string?)(item["host"] as JsonValue) : null,
            ServiceId = resource == ResourceNames.Service ? id : null,
            RightsDocument = RightsView(item),
            ItemKey = $"{resource}/{id}",
            Body = body,
        };
    }

    /// <summary>
    /// What the rights filter reads of an item (<see cref="Alignak.Actors.Security.UserRights.ReadFilter"/>): kept
    /// instead of the whole document, which the push log would otherwise hold on to long after the index moved on.
    /// </summary>
    private static JsonObject RightsView(IDocumentFields item)
    {
        var view = new JsonObject();
        foreach (var field in new[] { "_id", "_realm", "_sub_realm", "_users_read" })
            if (item[field] is { } value) view[field] = value.DeepClone();
        return view;
    }

    /// <summary>A realm is its own realm for routing; everything else is in its <c>_realm</c>.</summary>
    private static string? RealmOf(string resource, IDocumentFields item) =>
        resource == ResourceNames.Realm ? (string?)item["_id"] : (string?)(item["_realm"] as JsonValue);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

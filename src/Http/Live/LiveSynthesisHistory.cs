using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Security;
using Alignak.Http.Settings;

namespace Alignak.Http.Live;

/// <summary>
/// Livesynthesis over time (spec 2.13): with SCHEDULER_LIVESYNTHESIS_HISTORY minutes set, a snapshot of every
/// realm's counters each minute into <c>livesynthesisretention</c>, the ones older than that removed; and the
/// <c>history</c> and <c>concatenation</c> options of <c>GET /livesynthesis/{id}</c>.
/// </summary>
public sealed class LiveSynthesisHistory(
    BackendSettings settings, LiveSynthesis synthesis, DocumentIndex index, DocumentWriter writer, ILogger<LiveSynthesisHistory> log)
    : BackgroundService
{
    public const string Retention = "livesynthesisretention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SchedulerLivesynthesisHistory <= 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SnapshotAsync(DateTimeOffset.UtcNow, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Livesynthesis snapshot failed; the next one is in a minute");
            }
        }
    }

    /// <summary>One snapshot of every livesynthesis, then the ones older than the setting's minutes go.</summary>
    public async Task SnapshotAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        synthesis.Flush();
        var items = new JsonArray();
        foreach (var document in index.Collection("livesynthesis").Read(view => view.All().ToList()))
        {
            var snapshot = new JsonObject { ["livesynthesis"] = (string)document["_id"]! };
            foreach (var counter in LiveSynthesis.Counters) snapshot[counter] = document[counter]?.DeepClone();
            items.Add(snapshot);
        }
        if (items.Count > 0) await writer.SendAsync(new CreateDocuments(Retention, items.ToJsonString(), null), cancellationToken);

        if (settings.SchedulerLivesynthesisHistory <= 0) return;
        var cutoff = now.AddMinutes(-settings.SchedulerLivesynthesisHistory);
        var old = index.Collection(Retention).Read(view => view.All()
            .Where(d => Rfc1123.TryParse((string?)d["_created"], out var created) && created < cutoff)
            .Select(d => (string)d["_id"]!).ToList());
        if (old.Count > 0) await writer.SendAsync(new DeleteAllDocuments(Retention, null, old), cancellationToken);
    }

    /// <summary>
    /// The item with the original's extras: <paramref name="concatenation"/> adds the counters of the other
    /// livesynthesis documents (a super-admin: the realm's sub-realms; others: every one they may read);
    /// <paramref name="history"/> lists the item's snapshots, newest first (with concatenation, the others'
    /// snapshots added index by index: all of them, where the original used only the last one).
    /// </summary>
    public static JsonObject Extend(JsonObject item, bool history, bool concatenation, UserRights rights, DocumentIndex index)
    {
        var result = item.DeepClone().AsObject();
        var id = (string)item["_id"]!;
        var others = concatenation ? Others(item, rights, index) : [];
        foreach (var other in others) Add(result, other);
        if (!history) return result;

        var snapshots = Snapshots(index, id);
        var othersSnapshots = others.Select(o => Snapshots(index, (string)o["_id"]!)).ToList();
        var list = new JsonArray();
        for (var i = 0; i < snapshots.Count; i++)
        {
            var entry = new JsonObject();
            foreach (var counter in LiveSynthesis.Counters) entry[counter] = (long?)snapshots[i][counter] ?? 0;
            foreach (var otherSnapshots in othersSnapshots.Where(s => i < s.Count)) Add(entry, otherSnapshots[i]);
            entry["_created"] = snapshots[i]["_created"]?.DeepClone();
            list.Add(entry);
        }
        result["history"] = list;
        return result;
    }

    private static List<JsonObject> Others(JsonObject item, UserRights rights, DocumentIndex index)
    {
        var id = (string)item["_id"]!;
        var all = index.Collection("livesynthesis").Read(view => view.All().ToList());
        if (rights.SuperAdmin)
        {
            var children = index.Collection("realm").Get((string?)item["_realm"] ?? "")?["_all_children"] as JsonArray;
            var realms = children?.Select(c => (string?)c).ToHashSet() ?? [];
            return all.Where(d => realms.Contains((string?)d["_realm"]) && (string?)d["_id"] != id).Select(d => d.ToJsonObject()).ToList();
        }
        var readable = rights.ReadFilter("livesynthesis");
        return all.Where(d => (string?)d["_id"] != id && (readable?.Invoke(d) ?? true)).Select(d => d.ToJsonObject()).ToList();
    }

    private static List<JsonObject> Snapshots(DocumentIndex index, string livesynthesisId) =>
        index.Collection(Retention).Read(view => view.All().Where(d => (string?)d["livesynthesis"] == livesynthesisId).Reverse().Select(d => d.ToJsonObject()).ToList());

    private static void Add(JsonObject into, JsonObject from)
    {
        foreach (var counter in LiveSynthesis.Counters) into[counter] = ((long?)into[counter] ?? 0) + ((long?)from[counter] ?? 0);
    }
}

using Alignak.Actors.Documents;

namespace Alignak.Actors.Live;

/// <summary>
/// At start-up the index takes every entity's latest durable state, read in bulk, before the entities recover: reads
/// show every live state as soon as the server listens, and the entities wake afterwards (a check result wakes its own
/// at once). A host's worst-of-services, which its entity keeps in memory from its services' reports, is derived here
/// from the same services' states.
/// </summary>
public static class LivePreload
{
    /// <summary>Journal or snapshot payloads by persistence id; returns how many items the index took a state for.</summary>
    public static int Apply(DocumentIndex index, IEnumerable<(string PersistenceId, object Stored)> stored)
    {
        var hosts = new Dictionary<string, LiveState>(StringComparer.Ordinal);
        var services = new Dictionary<string, LiveState>(StringComparer.Ordinal);
        foreach (var (persistenceId, payload) in stored)
        {
            var state = payload switch { LiveStateRecorded recorded => recorded.State, LiveState snapshot => snapshot, _ => null };
            if (state is null || LiveEntity.ItemOf(persistenceId) is not { } item) continue;
            // Deleted items (their tombstones stay in the journal) and templates have no document here.
            if (index.Collection(item.Resource).Get(item.Id) is null) continue;
            (item.Kind == EntityKind.Host ? hosts : services)[item.Id] = state;
        }

        var worst = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var service in services.Values)
            if (service is { HostId: { } hostId, Config.Monitored: true, OverallStateId: < LiveRules.NotMonitored })
                worst[hostId] = Math.Max(worst.GetValueOrDefault(hostId), service.OverallStateId);

        foreach (var (id, state) in hosts)
            Take(index, "host", id, LiveRules.WithServicesWorst(state, state.Config, worst.GetValueOrDefault(id)));
        foreach (var (id, state) in services)
            Take(index, "service", id, state);
        return hosts.Count + services.Count;
    }

    private static void Take(DocumentIndex index, string resource, string id, LiveState state) =>
        index.ApplyLive(new LiveChange(resource, id, Revisions.Next(), LiveFields.ToJson(state), state));
}

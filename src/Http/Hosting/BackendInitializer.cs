using Akka.Actor;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Security;
using Alignak.Http.Health;
using Alignak.Http.Metrics;
using Alignak.Persistence;
using Alignak.Persistence.Journal;
using Alignak.Actors.Resources;

namespace Alignak.Http.Hosting;

/// <summary>
/// Runs before the server takes requests: schema upgrade, the index loaded from the database with every entity's
/// latest live state, and the default elements created where missing. The entities then wake in the background.
/// </summary>
public sealed class BackendInitializer(
    ActorSystem system,
    DatabaseOptions database,
    IDocumentStore store,
    DocumentIndex index,
    DocumentWriter writer,
    LiveEntities entities,
    LiveSynthesis synthesis,
    PasswordHasher hasher,
    ServerLifecycle lifecycle,
    EntityCounts counts,
    MemoryRelease memory,
    ILogger<BackendInitializer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var before = await SchemaMigrations.UpgradeAsync(database, cancellationToken);
        if (before < SchemaMigrations.LatestVersion)
            log.LogInformation("Database schema upgraded from version {From} to {To}", before, SchemaMigrations.LatestVersion);

        var documents = await store.LoadAllAsync(cancellationToken);
        index.Apply(documents);
        log.LogInformation("Loaded {Count} configuration documents", documents.Count);

        var created = await DefaultElements.EnsureAsync(index, hasher, command => writer.SendAsync(command, cancellationToken));
        if (created > 0) log.LogInformation("Created {Count} default elements", created);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var states = await LatestStates.ReadAsync(database, cancellationToken);
        var taken = LivePreload.Apply(index, states.Select(s => (s.PersistenceId, system.Serialization.Deserialize(s.Payload, s.SerializerId, s.Manifest))));
        if (taken > 0) log.LogInformation("Loaded the live states of {Count} hosts and services in {Seconds:F1} s", taken, started.Elapsed.TotalSeconds);
        synthesis.Flush();
        lifecycle.MarkInitialized();
        _waking = WakeEntitiesAsync(_stopping.Token);
    }

    private readonly CancellationTokenSource _stopping = new();
    private Task _waking = Task.CompletedTask;

    /// <summary>
    /// Every host and service entity recovers, re-arms its timers (downtimes, freshness) and reports to its host; an
    /// entity missing after a crash is created from its document. In the background, once the index serves every
    /// live state: a check result meanwhile wakes its own entity at once (sharding starts it on its first message).
    /// </summary>
    private async Task WakeEntitiesAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // start-up returns at once: the server listens while the entities wake
        var started = System.Diagnostics.Stopwatch.StartNew();
        var items = new[] { (ResourceNames.Host, EntityKind.Host), (ResourceNames.Service, EntityKind.Service) }
            .SelectMany(c => index.Collection(c.Item1).Read(view => view.All().ToList())
                .Where(d => (bool?)d["_is_template"] != true)
                .Select(d => LiveEntities.Sync(c.Item2, d)))
            .ToList();
        counts.Waking(items.Count);
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 512, CancellationToken = cancellationToken },
            async (sync, ct) =>
            {
                await entities.AskAsync(sync, ct);
                counts.Woke();
            });
        if (items.Count > 0)
            log.LogInformation("Recovered {Count} host and service entities in {Seconds:F1} s", items.Count, started.Elapsed.TotalSeconds);
        ReleaseStartupGarbage(items.Count);
    }

    /// <summary>From this many entities, the memory start-up used is given back once it is over.</summary>
    private const int ReleaseAfter = 10_000;

    /// <summary>
    /// Start-up allocates some 100 KB per item (parsing, recovery, the first states), much of it promoted before it
    /// dies (measured at 110,000 items: 2.4 GB of RSS for 1.0 GB live); given back at once, whatever the traffic.
    /// </summary>
    private void ReleaseStartupGarbage(int entities)
    {
        if (entities >= ReleaseAfter) memory.Release("start-up");
    }

    /// <summary>A stop during the wake ends it (the entities asked so far are up; the others wake on their next start).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _waking.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            log.LogWarning(e, "Waking the entities failed");
        }
    }
}

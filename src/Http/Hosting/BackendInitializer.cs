using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Security;
using Alignak.Http.Health;
using Alignak.Http.Metrics;
using Alignak.Persistence;

namespace Alignak.Http.Hosting;

/// <summary>
/// Runs before the server takes requests: schema upgrade, the index loaded from the database,
/// and the default elements created where missing.
/// </summary>
public sealed class BackendInitializer(
    DatabaseOptions database,
    IDocumentStore store,
    DocumentIndex index,
    DocumentWriter writer,
    LiveEntities entities,
    LiveSynthesis synthesis,
    PasswordHasher hasher,
    ServerLifecycle lifecycle,
    EntityCounts counts,
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

        await WakeEntitiesAsync(cancellationToken);
        synthesis.Flush();
        lifecycle.MarkInitialized();
    }

    /// <summary>
    /// Every host and service entity recovers before requests are served, re-arms its timers, and puts its live
    /// state into the index (an entity missing after a crash is created from its document).
    /// </summary>
    private async Task WakeEntitiesAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var items = new[] { ("host", EntityKind.Host), ("service", EntityKind.Service) }
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
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

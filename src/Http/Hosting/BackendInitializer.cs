using Alignak.Actors.Documents;
using Alignak.Actors.Security;
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
    PasswordHasher hasher,
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
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

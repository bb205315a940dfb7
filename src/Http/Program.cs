using Alignak.Http.Hosting;
using Alignak.Http.Settings;
using Alignak.Persistence;

if (args.Contains(ConfigCheck.Flag))
    return await ConfigCheck.RunAsync(Environment.GetEnvironmentVariables(), args.Where(a => a != ConfigCheck.Flag).ToArray(),
        Console.Out, Console.Error);

var notes = new List<string>();
WebApplication app;
ClusterLock? cluster;
try
{
    var settings = SettingsLoader.Load(Environment.GetEnvironmentVariables(), notes);
    cluster = await OneClusterPerDatabaseAsync(settings);
    // Building reads the files the settings name (Grafana's queries and tables): their errors are settings errors too.
    app = BackendApp.Build(settings, notes, args);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
catch (Npgsql.NpgsqlException e)
{
    await Console.Error.WriteLineAsync($"The database could not be reached: {e.Message}");
    return 1;
}

await using (cluster) await app.RunAsync();
return 0;

// A node without seed nodes forms a cluster of its own and must be alone on its database; the nodes of one cluster share it.
static async Task<ClusterLock> OneClusterPerDatabaseAsync(BackendSettings settings)
{
    var alone = settings.ClusterSeedNodes.Count == 0;
    return await ClusterLock.TryAcquireAsync(settings.DatabaseOptions, shared: !alone, CancellationToken.None)
        ?? throw new SettingsException([alone
            ? "DATABASE is used by another backend: a node without CLUSTER_SEED_NODES forms a cluster of its own and must be " +
              "alone on its database (two clusters on one journal corrupt it); to join that cluster, name its seed nodes in CLUSTER_SEED_NODES"
            : "DATABASE is used by a backend started without CLUSTER_SEED_NODES (a cluster of its own): stop it, or start it with " +
              "the same seed nodes as this node"]);
}

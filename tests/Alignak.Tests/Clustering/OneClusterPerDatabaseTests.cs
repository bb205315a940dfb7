using System.Net;
using Alignak.Tests.Support;

namespace Alignak.Tests.Clustering;

/// <summary>
/// One cluster per PostgreSQL database: a node that would form a cluster of its own on a database a running backend
/// uses is refused at start, and so is a node of a seeded cluster beside a backend running alone. Two clusters on one
/// journal corrupt it. (Three seeded nodes sharing one database: <see cref="ClusterTests"/>.)
/// </summary>
public sealed class OneClusterPerDatabaseTests
{
    [Fact]
    public async Task A_second_cluster_on_a_database_in_use_is_refused_at_start_and_the_database_is_free_once_the_first_is_gone()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await ServerProcess.StartAsync(database);
        var admin = await first.Client().AsAsync();

        await using var alone = ServerProcess.Launch(database);
        Assert.Equal(2, await alone.WaitExitAsync());
        Assert.Contains("DATABASE is used by another backend", alone.Output);
        Assert.DoesNotContain("Now listening", alone.Output);

        var port = ClusterFixture.FreePorts(1)[0];
        await using var seeded = ServerProcess.Launch(database, new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_CLUSTER_HOST"] = "127.0.0.1",
            ["ALIGNAK_BACKEND_CLUSTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ALIGNAK_BACKEND_CLUSTER_SEED_NODES"] = ClusterFixture.Address(port),
        });
        Assert.Equal(2, await seeded.WaitExitAsync());
        Assert.Contains("started without CLUSTER_SEED_NODES", seeded.Output);
        Assert.DoesNotContain("Unhandled exception", seeded.Output);

        // The first served all along; once it is gone (kill -9: PostgreSQL ends its session) the database is free.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/realm")).Status);
        first.Kill9();
        await using var next = await ServerProcess.StartAsync(database);
        Assert.Equal(HttpStatusCode.OK, (await (await next.Client().AsAsync()).GetAsync("/realm")).Status);
    }
}

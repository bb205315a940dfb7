using Akka.Actor;
using Akka.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Alignak.Tests.Api;

namespace Alignak.Tests.Foundation;

public sealed class AkkaConfigurationTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public void One_process_is_a_one_node_cluster_on_loopback_with_the_group_commit_journal_and_snapshots()
    {
        var system = fixture.Backend.Services.GetRequiredService<ActorSystem>();
        var cluster = Cluster.Get(system);
        Assert.Equal("127.0.0.1", cluster.SelfAddress.Host);
        Assert.Contains(cluster.State.Members, m => m.Address == cluster.SelfAddress && m.Status == MemberStatus.Up);

        var config = system.Settings.Config;
        Assert.Equal("akka.persistence.journal.alignak", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("sqlite", config.GetString("akka.persistence.journal.alignak.provider"));
        Assert.Equal("akka.persistence.snapshot-store.alignak", config.GetString("akka.persistence.snapshot-store.plugin"));
        // From hocon/alignak.hocon, shipped beside the binary.
        Assert.True(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
        Assert.False(config.GetBoolean("akka.log-dead-letters-during-shutdown"));
    }
}

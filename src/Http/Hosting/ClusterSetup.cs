using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Alignak.Actors.Messaging;
using Alignak.Http.Settings;

namespace Alignak.Http.Hosting;

/// <summary>
/// Remoting and membership in one place: every value that decides how nodes talk, notice a dead one and hand work
/// over, with its reason (README, "Cluster"). Defaults of Akka 1.5 (STACK.md P16) are never relied on silently.
/// </summary>
public static class ClusterSetup
{
    /// <summary>
    /// Socket buffers: a part of a reply or publication (about 2 MiB serialized at most) is buffered whole on both
    /// sides. A larger frame (one big command) still streams through TCP; Linux caps the value at
    /// net.core.wmem_max / rmem_max.
    /// </summary>
    public const long SocketBufferBytes = MessageLimits.MinimumFrame;

    /// <summary>
    /// Membership settings Akka.Hosting has no option for. Prepended: they win over hocon/ and Akka's defaults.
    /// </summary>
    public const string Hocon = """
        akka.cluster {
          # Heartbeats each second; a node is unreachable once about 3 s of them are missing (phi 8). Loopback and a
          # LAN deliver a heartbeat in well under a millisecond; the 3 s pause absorbs a GC or a starved thread pool
          # on a busy 2-core machine, which a shorter pause turned into false unreachability.
          failure-detector {
            heartbeat-interval = 1 s
            acceptable-heartbeat-pause = 3 s
            threshold = 8.0
            expected-response-after = 1 s
          }
          downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
          split-brain-resolver {
            # The side with more nodes stays; with 3 nodes one lost node (or one cut off) is downed by the two
            # others, and a node alone downs itself. A 2-node cluster keeps the node with the lowest address.
            active-strategy = keep-majority
            # Decide once reachability has not changed for 5 s: Akka's table advises 5-7 s up to 10 nodes; its
            # default of 20 s made failover take 46-48 s.
            stable-after = 5 s
            # Down everything if no stable view comes within stable-after + 4 s (a flapping network).
            down-all-when-unstable = 4 s
          }
          # Shards of a downed node start elsewhere 3 s after its removal, time for the other side of a partition
          # (which downs itself after the same stable-after) to stop its entities: no entity runs twice. Off, Akka
          # waits a whole stable-after more.
          down-removal-margin = 3 s
          sharding {
            # A graceful leave (SIGTERM) hands the node's shards over before it stops: bounded well under the
            # service stop timeout. An entity stops on the hand-off message at once (it has nothing to flush).
            handoff-timeout = 5 s
          }
        }
        akka.coordinated-shutdown.phases {
          cluster-sharding-shutdown-region.timeout = 5 s
          cluster-exiting.timeout = 5 s
        }
        """;

    /// <summary>Remoting on CLUSTER_HOST:CLUSTER_PORT, clustering with CLUSTER_SEED_NODES (none: join itself).</summary>
    public static AkkaConfigurationBuilder WithBackendCluster(this AkkaConfigurationBuilder akka, BackendSettings settings, MessageLimits limits)
    {
        akka.WithRemoting(new RemoteOptions
            {
                HostName = settings.ClusterHost,
                Port = settings.ClusterPort,
                // 128,000 bytes by default: a list of 200 services answered 711 KB and was dropped. The frame holds
                // a whole request body as a command (MessageLimits), replies and publications come in parts.
                MaxFrameSize = limits.FrameSize,
                SendBufferSize = SocketBufferBytes,
                ReceiveBufferSize = SocketBufferBytes,
            })
            .WithClustering(new ClusterOptions
            {
                SeedNodes = settings.ClusterSeedNodes.ToArray(),
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .AddHocon(Hocon, HoconAddMode.Prepend);
        if (settings.ClusterSeedNodes.Count == 0)
            // One process is a one-node cluster that joins itself.
            akka.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        return akka;
    }
}

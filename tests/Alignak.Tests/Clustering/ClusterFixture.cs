using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Alignak.Tests.Support;

namespace Alignak.Tests.Clustering;

/// <summary>
/// Three nodes of the built server (child processes) on 127.0.0.1, each with its own HTTP and remoting port, on one
/// fresh PostgreSQL database. Node 1 is the seed: it forms the cluster, the two others join it. Ready once every
/// node is Up in the leader's view and a document written on each node has reached both others, so a test never
/// starts on a cluster that has not formed or whose publications are not flowing yet.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Size = 3;

    /// <summary>
    /// The collection of the tests on this fixture: they run alone, after the parallel ones. Three nodes starting beside
    /// the whole suite on 2 cores sometimes never formed a cluster within 90 s (about one whole-suite run in six; likely
    /// heartbeats missed for longer than the failure detector allows). A timeout says what each node logged of it.
    /// </summary>
    public const string Alone = "three server processes, alone";

    private TestDatabase? _database;
    private readonly List<ServerProcess> _nodes = [];

    public IReadOnlyList<ServerProcess> Nodes => _nodes;
    public IReadOnlyList<EveClient> Admins { get; private set; } = [];
    public IReadOnlyList<int> RemotingPorts { get; private set; } = [];

    /// <summary>How long the three nodes took to be ready, for the record.</summary>
    public TimeSpan StartedIn { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // Never leave nodes or the database behind when the cluster did not come up.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        var started = Stopwatch.StartNew();
        var database = _database = await TestDatabase.PostgresAsync();
        RemotingPorts = FreePorts(Size);
        var seed = Address(RemotingPorts[0]);
        _nodes.Add(await ServerProcess.StartAsync(database, Environment(RemotingPorts[0], seed)));
        // The seed created the database's schema and default elements; the others join it together.
        var joining = RemotingPorts.Skip(1).Select(port => ServerProcess.StartAsync(database, Environment(port, seed))).ToList();
        foreach (var node in joining)
        {
            try { _nodes.Add(await node); }
            catch { foreach (var other in joining.Where(j => j.IsCompletedSuccessfully)) _nodes.Add(other.Result); throw; }
        }
        // Under the whole suite on 2 cores the three nodes took more than 30 s to join.
        await WaitAsync(() => RemotingPorts.All(port => _nodes[0].Output.Contains($"moving node [{Address(port)}] to [Up]")),
            TimeSpan.FromSeconds(90), "every node Up in the seed's view", ClusterLines);
        var admins = new List<EveClient>();
        foreach (var node in _nodes) admins.Add(await node.Client().AsAsync());
        Admins = admins;
        await WaitForPublicationsAsync();
        StartedIn = started.Elapsed;
    }

    private static Dictionary<string, string> Environment(int port, string seed) => new()
    {
        ["ALIGNAK_BACKEND_CLUSTER_HOST"] = "127.0.0.1",
        ["ALIGNAK_BACKEND_CLUSTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ALIGNAK_BACKEND_CLUSTER_SEED_NODES"] = seed,
    };

    public static string Address(int port) => $"akka.tcp://alignak@127.0.0.1:{port}";

    /// <summary>Ports free now (the OS picks them; a node binds one a moment later).</summary>
    public static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    /// <summary>
    /// A node's pubsub subscriptions reach the others by gossip, about a second after it joined: until then what
    /// they publish passes it by. Each node writes probes until one reaches both others.
    /// </summary>
    private async Task WaitForPublicationsAsync()
    {
        var deadline = Stopwatch.StartNew();
        for (var writer = 0; writer < Size; writer++)
        {
            while (true)
            {
                var name = $"probe-{writer}-{Guid.NewGuid():N}";
                var (status, body) = await Admins[writer].PostAsync("/realm", new JsonObject { ["name"] = name });
                Assert.True(status == HttpStatusCode.Created, $"probe on node {writer + 1}: {status} {body}");
                if (await SeenEverywhereAsync("realm", name, TimeSpan.FromSeconds(2))) break;
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                    throw new TimeoutException($"node {writer + 1}'s writes do not reach the others:\n{string.Join("\n----\n", _nodes.Select(n => n.Output))}");
            }
        }
    }

    /// <summary>Whether every node lists the document named <paramref name="name"/> within <paramref name="within"/>.</summary>
    public async Task<bool> SeenEverywhereAsync(string resource, string name, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var missing = Enumerable.Range(0, Size).ToHashSet();
        while (true)
        {
            foreach (var node in missing.ToList())
                if (await Admins[node].FindAsync(resource, name) is not null) missing.Remove(node);
            if (missing.Count == 0) return true;
            if (clock.Elapsed > within) return false;
            await Task.Delay(50);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan within, string what, Func<string>? detail = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > within) throw new TimeoutException($"no {what} within {within.TotalSeconds} s{detail?.Invoke()}");
            await Task.Delay(100);
        }
    }

    /// <summary>What each node said of the cluster, for a fixture that did not come up.</summary>
    private string ClusterLines() => string.Concat(_nodes.Select((node, i) => $"\n--- node {i + 1}:\n" + string.Join("\n",
        node.Output.Split('\n').Where(l => l.Contains("Cluster", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)
            || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(40))));

    public async ValueTask DisposeAsync()
    {
        foreach (var admin in Admins) admin.Dispose();
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes.Clear();
        Admins = [];
        if (_database is not null) await _database.DisposeAsync();
        _database = null;
    }
}

[CollectionDefinition(ClusterFixture.Alone, DisableParallelization = true)]
public sealed class ClusterProcessesCollection;

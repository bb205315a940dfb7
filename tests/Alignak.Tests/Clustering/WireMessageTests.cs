using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Messaging;
using Alignak.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Clustering;

/// <summary>
/// Every message that may cross nodes (asks to writers and entities, their replies, the pubsub publications) goes
/// through our JSON serializers with fixed manifests, found by reflection so that a new one cannot be forgotten.
/// </summary>
public sealed class WireMessageTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    /// <summary>The markers a cross-node message implements; each is bound to its serializer.</summary>
    private static readonly Type[] Markers = [typeof(IDocumentMessage), typeof(ILiveMessage)];

    private static readonly Assembly[] OurAssemblies =
    [
        typeof(ResourceWriter).Assembly, typeof(Alignak.Http.Hosting.BackendApp).Assembly,
        typeof(Alignak.Persistence.SqlDocumentStore).Assembly, typeof(Alignak.Streams.TimeSeries.MetricPoint).Assembly,
    ];

    public static TheoryData<string> MessageTypes => new(OurAssemblies.SelectMany(a => a.GetTypes())
        .Where(t => t.IsClass && !t.IsAbstract && Markers.Any(m => m.IsAssignableFrom(t)))
        .Select(t => t.FullName!).Order());

    private Akka.Serialization.Serialization Serialization =>
        fixture.Backend.Services.GetRequiredService<ActorSystem>().Serialization;

    [Fact]
    public void The_enumeration_finds_the_messages_known_to_cross_nodes()
    {
        var found = MessageTypes.Select(row => (string)row.Data).ToHashSet();
        Type[] known =
        [
            typeof(CreateDocuments), typeof(PatchDocument), typeof(ReplaceDocument), typeof(DeleteDocument), typeof(DeleteAllDocuments),
            typeof(WriteResult), typeof(WriteResultPart), typeof(ItemOutcome), typeof(DocumentChange), typeof(DocumentsChanged),
            typeof(ApplyCheckResult), typeof(RecordLiveState), typeof(SyncEntity), typeof(ServiceOverallChanged), typeof(LiveReply),
            typeof(LiveChanged), typeof(HistoryRecorded),
        ];
        Assert.All(known, t => Assert.Contains(t.FullName!, found));
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void A_message_survives_the_wire_through_our_serializer(string typeName)
    {
        var type = OurAssemblies.Select(a => a.GetType(typeName)).Single(t => t is not null)!;
        var message = Samples.Build(type, seed: 1);

        var serializer = Serialization.FindSerializerFor(message);
        var ours = Assert.IsAssignableFrom<JsonMessageSerializer>(serializer);
        Assert.Contains(type, ours.Types);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.Equal(type.Name, manifest);

        var back = Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.IsType(type, back);
        Assert.Null(Samples.Difference(message, back, type.Name));
        // The comparison is not blind: another sample of the type differs from it.
        Assert.NotNull(Samples.Difference(Samples.Build(type, seed: 2), back, type.Name));
    }

    [Fact]
    public void A_reply_whose_items_are_a_collection_expression_round_trips_where_Akkas_default_failed()
    {
        IReadOnlyList<ItemOutcome> items = [new ItemOutcome("id1", "c", "u", "etag", null)];
        var result = new WriteResult(WriteStatus.Created, items, [new DocumentChange("host", "id1", 5, """{"name":"h1"}""")]);
        var system = (ExtendedActorSystem)fixture.Backend.Services.GetRequiredService<ActorSystem>();

        // The failure issue 17 met: Newtonsoft cannot build the single-element list a collection expression makes.
        var newtonsoft = new NewtonSoftJsonSerializer(system);
        Assert.ThrowsAny<Exception>(() => newtonsoft.FromBinary(newtonsoft.ToBinary(result), typeof(WriteResult)));

        var serializer = Serialization.FindSerializerFor(result);
        Assert.IsType<DocumentSerializer>(serializer);
        var back = (WriteResult)Serialization.Deserialize(serializer.ToBinary(result), serializer.Identifier, nameof(WriteResult));
        Assert.Null(Samples.Difference(result, back, nameof(WriteResult)));
    }

    [Fact]
    public void A_large_reply_to_another_node_comes_in_parts_under_the_budget_and_joins_back_whole()
    {
        // 200 documents of about 8 KB: 1.6 MB in all, over the part budget.
        var json = new JsonObject { ["name"] = "svc", ["notes"] = new string('x', 8000) }.ToJsonString();
        var changes = Enumerable.Range(0, 200).Select(i => new DocumentChange("service", $"id{i}", i, json)).ToList();
        var items = changes.Select(c => new ItemOutcome(c.Id, "c", "u", "e", null)).ToList();
        var result = new WriteResult(WriteStatus.Created, items, changes, Batch: true);
        var system = fixture.Backend.Services.GetRequiredService<ActorSystem>();
        var remote = new RemoteLikeRef(new RootActorPath(new Address("akka.tcp", "alignak", "127.0.0.1", 4053)) / "temp" / "x");

        var messages = WriteReplies.For(result, remote);
        var parts = messages.Cast<WriteResultPart>().ToList();
        Assert.Equal(2, parts.Count);
        var serializer = Serialization.FindSerializerFor(parts[0]);
        Assert.All(parts, p => Assert.True(serializer.ToBinary(p).Length < 2 * MessageLimits.PartBudget));
        Assert.Null(Samples.Difference(result, WriteReplies.Join(parts), nameof(WriteResult)));
        // A local asker gets the result itself; so does a remote one for a small result.
        Assert.Same(result, Assert.Single(WriteReplies.For(result, system.DeadLetters)));
        var small = result with { Items = items[..2], Changes = changes[..2] };
        Assert.Same(small, Assert.Single(WriteReplies.For(small, remote)));

        var publications = WriteReplies.Publications(changes).ToList();
        Assert.Equal(2, publications.Count);
        Assert.Equal(changes, publications.SelectMany(p => p.Changes));
        Assert.All(publications, p => Assert.True(serializer.ToBinary(p).Length < 2 * MessageLimits.PartBudget));
    }

    [Fact]
    public void The_remote_frame_holds_a_whole_request_body_and_every_part()
    {
        var limits = new MessageLimits(16 * 1024 * 1024);
        Assert.Equal(33L * 1024 * 1024, limits.FrameSize);
        Assert.True(limits.MaxTextBytes >= 16 * 1024 * 1024);
        Assert.Equal(MessageLimits.MinimumFrame, new MessageLimits(1024).FrameSize);
        Assert.Equal(MessageLimits.MaximumFrame, new MessageLimits(int.MaxValue).FrameSize);

        var config = fixture.Backend.Services.GetRequiredService<ActorSystem>().Settings.Config;
        Assert.Equal(limits.FrameSize, config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(Alignak.Http.Hosting.ClusterSetup.SocketBufferBytes, config.GetByteSize("akka.remote.dot-netty.tcp.send-buffer-size"));
        Assert.Equal(Alignak.Http.Hosting.ClusterSetup.SocketBufferBytes, config.GetByteSize("akka.remote.dot-netty.tcp.receive-buffer-size"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.down-removal-margin"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.sharding.handoff-timeout"));
    }

    /// <summary>A reference with a remote address, only for its path.</summary>
    private sealed class RemoteLikeRef(ActorPath path) : MinimalActorRef
    {
        public override ActorPath Path => path;
        public override IActorRefProvider Provider => throw new NotSupportedException();
    }

    /// <summary>Instances of message types by reflection, and a structural comparison.</summary>
    private static class Samples
    {
        public static object Build(Type type, int seed, int depth = 0)
        {
            if (depth > 8) throw new InvalidOperationException($"{type} nests too deep");
            if (Nullable.GetUnderlyingType(type) is { } underlying) return Build(underlying, seed, depth);
            if (type == typeof(string)) return $"s{seed}<é\"\\\n";
            if (type == typeof(int)) return 10 + seed;
            if (type == typeof(long)) return 1_000_000_000_000L + seed;
            if (type == typeof(double)) return seed + 0.25;
            if (type == typeof(bool)) return seed % 2 == 1;
            if (type.IsEnum) return Enum.GetValues(type).GetValue(seed % Enum.GetValues(type).Length)!;
            if (type == typeof(JsonArray)) return new JsonArray(new JsonObject { ["n"] = seed }, "t");
            if (typeof(JsonNode).IsAssignableFrom(type))
                return new JsonObject { ["ls_state"] = $"S{seed}", ["n"] = seed, ["nested"] = new JsonArray(seed, "é") };
            if (type == typeof(StateTimes)) return StateTimes.Empty.SetItem($"k{seed}", seed).SetItem("ok", 7);
            if (type.IsGenericType)
            {
                var definition = type.GetGenericTypeDefinition();
                var arguments = type.GetGenericArguments();
                if (arguments.Length == 1 && typeof(IEnumerable).IsAssignableFrom(type))
                {
                    var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments[0]))!;
                    list.Add(Build(arguments[0], seed, depth + 1));
                    list.Add(Build(arguments[0], seed + 10, depth + 1));
                    if (definition == typeof(ImmutableList<>))
                        return typeof(ImmutableList).GetMethods().Single(m => m.Name == "CreateRange")
                            .MakeGenericMethod(arguments[0]).Invoke(null, [list])!;
                    if (type.IsAssignableFrom(list.GetType())) return list;
                }
                throw new InvalidOperationException($"No sample for {type}");
            }
            if (!type.IsClass) throw new InvalidOperationException($"No sample for {type}");
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var instance = constructor.Invoke(constructor.GetParameters().Select((p, i) => Build(p.ParameterType, seed + i, depth + 1)).ToArray());
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (property.SetMethod is { IsPublic: true } && !Ignored(property))
                    property.SetValue(instance, Build(property.PropertyType, seed + property.Name.Length, depth + 1));
            return instance;
        }

        private static bool Ignored(PropertyInfo property) =>
            property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always };

        /// <summary>Where <paramref name="a"/> and <paramref name="b"/> differ (null: nowhere).</summary>
        public static string? Difference(object? a, object? b, string path)
        {
            if (a is null || b is null) return a is null && b is null ? null : $"{path}: {a ?? "null"} vs {b ?? "null"}";
            if (a is JsonNode na) return b is JsonNode nb && JsonNode.DeepEquals(na, nb) ? null : $"{path}: {a} vs {b}";
            var type = a.GetType();
            if (type.IsPrimitive || type.IsEnum || a is string or decimal) return a.Equals(b) ? null : $"{path}: {a} vs {b}";
            if (a is IEnumerable ea)
            {
                if (b is not IEnumerable eb) return $"{path}: a sequence vs {b}";
                var (la, lb) = (ea.Cast<object?>().ToList(), eb.Cast<object?>().ToList());
                if (la.Count != lb.Count) return $"{path}: {la.Count} vs {lb.Count} elements";
                return la.Zip(lb).Select((p, i) => Difference(p.First, p.Second, $"{path}[{i}]")).FirstOrDefault(d => d is not null);
            }
            if (b.GetType() != type) return $"{path}: {type} vs {b.GetType()}";
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || Ignored(property) || property.Name == "EqualityContract") continue;
                if (Difference(property.GetValue(a), property.GetValue(b), $"{path}.{property.Name}") is { } difference) return difference;
            }
            return null;
        }
    }
}

using System.Threading.Channels;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Alignak.Actors.Live;
using Alignak.Persistence;
using Alignak.Persistence.Journal;
using Alignak.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alignak.Tests.Foundation;

/// <summary>
/// The journal (<see cref="SqlJournal"/>) against Akka's journal protocol, as Akka.Persistence.TCK's JournalSpec
/// checks it: the messages an <c>Eventsourced</c> actor sends, and the replies it relies on, in their order.
/// </summary>
public sealed class JournalContractTests
{
    private const int InstanceId = 7;
    private const string WriterGuid = "contract-writer";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Writes_are_acknowledged_in_order_to_their_senders_and_replayed_in_order(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        var probe = new ReplyProbe(plugins.System);
        var senders = Enumerable.Range(1, 5).Select(_ => new ReplyProbe(plugins.System).Ref).ToList();

        plugins.Journal.Tell(new WriteMessages(
            Enumerable.Range(1, 5).Select(n => new AtomicWrite(Event("p", n, senders[n - 1]))).ToList(), probe.Ref, InstanceId));

        await probe.ExpectAsync<WriteMessagesSuccessful>();
        for (var n = 1; n <= 5; n++)
        {
            // The actor's persist handler sees the command's sender as Sender: the journal replies on its behalf.
            var (success, sender) = await probe.ExpectWithSenderAsync<WriteMessageSuccess>();
            Assert.Equal((n, "p", $"p-{n}", InstanceId), (success.Persistent.SequenceNr, success.Persistent.PersistenceId, Label(success.Persistent), success.ActorInstanceId));
            Assert.Equal(senders[n - 1], sender);
        }
        var (replayed, highest) = await ReplayAsync(plugins, "p");
        Assert.Equal(["p-1", "p-2", "p-3", "p-4", "p-5"], replayed.Select(Label));
        Assert.Equal([1L, 2, 3, 4, 5], replayed.Select(p => p.SequenceNr));
        Assert.All(replayed, p => Assert.Equal(("p", false), (p.PersistenceId, p.IsDeleted)));
        Assert.Equal(5, highest);

        // An actor that never wrote recovers from nothing, at 0.
        Assert.Equal("[] highest 0", await ReplayedAsync(plugins, "never-written"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Replay_honours_its_range_and_max_and_always_reports_the_highest_sequence_number(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await WriteAsync(plugins, "p", 1, 5);

        // (from, to, max) -> the sequence numbers replayed; the highest is 5 whatever the range leaves out.
        (long From, long To, long Max, long[] Expected)[] cases =
        [
            (1, long.MaxValue, long.MaxValue, [1, 2, 3, 4, 5]),
            (0, long.MaxValue, long.MaxValue, [1, 2, 3, 4, 5]),
            (3, long.MaxValue, long.MaxValue, [3, 4, 5]),
            (1, 3, long.MaxValue, [1, 2, 3]),
            (1, long.MaxValue, 3, [1, 2, 3]),
            (2, 3, long.MaxValue, [2, 3]),
            (2, 5, 2, [2, 3]),
            (2, 2, long.MaxValue, [2]),
            (2, 4, 1, [2]),
            (2, 4, 0, []),
            (3, 2, long.MaxValue, []),
            (5, long.MaxValue, long.MaxValue, [5]),
            (6, long.MaxValue, long.MaxValue, []),
            (100, long.MaxValue, long.MaxValue, []),
        ];
        foreach (var (from, to, max, expected) in cases)
        {
            var range = $"from {from} to {to} max {max}: ";
            Assert.Equal($"{range}[{string.Join(", ", expected.Select(n => $"p-{n}"))}] highest 5", range + await ReplayedAsync(plugins, "p", from, to, max));
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Deleted_events_are_not_replayed_and_the_highest_sequence_number_is_kept(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await WriteAsync(plugins, "p", 1, 5);
        await WriteAsync(plugins, "other", 1, 5);

        Assert.Equal(3, (await DeleteAsync(plugins, "p", 3)).ToSequenceNr);

        Assert.Equal("[p-4, p-5] highest 5", await ReplayedAsync(plugins, "p"));
        Assert.Equal("[] highest 5", await ReplayedAsync(plugins, "p", 1, 3));
        // Another actor's events are its own.
        Assert.Equal("[other-1, other-2, other-3, other-4, other-5] highest 5", await ReplayedAsync(plugins, "other"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task After_deleting_every_event_the_highest_is_still_reported_and_a_new_write_continues_after_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await WriteAsync(plugins, "p", 1, 5);

        // What a deleted item's entity asks (everything); a recovering actor must not start again at 1.
        Assert.Equal(long.MaxValue, (await DeleteAsync(plugins, "p", long.MaxValue)).ToSequenceNr);
        Assert.Equal("[] highest 5", await ReplayedAsync(plugins, "p"));

        await WriteAsync(plugins, "p", 6, 6);
        Assert.Equal("[p-6] highest 6", await ReplayedAsync(plugins, "p"));

        // What an entity asks after each snapshot: up to its newest event, which is then the one kept.
        await DeleteAsync(plugins, "p", 6);
        Assert.Equal("[] highest 6", await ReplayedAsync(plugins, "p"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Many_persistence_ids_written_at_once_each_replay_only_their_own_events(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        // Names that prefix one another: an id must match whole.
        var ids = Enumerable.Range(1, 24).Select(i => $"entity-{i}").ToList();

        // Each as an entity writes (one event, its acknowledgement, the next), all of them at once: shared commits.
        await Task.WhenAll(ids.Select(async id =>
        {
            for (var n = 1; n <= 10; n++) await WriteAsync(plugins, id, n, n);
        }));

        // Replays at once too: they share batched reads.
        var replays = await Task.WhenAll(ids.Select(id => ReplayedAsync(plugins, id)));
        for (var i = 0; i < ids.Count; i++)
            Assert.Equal($"[{string.Join(", ", Enumerable.Range(1, 10).Select(n => $"{ids[i]}-{n}"))}] highest 10", replays[i]);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task An_atomic_write_of_several_events_is_stored_whole_or_not_at_all(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        var probe = new ReplyProbe(plugins.System);

        // PersistAll: one atomic write of three events, then a single one.
        plugins.Journal.Tell(new WriteMessages(
            [new AtomicWrite([Event("p", 1), Event("p", 2), Event("p", 3)]), new AtomicWrite(Event("p", 4))], probe.Ref, InstanceId));
        await probe.ExpectAsync<WriteMessagesSuccessful>();
        for (var n = 1; n <= 4; n++) Assert.Equal(n, (await probe.ExpectAsync<WriteMessageSuccess>()).Persistent.SequenceNr);
        Assert.Equal("[p-1, p-2, p-3, p-4] highest 4", await ReplayedAsync(plugins, "p"));

        // One event of an atomic write cannot be stored: none of its events is (each is rejected).
        plugins.Journal.Tell(new WriteMessages(
            [new AtomicWrite([Event("p", 5), Unserializable("p", 6), Event("p", 7)])], probe.Ref, InstanceId));
        await probe.ExpectAsync<WriteMessagesSuccessful>();
        for (var n = 5; n <= 7; n++) Assert.Equal(n, (await probe.ExpectAsync<WriteMessageRejected>()).Persistent.SequenceNr);
        Assert.Equal("[p-1, p-2, p-3, p-4] highest 4", await ReplayedAsync(plugins, "p"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task An_event_that_cannot_be_serialized_is_rejected_alone_and_never_replayed(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        // The test's premise: no serializer takes it (object's binding, Akka's JSON serializer, throws).
        var serializer = plugins.System.Serialization.FindSerializerFor(new NotSerializable());
        Assert.ThrowsAny<Exception>(() => serializer.ToBinary(new NotSerializable()));
        var probe = new ReplyProbe(plugins.System);

        plugins.Journal.Tell(new WriteMessages(
            [new AtomicWrite(Event("p", 1)), new AtomicWrite(Unserializable("p", 2)), new AtomicWrite(Event("p", 3))], probe.Ref, InstanceId));

        // Rejected, not failed: the actor goes on (a failure would stop it).
        await probe.ExpectAsync<WriteMessagesSuccessful>();
        Assert.Equal(1, (await probe.ExpectAsync<WriteMessageSuccess>()).Persistent.SequenceNr);
        var rejected = await probe.ExpectAsync<WriteMessageRejected>();
        Assert.Equal((2L, InstanceId), (rejected.Persistent.SequenceNr, rejected.ActorInstanceId));
        Assert.IsType<NotSerializable>(rejected.Persistent.Payload);
        Assert.NotNull(rejected.Cause);
        Assert.Equal(3, (await probe.ExpectAsync<WriteMessageSuccess>()).Persistent.SequenceNr);

        Assert.Equal("[p-1, p-3] highest 3", await ReplayedAsync(plugins, "p"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Loop_messages_are_answered_in_order_among_the_writes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        var probe = new ReplyProbe(plugins.System);
        var (a, b, c, d) = (new ReplyProbe(plugins.System).Ref, new ReplyProbe(plugins.System).Ref,
            new ReplyProbe(plugins.System).Ref, new ReplyProbe(plugins.System).Ref);

        // PersistAsync then DeferAsync, twice: each deferred handler runs after the events before it.
        plugins.Journal.Tell(new WriteMessages(
            [new AtomicWrite(Event("p", 1, a)), Loop("deferred-1", b), new AtomicWrite(Event("p", 2, c)), Loop("deferred-2", d)], probe.Ref, InstanceId));

        await probe.ExpectAsync<WriteMessagesSuccessful>();
        var (first, firstSender) = await probe.ExpectWithSenderAsync<WriteMessageSuccess>();
        Assert.Equal((1L, a), (first.Persistent.SequenceNr, firstSender));
        var (loop1, loop1Sender) = await probe.ExpectWithSenderAsync<LoopMessageSuccess>();
        Assert.Equal(("deferred-1", InstanceId, b), (loop1.Message, loop1.ActorInstanceId, loop1Sender));
        var (second, secondSender) = await probe.ExpectWithSenderAsync<WriteMessageSuccess>();
        Assert.Equal((2L, c), (second.Persistent.SequenceNr, secondSender));
        var (loop2, loop2Sender) = await probe.ExpectWithSenderAsync<LoopMessageSuccess>();
        Assert.Equal(("deferred-2", InstanceId, d), (loop2.Message, loop2.ActorInstanceId, loop2Sender));

        // Deferred with nothing to persist: answered all the same, and nothing is stored.
        plugins.Journal.Tell(new WriteMessages([Loop("alone", a)], probe.Ref, InstanceId));
        await probe.ExpectAsync<WriteMessagesSuccessful>();
        Assert.Equal("alone", (await probe.ExpectAsync<LoopMessageSuccess>()).Message);
        Assert.Equal("[p-1, p-2] highest 2", await ReplayedAsync(plugins, "p"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_failing_database_fails_writes_replays_and_deletes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await WriteAsync(plugins, "p", 1, 2);

        await plugins.BreakDatabaseAsync(database);

        var probe = new ReplyProbe(plugins.System);
        plugins.Journal.Tell(new WriteMessages([new AtomicWrite(Event("p", 3)), new AtomicWrite(Event("p", 4))], probe.Ref, InstanceId));
        var failed = await probe.ExpectAsync<WriteMessagesFailed>();
        Assert.NotNull(failed.Cause);
        // Not zero: the actor waits for the per-event failures (and stops on the first).
        Assert.True(failed.WriteCount > 0);
        for (var n = 3; n <= 4; n++)
        {
            var failure = await probe.ExpectAsync<WriteMessageFailure>();
            Assert.Equal((n, InstanceId), (failure.Persistent.SequenceNr, failure.ActorInstanceId));
            Assert.Same(failed.Cause, failure.Cause);
        }

        plugins.Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "p", probe.Ref));
        Assert.NotNull((await probe.ExpectAsync<ReplayMessagesFailure>()).Cause);

        plugins.Journal.Tell(new DeleteMessagesTo("p", 1, probe.Ref));
        Assert.Equal(1, (await probe.ExpectAsync<DeleteMessagesFailure>()).ToSequenceNr);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_new_actor_system_on_the_same_database_replays_what_the_first_one_wrote(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var first = await PersistencePlugins.StartAsync(database))
        {
            await WriteAsync(first, "kept", 1, 5);
            await DeleteAsync(first, "kept", 2);
            await WriteAsync(first, "deleted", 1, 3);
            await DeleteAsync(first, "deleted", long.MaxValue);
            var saved = new ReplyProbe(first.System);
            first.SnapshotStore.Tell(new SaveSnapshot(new SnapshotMetadata("kept", 5, DateTime.UtcNow), State("snapshot-5")), saved.Ref);
            await saved.ExpectAsync<SaveSnapshotSuccess>();
        }

        await using var second = await PersistencePlugins.StartAsync(database);
        Assert.Equal("[kept-3, kept-4, kept-5] highest 5", await ReplayedAsync(second, "kept"));
        Assert.Equal("[] highest 3", await ReplayedAsync(second, "deleted"));
        var probe = new ReplyProbe(second.System);
        second.SnapshotStore.Tell(new LoadSnapshot("kept", SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
        var loaded = (await probe.ExpectAsync<LoadSnapshotResult>()).Snapshot;
        Assert.Equal((5L, "snapshot-5"), (loaded!.Metadata.SequenceNr, ((LiveState)loaded.Snapshot).Output));

        await WriteAsync(second, "deleted", 4, 4);
        Assert.Equal("[deleted-4] highest 4", await ReplayedAsync(second, "deleted"));
    }

    /// <summary>A live state: the payload type the entities store (with its own serializer), told apart by its output.</summary>
    internal static LiveState State(string output) => new() { Kind = EntityKind.Service, State = "OK", LastState = "OK", Output = output };

    private static Persistent Event(string id, long sequenceNr, IActorRef? sender = null) =>
        new(new LiveStateRecorded(State($"{id}-{sequenceNr}")), sequenceNr, id, sender: sender ?? ActorRefs.NoSender, writerGuid: WriterGuid);

    private static Persistent Unserializable(string id, long sequenceNr) =>
        new(new NotSerializable(), sequenceNr, id, sender: ActorRefs.NoSender, writerGuid: WriterGuid);

    private static string Label(IPersistentRepresentation persistent) => ((LiveStateRecorded)persistent.Payload).State.Output;

    /// <summary>
    /// What <c>Eventsourced</c> sends for <c>Defer</c>/<c>DeferAsync</c> among its writes: Akka's
    /// <c>NonPersistentMessage</c>, internal to Akka.Persistence.
    /// </summary>
    private static IPersistentEnvelope Loop(object payload, IActorRef sender) => (IPersistentEnvelope)Activator.CreateInstance(
        typeof(AtomicWrite).Assembly.GetType("Akka.Persistence.NonPersistentMessage", throwOnError: true)!, payload, sender)!;

    /// <summary>"[p-1, p-2] highest 5": the events a replay gives (by label), then the highest sequence number it reports.</summary>
    private static async Task<string> ReplayedAsync(PersistencePlugins plugins, string id, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var (replayed, highest) = await ReplayAsync(plugins, id, from, to, max);
        return $"[{string.Join(", ", replayed.Select(Label))}] highest {highest}";
    }

    /// <summary>Writes events <paramref name="from"/> to <paramref name="to"/> of one actor, one atomic write each, and waits for every acknowledgement.</summary>
    private static async Task WriteAsync(PersistencePlugins plugins, string id, long from, long to)
    {
        var probe = new ReplyProbe(plugins.System);
        var events = new List<IPersistentEnvelope>();
        for (var n = from; n <= to; n++) events.Add(new AtomicWrite(Event(id, n)));
        plugins.Journal.Tell(new WriteMessages(events, probe.Ref, InstanceId));
        await probe.ExpectAsync<WriteMessagesSuccessful>();
        for (var n = from; n <= to; n++) Assert.Equal(n, (await probe.ExpectAsync<WriteMessageSuccess>()).Persistent.SequenceNr);
    }

    /// <summary>The events replayed until the <see cref="RecoverySuccess"/> that ends a replay (any extra event would come before it).</summary>
    private static async Task<(IReadOnlyList<IPersistentRepresentation> Replayed, long Highest)> ReplayAsync(
        PersistencePlugins plugins, string id, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var probe = new ReplyProbe(plugins.System);
        plugins.Journal.Tell(new ReplayMessages(from, to, max, id, probe.Ref));
        var replayed = new List<IPersistentRepresentation>();
        while (true)
        {
            switch (await probe.NextAsync())
            {
                case ReplayedMessage message:
                    replayed.Add(message.Persistent);
                    break;
                case RecoverySuccess success:
                    return (replayed, success.HighestSequenceNr);
                case var other:
                    Assert.Fail($"Replay of {id}: unexpected {other}");
                    break;
            }
        }
    }

    private static async Task<DeleteMessagesSuccess> DeleteAsync(PersistencePlugins plugins, string id, long to)
    {
        var probe = new ReplyProbe(plugins.System);
        plugins.Journal.Tell(new DeleteMessagesTo(id, to, probe.Ref));
        return await probe.ExpectAsync<DeleteMessagesSuccess>();
    }

    /// <summary>An event no serializer takes: object's binding (Akka's JSON serializer) fails reading its property.</summary>
    private sealed class NotSerializable
    {
        public string Value => throw new InvalidOperationException("this event cannot be serialized");
    }
}

/// <summary>
/// An actor system with the server's journal and snapshot store (<see cref="AkkaPersistenceConfig"/> through
/// Akka.Hosting, the live types' serializer as <see cref="LiveHosting"/> registers it) on a test database, and
/// nothing else: the contract tests speak Akka's plugin protocol to them directly.
/// </summary>
internal sealed class PersistencePlugins : IAsyncDisposable
{
    private readonly IHost _host;

    public ActorSystem System { get; }
    public IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(System).JournalFor(null);
    public IActorRef SnapshotStore => Akka.Persistence.Persistence.Instance.Apply(System).SnapshotStoreFor(null);

    private PersistencePlugins(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public static async Task<PersistencePlugins> StartAsync(TestDatabase database)
    {
        var options = DatabaseOptions.Create(database.Provider, database.ConnectionString);
        await SchemaMigrations.UpgradeAsync(options, TestContext.Current.CancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka("journal-contract", (akka, _) => akka
            .ConfigureLoggers(loggers =>
            {
                // Quiet: the failure tests make the plugins log errors on purpose.
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithSqlPersistence(options)
            .WithCustomSerializer("alignak-live", [typeof(ILiveMessage), typeof(LiveState)], system => new LiveSerializer(system)));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new PersistencePlugins(host);
    }

    /// <summary>
    /// Takes the database away under the running plugins: PostgreSQL's is dropped (its connections cut); SQLite's
    /// folder is removed and the idle pooled connections (which would still reach the unlinked file) closed.
    /// </summary>
    public async Task BreakDatabaseAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.PostgreSql)
        {
            await database.DropNowAsync();
            return;
        }
        Directory.Delete(Path.GetDirectoryName(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource)!, recursive: true);
        using var connection = new SqliteConnection(database.ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    public async ValueTask DisposeAsync()
    {
        // The journal's and snapshot store's stops flush their last commits.
        await _host.StopAsync();
        await System.Terminate();
        _host.Dispose();
    }
}

/// <summary>
/// Stands for the persistent actor: records what the plugins tell it with its sender, in order (a persistent
/// actor's handlers see that sender, so the tests check it; Akka's <c>Inbox</c> drops it).
/// </summary>
internal sealed class ReplyProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Channel<(object Message, IActorRef Sender)> _received = Channel.CreateUnbounded<(object, IActorRef)>();

    public IActorRef Ref { get; }

    public ReplyProbe(ActorSystem system)
    {
        var received = _received.Writer;
        Ref = system.ActorOf(Props.Create(() => new Recorder(received)));
    }

    public async Task<object> NextAsync() => (await NextWithSenderAsync()).Message;

    public async Task<T> ExpectAsync<T>() => (await ExpectWithSenderAsync<T>()).Message;

    public async Task<(T Message, IActorRef Sender)> ExpectWithSenderAsync<T>()
    {
        var (message, sender) = await NextWithSenderAsync();
        return (Assert.IsType<T>(message), sender);
    }

    private async Task<(object Message, IActorRef Sender)> NextWithSenderAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No reply from the plugin within {Timeout.TotalSeconds} s");
        }
    }

    private sealed class Recorder(ChannelWriter<(object, IActorRef)> received) : UntypedActor
    {
        protected override void OnReceive(object message) => received.TryWrite((message, Sender));
    }
}

using Akka.Actor;
using Akka.Persistence;
using Alignak.Actors.Live;
using Alignak.Persistence;
using Alignak.Persistence.Journal;
using Alignak.Tests.Support;

namespace Alignak.Tests.Foundation;

/// <summary>
/// The snapshot store (<see cref="SqlSnapshotStore"/>) against Akka's snapshot protocol, as Akka.Persistence.TCK's
/// SnapshotStoreSpec checks it, except that it keeps only the latest snapshot of each actor (recovery only ever asks
/// for the latest), so an older one is not there to be selected.
/// </summary>
public sealed class SnapshotStoreContractTests
{
    /// <summary>A saved snapshot's time, set by the test so that criteria can fall just before or after it.</summary>
    private static readonly DateTime Saved = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_saved_snapshot_loads_back_as_the_latest_with_its_metadata(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        var probe = new ReplyProbe(plugins.System);
        // Larger than the TCK's 10,000 bytes.
        var output = new string('x', 100_000);

        // No time given: the store stamps it, and gives it back as saved.
        plugins.SnapshotStore.Tell(new SaveSnapshot(Unstamped("p", 5), JournalContractTests.State(output)), probe.Ref);
        var saved = (await probe.ExpectAsync<SaveSnapshotSuccess>()).Metadata;
        Assert.Equal(("p", 5L), (saved.PersistenceId, saved.SequenceNr));
        Assert.InRange(saved.Timestamp, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));

        var loaded = await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest);
        Assert.Equal(saved, loaded!.Metadata);
        Assert.Equal(saved.Timestamp.Ticks, loaded.Metadata.Timestamp.Ticks);
        Assert.Equal(output, ((LiveState)loaded.Snapshot).Output);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Criteria_select_the_snapshot_or_exclude_it(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "p", 10, "s-10", Saved);

        (string Case, SnapshotSelectionCriteria Criteria, long ToSequenceNr, bool Found)[] cases =
        [
            ("latest", SnapshotSelectionCriteria.Latest, long.MaxValue, true),
            ("max sequence nr at it", new SnapshotSelectionCriteria(10), long.MaxValue, true),
            ("max sequence nr below it", new SnapshotSelectionCriteria(9), long.MaxValue, false),
            ("recovery up to it", SnapshotSelectionCriteria.Latest, 10, true),
            ("recovery up to below it", SnapshotSelectionCriteria.Latest, 9, false),
            ("max timestamp at it", new SnapshotSelectionCriteria(long.MaxValue, Saved), long.MaxValue, true),
            ("max timestamp just before it", new SnapshotSelectionCriteria(long.MaxValue, Saved.AddTicks(-1)), long.MaxValue, false),
            ("both bounds at it", new SnapshotSelectionCriteria(10, Saved), long.MaxValue, true),
            ("min sequence nr at it", new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, 10), long.MaxValue, true),
            ("min sequence nr above it", new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, 11), long.MaxValue, false),
            ("min timestamp at it", new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, 0, Saved), long.MaxValue, true),
            ("min timestamp just after it", new SnapshotSelectionCriteria(long.MaxValue, DateTime.MaxValue, 0, Saved.AddTicks(1)), long.MaxValue, false),
            ("none", SnapshotSelectionCriteria.None, long.MaxValue, false),
        ];
        foreach (var (name, criteria, toSequenceNr, found) in cases)
        {
            var probe = new ReplyProbe(plugins.System);
            plugins.SnapshotStore.Tell(new LoadSnapshot("p", criteria, toSequenceNr), probe.Ref);
            var result = await probe.ExpectAsync<LoadSnapshotResult>();
            Assert.Equal((name, toSequenceNr, found ? "s-10" : null), (name, result.ToSequenceNr, Output(result.Snapshot)));
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_newer_snapshot_replaces_an_older_one_and_an_older_one_never_replaces_a_newer_one(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);

        await SaveAsync(plugins, "p", 5, "s-5");
        await SaveAsync(plugins, "p", 10, "s-10");
        Assert.Equal("s-10", Output(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest)));
        // Replaced: only the latest is kept.
        Assert.Null(await LoadAsync(plugins, "p", new SnapshotSelectionCriteria(9)));

        // A late save of an older state (acknowledged all the same) must not take a recovering actor back in time.
        await SaveAsync(plugins, "p", 7, "s-7");
        var loaded = await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest);
        Assert.Equal((10L, "s-10"), (loaded!.Metadata.SequenceNr, Output(loaded)));

        // The same sequence number again: the new snapshot wins (as the TCK expects).
        await SaveAsync(plugins, "p", 10, "s-10-again");
        Assert.Equal("s-10-again", Output(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Deleting_by_metadata_removes_that_snapshot_only(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "p", 10, "s-10");
        await SaveAsync(plugins, "other", 10, "other-10");

        // An older snapshot's metadata (the one a failed save leaves, say): the latest stays.
        await DeleteAsync(plugins, Unstamped("p", 7));
        Assert.Equal("s-10", Output(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest)));

        // The time does not have to match (as the TCK deletes it).
        await DeleteAsync(plugins, Unstamped("p", 10));
        Assert.Null(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest));
        Assert.Equal("other-10", Output(await LoadAsync(plugins, "other", SnapshotSelectionCriteria.Latest)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Deleting_by_criteria_removes_the_snapshot_they_match_only(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "p", 10, "s-10", Saved);
        await SaveAsync(plugins, "other", 10, "other-10", Saved);

        await DeleteAsync(plugins, "p", new SnapshotSelectionCriteria(9));
        Assert.Equal("s-10", Output(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest)));

        // Both bounds at the snapshot (the TCK's delete), then what a deleted item's entity asks (everything).
        await DeleteAsync(plugins, "p", new SnapshotSelectionCriteria(10, Saved));
        Assert.Null(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest));
        await DeleteAsync(plugins, "other", new SnapshotSelectionCriteria(long.MaxValue));
        Assert.Null(await LoadAsync(plugins, "other", SnapshotSelectionCriteria.Latest));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Deleting_by_criteria_keeps_a_snapshot_newer_than_their_timestamp_bound(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "p", 10, "s-10", Saved);

        // The TCK's SnapshotStore_should_not_delete_snapshots_with_non_matching_upper_timestamp_bounds.
        await DeleteAsync(plugins, "p", new SnapshotSelectionCriteria(10, Saved.AddTicks(-1)));
        Assert.Equal("s-10", Output(await LoadAsync(plugins, "p", SnapshotSelectionCriteria.Latest)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task An_unknown_persistence_id_has_no_snapshot(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "known", 3, "known-3");

        var probe = new ReplyProbe(plugins.System);
        plugins.SnapshotStore.Tell(new LoadSnapshot("unknown", SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
        var result = await probe.ExpectAsync<LoadSnapshotResult>();
        Assert.Equal((long.MaxValue, null), (result.ToSequenceNr, result.Snapshot));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Snapshots_of_many_persistence_ids_saved_at_once_load_each_their_own(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        var ids = Enumerable.Range(1, 24).Select(i => $"entity-{i}").ToList();

        // Saves share commits and loads share batched reads.
        await Task.WhenAll(ids.Select((id, i) => SaveAsync(plugins, id, i + 1, $"{id}-state")));
        var loaded = await Task.WhenAll(ids.Select(id => LoadAsync(plugins, id, SnapshotSelectionCriteria.Latest)));

        for (var i = 0; i < ids.Count; i++)
            Assert.Equal((ids[i], i + 1L, $"{ids[i]}-state"), (loaded[i]!.Metadata.PersistenceId, loaded[i]!.Metadata.SequenceNr, Output(loaded[i])));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_failing_database_fails_saves_loads_and_deletes(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var plugins = await PersistencePlugins.StartAsync(database);
        await SaveAsync(plugins, "p", 5, "s-5");

        await plugins.BreakDatabaseAsync(database);

        var probe = new ReplyProbe(plugins.System);
        plugins.SnapshotStore.Tell(new SaveSnapshot(Unstamped("p", 10), JournalContractTests.State("s-10")), probe.Ref);
        var failed = await probe.ExpectAsync<SaveSnapshotFailure>();
        Assert.Equal(("p", 10L), (failed.Metadata.PersistenceId, failed.Metadata.SequenceNr));
        Assert.NotNull(failed.Cause);

        // An actor that cannot load its snapshot does not recover from nothing: it is told.
        plugins.SnapshotStore.Tell(new LoadSnapshot("p", SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
        Assert.NotNull((await probe.ExpectAsync<LoadSnapshotFailed>()).Cause);

        plugins.SnapshotStore.Tell(new DeleteSnapshots("p", SnapshotSelectionCriteria.Latest), probe.Ref);
        Assert.NotNull((await probe.ExpectAsync<DeleteSnapshotsFailure>()).Cause);
    }

    /// <summary>Metadata without a time (Akka's "not specified", <see cref="DateTime.MinValue"/>): the store stamps it.</summary>
    private static SnapshotMetadata Unstamped(string id, long sequenceNr) => new(id, sequenceNr, DateTime.MinValue);

    private static string? Output(SelectedSnapshot? snapshot) => (snapshot?.Snapshot as LiveState)?.Output;

    private static async Task SaveAsync(PersistencePlugins plugins, string id, long sequenceNr, string output, DateTime? timestamp = null)
    {
        var probe = new ReplyProbe(plugins.System);
        var metadata = new SnapshotMetadata(id, sequenceNr, timestamp ?? DateTime.MinValue);
        plugins.SnapshotStore.Tell(new SaveSnapshot(metadata, JournalContractTests.State(output)), probe.Ref);
        Assert.Equal(sequenceNr, (await probe.ExpectAsync<SaveSnapshotSuccess>()).Metadata.SequenceNr);
    }

    private static async Task<SelectedSnapshot?> LoadAsync(PersistencePlugins plugins, string id, SnapshotSelectionCriteria criteria)
    {
        var probe = new ReplyProbe(plugins.System);
        plugins.SnapshotStore.Tell(new LoadSnapshot(id, criteria, long.MaxValue), probe.Ref);
        return (await probe.ExpectAsync<LoadSnapshotResult>()).Snapshot;
    }

    private static async Task DeleteAsync(PersistencePlugins plugins, SnapshotMetadata metadata)
    {
        var probe = new ReplyProbe(plugins.System);
        plugins.SnapshotStore.Tell(new DeleteSnapshot(metadata), probe.Ref);
        Assert.Equal(metadata, (await probe.ExpectAsync<DeleteSnapshotSuccess>()).Metadata);
    }

    private static async Task DeleteAsync(PersistencePlugins plugins, string id, SnapshotSelectionCriteria criteria)
    {
        var probe = new ReplyProbe(plugins.System);
        plugins.SnapshotStore.Tell(new DeleteSnapshots(id, criteria), probe.Ref);
        Assert.Equal(criteria, (await probe.ExpectAsync<DeleteSnapshotsSuccess>()).Criteria);
    }
}

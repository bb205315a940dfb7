using Alignak.Persistence;
using Alignak.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Alignak.Tests.Foundation;

/// <summary>
/// SQLite's write-ahead log under a steady stream of group commits: it must start again from its beginning now and
/// then, or every commit extends the file (and the disk fills while the server runs).
/// </summary>
public sealed class WriteAheadLogTests
{
    [Fact]
    public async Task The_log_stays_bounded_under_a_steady_stream_of_commits()
    {
        await using var test = TestDatabase.Sqlite();
        var database = DatabaseOptions.Create(DatabaseProvider.Sqlite, test.ConnectionString);
        await SchemaMigrations.UpgradeAsync(database, CancellationToken.None);
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = "CREATE TABLE wal_test (payload BLOB)";
            await create.ExecuteNonQueryAsync();
        });

        const int payload = 32 * 1024;
        const long enough = 128L * 1048576;
        long largest = 0, commits = 0;
        var wal = new SqliteConnectionStringBuilder(test.ConnectionString).DataSource + "-wal";
        var started = DateTime.UtcNow;
        var atLeast = started + TimeSpan.FromSeconds(3);
        var atMost = started + TimeSpan.FromSeconds(60);
        await using (var writes = new GroupCommit<byte[]>(database, async (connection, transaction, rows) =>
        {
            foreach (var row in rows)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO wal_test (payload) VALUES (@p)";
                insert.Parameters.Add(new SqliteParameter("@p", row));
                await insert.ExecuteNonQueryAsync();
            }
        }))
        {
            // Two writers, each waiting for its commit, so commits follow one another without a pause, for 3 s (fifteen
            // rounds of checkpoints) and at least 128 MB (a minute at most on a slow disk).
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                while ((Interlocked.Read(ref commits) * payload < enough || DateTime.UtcNow < atLeast) && DateTime.UtcNow < atMost)
                {
                    await writes.WriteAsync([new byte[payload]]);
                    Interlocked.Increment(ref commits);
                    var length = new FileInfo(wal).Length;
                    lock (writes) largest = Math.Max(largest, length);
                }
            })));
        }

        // The positive control: what was committed is several times the bound below, and all of it is stored.
        await using var connection = database.CreateConnection();
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM wal_test";
        Assert.Equal(commits, Convert.ToInt64(await count.ExecuteScalarAsync()));
        var written = commits * payload;
        Assert.True(written >= enough, $"only {written / 1048576} MB committed in a minute");
        Assert.True(largest < written / 3, $"the log reached {largest / 1048576} MB for {written / 1048576} MB committed");
    }
}

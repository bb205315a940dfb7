using Alignak.Tests.Support;

namespace Alignak.Tests.Foundation;

/// <summary>One in-process server on a fresh SQLite file, shared by a test class.</summary>
public sealed class SqliteBackendFixture : IAsyncLifetime
{
    private TestDatabase _database = null!;
    public InProcessBackend Backend { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        Backend = await InProcessBackend.StartAsync(_database);
    }

    public async ValueTask DisposeAsync()
    {
        await Backend.DisposeAsync();
        await _database.DisposeAsync();
    }
}

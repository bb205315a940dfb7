using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Api;

/// <summary>One server per database kind, shared by a test class; ids of the defaults at hand.</summary>
public abstract class BackendFixture(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;
    public InProcessBackend Backend { get; private set; } = null!;
    public EveClient Admin { get; private set; } = null!;
    public string RealmAll { get; private set; } = "";
    public string Always { get; private set; } = "";
    public string AdminId { get; private set; } = "";
    public string UsersAll { get; private set; } = "";
    public string Dummy { get; private set; } = "";

    public virtual async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        Backend = await InProcessBackend.StartAsync(_database);
        Admin = await Backend.AdminAsync();
        RealmAll = await IdOf("realm", "All");
        Always = await IdOf("timeperiod", "24x7");
        AdminId = await IdOf("user", "admin");
        UsersAll = await IdOf("usergroup", "All");
        Dummy = await IdOf("host", "_dummy");
    }

    public Samples.Context SampleContext => new(AdminId, Always, UsersAll, async (realm, sub) =>
        (string)(await CreateAsync("host", new JsonObject { ["name"] = $"h-{Guid.NewGuid():N}", ["_realm"] = realm, ["_sub_realm"] = sub }))["_id"]!);

    public async Task<string> IdOf(string resource, string name) => (string)(await Admin.FindAsync(resource, name))!["_id"]!;

    /// <summary>Creates a document and returns it as stored.</summary>
    public async Task<JsonObject> CreateAsync(string resource, JsonObject document)
    {
        var (status, body) = await Admin.PostAsync("/" + resource, document);
        Assert.True(status == System.Net.HttpStatusCode.Created, $"POST /{resource}: {status} {body?.ToJsonString()}");
        return (await Admin.GetAsync($"/{resource}/{body!["_id"]}")).Body!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Backend.DisposeAsync();
        await _database.DisposeAsync();
    }
}

public sealed class SqliteFixture() : BackendFixture(DatabaseProvider.Sqlite);

public sealed class PostgresFixture() : BackendFixture(DatabaseProvider.PostgreSql);

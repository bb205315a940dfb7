using Alignak.Http.Hosting;
using Alignak.Http.Settings;
using Alignak.Persistence;
using Microsoft.AspNetCore.Builder;

namespace Alignak.Tests.Support;

/// <summary>The whole server (Kestrel on 127.0.0.1, Akka cluster of one, real database) inside the test process.</summary>
public sealed class InProcessBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;

    private InProcessBackend(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public static BackendSettings SettingsFor(TestDatabase database) => new()
    {
        Host = "127.0.0.1",
        Port = 0,
        DatabaseProvider = database.Provider,
        Database = database.ConnectionString,
        // Real PBKDF2, fewer rounds: tests create many users.
        PasswordHashIterations = 1000,
    };

    public static async Task<InProcessBackend> StartAsync(BackendSettings settings)
    {
        var app = BackendApp.Build(settings, []);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new InProcessBackend(app, new Uri(app.Urls.First()));
    }

    public static Task<InProcessBackend> StartAsync(TestDatabase database) => StartAsync(SettingsFor(database));

    public EveClient Client() => new(Address);

    public async Task<EveClient> AdminAsync() => await Client().AsAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

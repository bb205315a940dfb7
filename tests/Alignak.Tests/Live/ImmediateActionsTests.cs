using System.Net;
using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Live;

/// <summary>ACTIONS_APPLY_IMMEDIATELY on (a backend without Alignak): actions take effect in the entity at once.</summary>
public sealed class ImmediateActionsTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private InProcessBackend _backend = null!;
    private EveClient _admin = null!;
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = InProcessBackend.SettingsFor(_database);
        settings.ActionsApplyImmediately = true;
        _backend = await InProcessBackend.StartAsync(settings);
        _admin = await _backend.AdminAsync();
        _adminId = (string)(await _admin.FindAsync("user", "admin"))!["_id"]!;
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _backend.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<(string Host, string Service)> CriticalService()
    {
        var (_, host) = await _admin.PostAsync("/host", new JsonObject { ["name"] = $"h-{Guid.NewGuid():N}" });
        var hostId = (string)host!["_id"]!;
        var (_, service) = await _admin.PostAsync("/service", new JsonObject { ["name"] = "disk", ["host"] = hostId });
        var serviceId = (string)service!["_id"]!;
        var (status, _) = await _admin.PostAsync("/checkresult", new JsonObject { ["host"] = hostId, ["service"] = serviceId, ["exit_status"] = 2 });
        Assert.Equal(HttpStatusCode.Created, status);
        return (hostId, serviceId);
    }

    private async Task<JsonObject> Post(string resource, JsonObject body)
    {
        var (status, created) = await _admin.PostAsync("/" + resource, body);
        Assert.True(status == HttpStatusCode.Created, $"{status} {created?.ToJsonString()}");
        return (await _admin.GetAsync($"/{resource}/{created!["_id"]}")).Body!.AsObject();
    }

    private async Task<JsonObject> Service(string id) => (await _admin.GetAsync($"/service/{id}")).Body!.AsObject();

    [Fact]
    public async Task An_acknowledgement_is_applied_at_once_and_the_action_shows_processed()
    {
        var (host, service) = await CriticalService();
        var action = await Post("actionacknowledge", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["user"] = _adminId, ["comment"] = "mine", ["sticky"] = false,
        });
        Assert.True((bool?)action["processed"]);
        var acknowledged = await Service(service);
        Assert.Equal((true, 1, 1), ((bool?)acknowledged["ls_acknowledged"], (int?)acknowledged["ls_acknowledgement_type"], (int?)acknowledged["_overall_state_id"]));
        var types = (await _admin.AllAsync("history", "where=" + Uri.EscapeDataString($$"""{"service":"{{service}}"}""")))
            .Select(h => (string?)h["type"]).ToList();
        Assert.Contains("ack.add", types);
        Assert.Contains("ack.processed", types);

        // A normal acknowledgement ends with a change of state.
        await _admin.PostAsync("/checkresult", new JsonObject { ["host"] = host, ["service"] = service, ["exit_status"] = 1 });
        Assert.False((bool?)(await Service(service))["ls_acknowledged"]);

        // Acknowledging what is not a problem changes nothing, and the request is still processed.
        await _admin.PostAsync("/checkresult", new JsonObject { ["host"] = host, ["exit_status"] = 0 });
        var onHost = await Post("actionacknowledge", new JsonObject { ["host"] = host, ["service"] = null, ["user"] = _adminId });
        Assert.True((bool?)onHost["processed"]);
        Assert.False((bool?)(await _admin.GetAsync($"/host/{host}")).Body!["ls_acknowledged"]);
    }

    [Fact]
    public async Task A_downtime_is_scheduled_and_cancelled_and_a_forced_check_is_recorded()
    {
        var (host, service) = await CriticalService();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Post("actiondowntime", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["user"] = _adminId, ["start_time"] = now - 5, ["end_time"] = now + 3600, ["fixed"] = true,
        });
        var downtimed = await Service(service);
        Assert.Equal((true, 2), ((bool?)downtimed["ls_downtimed"], (int?)downtimed["_overall_state_id"]));

        await Post("actiondowntime", new JsonObject { ["host"] = host, ["service"] = service, ["user"] = _adminId, ["action"] = "delete" });
        var cancelled = await Service(service);
        Assert.Equal((false, 4), ((bool?)cancelled["ls_downtimed"], (int?)cancelled["_overall_state_id"]));

        await Post("actionforcecheck", new JsonObject { ["host"] = host, ["service"] = service, ["user"] = _adminId });
        Assert.True((long?)(await Service(service))["ls_next_check"] >= now);
    }

    [Fact]
    public async Task A_fixed_downtime_starts_and_ends_on_time_through_the_entity_timer()
    {
        var (host, service) = await CriticalService();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await Post("actiondowntime", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["user"] = _adminId, ["start_time"] = now + 2, ["end_time"] = now + 4, ["fixed"] = true,
        });
        Assert.False((bool?)(await Service(service))["ls_downtimed"]);
        Assert.True(await Eventually(async () => (bool?)(await Service(service))["ls_downtimed"] == true));
        Assert.True(await Eventually(async () => (bool?)(await Service(service))["ls_downtimed"] == false));
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return true;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        return false;
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Persistence;
using Alignak.Tests.Rights;
using Alignak.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace Alignak.Tests.Push;

/// <summary>A backend with actions applied at once (a UI acknowledges through it), and its admin's token.</summary>
public sealed class LivePushFixture : IAsyncLifetime
{
    private TestDatabase _database = null!;
    public InProcessBackend Backend { get; private set; } = null!;
    public EveClient Admin { get; private set; } = null!;
    public string AdminId { get; private set; } = "";
    public string RealmAll { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = InProcessBackend.SettingsFor(_database);
        settings.ActionsApplyImmediately = true;
        Backend = await InProcessBackend.StartAsync(settings);
        Admin = await Backend.AdminAsync();
        AdminId = (string)(await Admin.FindAsync("user", "admin"))!["_id"]!;
        RealmAll = (string)(await Admin.FindAsync("realm", "All"))!["_id"]!;
    }

    public Task<LiveClient> ConnectAsync() => LiveClient.ConnectAsync(Backend.Address, Admin.Token!);

    public async Task<string> PostAsync(string resource, JsonObject body)
    {
        var (status, created) = await Admin.PostAsync("/" + resource, body);
        Assert.True(status == HttpStatusCode.Created, $"POST /{resource}: {status} {created?.ToJsonString()}");
        return (string)created!["_id"]!;
    }

    public async Task<(string Host, string Service)> HostWithServiceAsync(string? realm = null)
    {
        var host = await PostAsync("host", new JsonObject { ["name"] = $"h-{Guid.NewGuid():N}", ["_realm"] = realm ?? RealmAll });
        var service = await PostAsync("service", new JsonObject { ["name"] = "disk", ["host"] = host, ["_realm"] = realm ?? RealmAll });
        return (host, service);
    }

    public async Task ResultAsync(string host, string? service, int exit, string output = "")
    {
        var (status, body) = await Admin.PostAsync("/checkresult", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["exit_status"] = exit, ["output"] = output,
        });
        Assert.True(status == HttpStatusCode.Created, $"{status} {body?.ToJsonString()}");
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Backend.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>The live push hub through a real .NET SignalR client over WebSockets: scopes, contract, ordering.</summary>
public sealed class LivePushTests(LivePushFixture fixture) : IClassFixture<LivePushFixture>
{
    [Fact]
    public async Task Without_a_valid_token_the_hub_answers_401()
    {
        await using var anonymous = LiveClient.Build(fixture.Backend.Address, null);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await using var wrong = LiveClient.Build(fixture.Backend.Address, "not-a-token");
        refused = await Assert.ThrowsAsync<HttpRequestException>(() => wrong.StartAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_check_result_arrives_as_a_numbered_state_message_with_the_changed_fields_and_names()
    {
        var (host, service) = await fixture.HostWithServiceAsync();
        await using var client = await fixture.ConnectAsync();
        var subscription = await client.SubscribeAsync("all");
        Assert.Equal((0L, false), ((long?)subscription["seq"], (bool?)subscription["resumed"]));

        await fixture.ResultAsync(host, service, 2, "DISK CRITICAL - 2% free");
        var message = await client.NextAsync(m => LiveClient.IsState(m, service), "state message of the service");
        Assert.Equal(1, (int?)message["v"]);
        Assert.Equal((string?)subscription["subscription"], (string?)message["subscription"]);
        Assert.Equal(("service", "disk", host, fixture.RealmAll), ((string?)message["resource"], (string?)message["name"],
            (string?)message["host"], (string?)message["realm"]));
        Assert.StartsWith("h-", (string?)message["host_name"]);
        var fields = message["fields"]!.AsObject();
        Assert.Equal(("CRITICAL", "DISK CRITICAL - 2% free"), ((string?)fields["ls_state"], (string?)fields["ls_output"]));
        // Only what changed: the state type was HARD before (UNKNOWN) and after (one attempt).
        Assert.False(fields.ContainsKey("ls_state_type"));
        Assert.False(fields.ContainsKey("ls_acknowledged"));
        Assert.Equal(("CRITICAL", "HARD"), ((string?)message["state"], (string?)message["state_type"]));
        Assert.NotNull((int?)message["overall_state_id"]);

        // Every message of a subscription has the next number.
        var numbers = client.Seen.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);

        // The same result again changes no field but the last check: only what changed is sent.
        await fixture.ResultAsync(host, service, 2, "DISK CRITICAL - 2% free");
        var again = await client.NextAsync(m => LiveClient.IsState(m, service), "second state message");
        Assert.False(again["fields"]!.AsObject().ContainsKey("ls_output"));
    }

    [Fact]
    public async Task Configuration_changes_arrive_as_document_messages()
    {
        await using var client = await fixture.ConnectAsync();
        await client.SubscribeAsync("all");
        var id = await fixture.PostAsync("command", new JsonObject { ["name"] = $"c-{Guid.NewGuid():N}", ["command_line"] = "check_x", ["_realm"] = fixture.RealmAll });
        var created = await client.NextAsync(m => (string?)m["type"] == "document" && (string?)m["id"] == id, "created document");
        Assert.Equal(("created", "command", "check_x"), ((string?)created["action"], (string?)created["resource"], (string?)created["document"]!["command_line"]));

        var etag = (string)(await fixture.Admin.GetAsync($"/command/{id}")).Body!["_etag"]!;
        var (status, _) = await fixture.Admin.PatchAsync($"/command/{id}", new JsonObject { ["command_line"] = "check_y" }, etag);
        Assert.Equal(HttpStatusCode.OK, status);
        var updated = await client.NextAsync(m => (string?)m["type"] == "document" && (string?)m["id"] == id, "updated document");
        Assert.Equal(("updated", "check_y"), ((string?)updated["action"], (string?)updated["fields"]!["command_line"]));
        Assert.False(updated["fields"]!.AsObject().ContainsKey("name"));

        etag = (string)(await fixture.Admin.GetAsync($"/command/{id}")).Body!["_etag"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/command/{id}", etag)).Status);
        var deleted = await client.NextAsync(m => (string?)m["type"] == "document" && (string?)m["id"] == id, "deleted document");
        Assert.Equal("deleted", (string?)deleted["action"]);

        // Users' documents (tokens, password hashes) are never pushed.
        await fixture.PostAsync("user", new JsonObject { ["name"] = $"u-{Guid.NewGuid():N}", ["password"] = "secret" });
        await fixture.PostAsync("command", new JsonObject { ["name"] = $"c-{Guid.NewGuid():N}", ["command_line"] = "marker", ["_realm"] = fixture.RealmAll });
        await client.NextAsync(m => (string?)m["document"]?["command_line"] == "marker", "marker document");
        Assert.DoesNotContain(client.Seen, m => (string?)m["resource"] == "user");
    }

    [Fact]
    public async Task Host_and_service_scopes_get_only_their_items()
    {
        var (host, service) = await fixture.HostWithServiceAsync();
        var other = await fixture.PostAsync("service", new JsonObject { ["name"] = "load", ["host"] = host });
        var (elsewhere, elsewhereService) = await fixture.HostWithServiceAsync();
        await using var byHost = await fixture.ConnectAsync();
        await using var byService = await fixture.ConnectAsync();
        await byHost.SubscribeAsync("host", host);
        await byService.SubscribeAsync("service", service);

        await fixture.ResultAsync(elsewhere, elsewhereService, 2);
        await fixture.ResultAsync(host, other, 1);
        await fixture.ResultAsync(host, null, 1);
        await fixture.ResultAsync(host, service, 2, "last");

        await byHost.NextAsync(m => LiveClient.IsState(m, service) && (string?)m["fields"]!["ls_output"] == "last", "the host's service");
        Assert.Contains(byHost.Seen, m => LiveClient.IsState(m, other));
        // The host's own change may come after "last", merged into its later one (its overall state).
        await byHost.SeenOrNextAsync(m => LiveClient.IsState(m, host) && (string?)m["fields"]!["ls_state"] == "UP", "the host's state");
        await byService.NextAsync(m => LiveClient.IsState(m, service), "the service");
        foreach (var message in byHost.Seen.Concat(byService.Seen))
            Assert.DoesNotContain((string?)message["id"], new[] { elsewhere, elsewhereService });
        Assert.All(byService.Seen, m => Assert.Equal(service, (string?)m["id"]));

        var unknown = await Assert.ThrowsAsync<HubException>(() => byHost.SubscribeAsync("host", "0123456789abcdef01234567"));
        Assert.Contains("No host with id", unknown.Message);
        var badScope = await Assert.ThrowsAsync<HubException>(() => byHost.SubscribeAsync("everything"));
        Assert.Contains("Unknown scope", badScope.Message);
        var noId = await Assert.ThrowsAsync<HubException>(() => byHost.SubscribeAsync("service"));
        Assert.Contains("needs the id", noId.Message);
    }

    [Fact]
    public async Task Realm_scope_takes_sub_realms_only_when_asked()
    {
        var parent = await fixture.PostAsync("realm", new JsonObject { ["name"] = $"r-{Guid.NewGuid():N}" });
        var child = await fixture.PostAsync("realm", new JsonObject { ["name"] = $"r-{Guid.NewGuid():N}", ["_parent"] = parent });
        var (inParent, _) = await fixture.HostWithServiceAsync(parent);
        var (inChild, _) = await fixture.HostWithServiceAsync(child);
        await using var exact = await fixture.ConnectAsync();
        await using var tree = await fixture.ConnectAsync();
        await exact.SubscribeAsync("realm", parent);
        await tree.SubscribeAsync("realm", parent, subRealms: true);

        await fixture.ResultAsync(inChild, null, 1);
        await fixture.ResultAsync(inParent, null, 1);
        await tree.NextAsync(m => LiveClient.IsState(m, inChild), "child realm's host");
        await tree.NextAsync(m => LiveClient.IsState(m, inParent), "parent realm's host");
        await exact.NextAsync(m => LiveClient.IsState(m, inParent), "parent realm's host");
        Assert.DoesNotContain(exact.Seen, m => (string?)m["id"] == inChild);
    }

    [Fact]
    public async Task Livesynthesis_and_history_scopes()
    {
        var realm = await fixture.PostAsync("realm", new JsonObject { ["name"] = $"r-{Guid.NewGuid():N}" });
        var (host, service) = await fixture.HostWithServiceAsync(realm);
        await using var client = await fixture.ConnectAsync();
        await client.SubscribeAsync("livesynthesis", realm);
        await using var history = await fixture.ConnectAsync();
        await history.SubscribeAsync("history", host);

        await fixture.ResultAsync(host, service, 2, "broken");
        var synthesis = await client.NextAsync(m => (string?)m["type"] == "livesynthesis"
            && (long?)m["counters"]!["services_critical_hard"] == 1, "livesynthesis with the critical service");
        Assert.Equal(realm, (string?)synthesis["realm"]);
        Assert.Equal(1L, (long?)synthesis["counters"]!["hosts_total"]);
        Assert.All(client.Seen, m => Assert.Equal("livesynthesis", (string?)m["type"]));

        var checkResult = await history.NextAsync(m => (string?)m["history"]?["type"] == "check.result", "check.result history");
        Assert.Equal((service, "disk"), ((string?)checkResult["history"]!["service"], (string?)checkResult["history"]!["service_name"]));
        Assert.Contains("broken", (string?)checkResult["history"]!["message"]);
        Assert.All(history.Seen, m => Assert.Equal("history", (string?)m["type"]));
    }

    [Fact]
    public async Task Acknowledgements_and_downtimes_set_and_removed_are_messages()
    {
        var (host, service) = await fixture.HostWithServiceAsync();
        await fixture.ResultAsync(host, service, 2);
        await using var client = await fixture.ConnectAsync();
        await client.SubscribeAsync("service", service);

        await fixture.PostAsync("actionacknowledge", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["user"] = fixture.AdminId, ["comment"] = "on it", ["sticky"] = true,
        });
        var ack = await client.NextAsync(m => (string?)m["type"] == "acknowledgement", "acknowledgement message");
        Assert.Equal(("set", "on it", true), ((string?)ack["action"], (string?)ack["acknowledgement"]!["comment"], (bool?)ack["acknowledgement"]!["sticky"]));
        Assert.Contains(client.Seen, m => LiveClient.IsState(m, service) && (bool?)m["fields"]!["ls_acknowledged"] == true);

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await fixture.PostAsync("actiondowntime", new JsonObject
        {
            ["host"] = host, ["service"] = service, ["user"] = fixture.AdminId, ["comment"] = "maintenance",
            ["start_time"] = now - 5, ["end_time"] = now + 3600, ["fixed"] = true,
        });
        var downtime = await client.NextAsync(m => (string?)m["type"] == "downtime", "downtime message");
        Assert.Equal(("scheduled", "maintenance"), ((string?)downtime["action"], (string?)downtime["downtime"]!["comment"]));
        // The state change comes first, then what it did.
        var downtimed = client.Seen.FindIndex(m => LiveClient.IsState(m, service) && (bool?)m["fields"]!["ls_downtimed"] == true);
        Assert.InRange(downtimed, 0, client.Seen.IndexOf(downtime) - 1);

        await fixture.ResultAsync(host, service, 0);
        var removed = await client.NextAsync(m => (string?)m["type"] == "acknowledgement", "acknowledgement removed on recovery");
        Assert.Equal("removed", (string?)removed["action"]);
    }

    [Fact]
    public async Task Changes_of_one_service_arrive_in_order()
    {
        var (host, service) = await fixture.HostWithServiceAsync();
        await using var client = await fixture.ConnectAsync();
        await client.SubscribeAsync("all");
        const int count = 60;
        var posting = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++) await fixture.ResultAsync(host, service, i % 3, $"result {i}");
        });
        var outputs = new List<int>();
        while (outputs.LastOrDefault(-1) != count - 1)
        {
            var message = await client.NextAsync(m => LiveClient.IsState(m, service) && m["fields"]!["ls_output"] is not null, "the next result");
            outputs.Add(int.Parse(((string)message["fields"]!["ls_output"]!)["result ".Length..]));
        }
        await posting;
        // Merging may skip intermediate states of a burst, never reorder them.
        Assert.Equal(outputs.OrderBy(n => n), outputs);
        Assert.Equal(outputs.Distinct(), outputs);
        var numbers = client.Seen.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(n => (long)n), numbers);
    }

    [Fact]
    public async Task A_client_that_reconnects_resumes_after_its_last_message()
    {
        var (host, service) = await fixture.HostWithServiceAsync();
        var first = await fixture.ConnectAsync();
        var subscription = (string)(await first.SubscribeAsync("service", service))["subscription"]!;
        for (var i = 0; i < 3; i++) await fixture.ResultAsync(host, service, i % 2 + 1, $"before {i}");
        await first.NextAsync(m => (string?)m["fields"]?["ls_output"] == "before 2", "the results before");
        await first.DisposeAsync();
        var received = first.Seen;

        for (var i = 0; i < 5; i++) await fixture.ResultAsync(host, service, i % 2 + 1, $"missed {i}");

        // Say the last two messages were lost on the way: they come again with their numbers, then what followed.
        var lastSeen = (long)received[^3]["seq"]!;
        await using var second = await fixture.ConnectAsync();
        var resumed = await second.SubscribeAsync("service", service, resume: subscription, seq: lastSeen);
        Assert.Equal((subscription, true), ((string?)resumed["subscription"], (bool?)resumed["resumed"]));
        await second.NextAsync(m => (string?)m["fields"]?["ls_output"] == "missed 4", "the last missed result");
        Assert.Equal(received[^2].ToJsonString(), second.Seen[0].ToJsonString());
        Assert.Equal(received[^1].ToJsonString(), second.Seen[1].ToJsonString());
        var numbers = second.Seen.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, numbers.Count).Select(n => (long)n), numbers);
        // What happened meanwhile arrives in order (a burst of one service may be merged to its latest state).
        var missed = second.Seen.Skip(2).Select(m => (string?)m["fields"]?["ls_output"]).OfType<string>().ToList();
        Assert.Equal(missed.Order(StringComparer.Ordinal), missed);
        Assert.Equal("missed 4", missed[^1]);

        // New changes follow with the next numbers.
        await fixture.ResultAsync(host, service, 0, "after");
        await second.NextAsync(m => (string?)m["fields"]?["ls_output"] == "after", "a new result");
        numbers = second.Seen.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, numbers.Count).Select(n => (long)n), numbers);

        // A subscription this server does not know (expired, or another process) starts over with a resync.
        await using var stranger = await fixture.ConnectAsync();
        var fresh = await stranger.SubscribeAsync("service", service, resume: "0000", seq: 3);
        Assert.False((bool?)fresh["resumed"]);
        var resync = await stranger.NextAsync(m => (string?)m["type"] == "resync", "resync");
        Assert.Equal(("unknown subscription", 1L), ((string?)resync["reason"], (long?)resync["seq"]));
    }

    [Fact]
    public async Task A_user_logged_out_by_a_new_token_is_disconnected()
    {
        var name = $"u-{Guid.NewGuid():N}";
        await fixture.PostAsync("user", new JsonObject { ["name"] = name, ["password"] = "pw", ["back_role_super_admin"] = true });
        using var user = await fixture.Backend.Client().AsAsync(name, "pw");
        await using var client = await LiveClient.ConnectAsync(fixture.Backend.Address, user.Token!);
        await client.SubscribeAsync("all");
        var closed = new TaskCompletionSource();
        client.Connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        using var http = new HttpClient { BaseAddress = fixture.Backend.Address };
        var regenerated = await EveClient.LoginAsync(http, name, "pw", generate: true);
        Assert.NotEqual(user.Token, regenerated);
        // The next change routed to it finds the token gone.
        await fixture.PostAsync("command", new JsonObject { ["name"] = $"c-{Guid.NewGuid():N}", ["command_line"] = "x", ["_realm"] = fixture.RealmAll });
        await closed.Task.WaitAsync(LiveClient.Patience, TestContext.Current.CancellationToken);
    }
}

/// <summary>The rights filter on the push: what a user of realm A receives, whatever it subscribes to.</summary>
public sealed class LivePushRightsTests(SqliteRealmTreeFixture fixture) : IClassFixture<SqliteRealmTreeFixture>
{
    [Fact]
    public async Task A_user_of_realm_A_never_receives_realm_B_changes()
    {
        var (client, _) = await fixture.UserAsync(["read"], subRealm: false);
        using var user = client;
        await using var live = await LiveClient.ConnectAsync(fixture.Backend.Address, user.Token!);
        await live.SubscribeAsync("all");
        var sibling = await Assert.ThrowsAsync<HubException>(() => live.SubscribeAsync("host", fixture.Items["host"]["sibling"]));
        Assert.Contains("No host with id", sibling.Message);

        foreach (var position in new[] { "sibling", "child", "parent-private", "own" })
        {
            var (status, _) = await fixture.Admin.PostAsync("/checkresult", new JsonObject
            {
                ["host"] = fixture.Items["host"][position], ["exit_status"] = 1, ["output"] = position,
            });
            Assert.Equal(HttpStatusCode.Created, status);
        }
        await live.NextAsync(m => LiveClient.IsState(m, fixture.Items["host"]["own"]), "its own host");
        await live.DrainAsync(TimeSpan.FromMilliseconds(500));
        var ids = live.Seen.Select(m => (string?)m["id"] ?? (string?)m["history"]?["host"]).ToHashSet();
        Assert.DoesNotContain(fixture.Items["host"]["sibling"], ids);
        Assert.DoesNotContain(fixture.Items["host"]["child"], ids);
        Assert.DoesNotContain(fixture.Items["host"]["parent-private"], ids);
        Assert.DoesNotContain(live.Seen, m => (string?)m["realm"] == fixture.B);
    }
}

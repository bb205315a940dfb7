using System.Net;
using System.Text.Json.Nodes;
using Alignak.Http.Push;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Push;

/// <summary>Delivery under pressure, with small limits: a slow client, a resume past the replay window.</summary>
public sealed class LivePushDeliveryTests : IAsyncLifetime
{
    private const int Queue = 200;
    private const int Replay = 5;

    private TestDatabase _database = null!;
    private InProcessBackend _backend = null!;
    private EveClient _admin = null!;
    private string _realm = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = InProcessBackend.SettingsFor(_database);
        settings.LivePushQueue = Queue;
        settings.LivePushReplay = Replay;
        _backend = await InProcessBackend.StartAsync(settings);
        _admin = await _backend.AdminAsync();
        _realm = (string)(await _admin.FindAsync("realm", "All"))!["_id"]!;
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _backend.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<string> Post(string resource, JsonObject body)
    {
        var (status, created) = await _admin.PostAsync("/" + resource, body);
        Assert.True(status == HttpStatusCode.Created, $"{status} {created?.ToJsonString()}");
        return (string)created!["_id"]!;
    }

    [Fact]
    public async Task A_stalled_client_does_not_hold_back_others_and_is_told_to_resync()
    {
        var host = await Post("host", new JsonObject { ["name"] = "busy", ["_realm"] = _realm });
        var services = new List<string>();
        for (var i = 0; i < 40; i++) services.Add(await Post("service", new JsonObject { ["name"] = $"s{i}", ["host"] = host, ["_realm"] = _realm }));

        await using var slow = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!, slow: true);
        await using var fast = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        await slow.SubscribeAsync("all");
        await fast.SubscribeAsync("all");
        slow.StopReading();

        // Far more than the sockets between them hold: the server's queue for the slow client fills up.
        var output = new string('x', 8 * 1024);
        const int rounds = 30;
        for (var round = 0; round < rounds; round++)
        {
            var batch = new JsonArray(services.Select(s => (JsonNode)new JsonObject
            {
                ["host"] = host, ["service"] = s, ["exit_status"] = round % 3, ["output"] = $"{round} {output}",
            }).ToArray());
            var (status, body) = await _admin.PostAsync("/checkresult", batch);
            Assert.True(status == HttpStatusCode.Created, $"{status} {body?.ToJsonString()[..200]}");
        }

        // The other client gets everything while the slow one still reads nothing.
        var last = services[^1];
        await fast.NextAsync(m => LiveClient.IsState(m, last) && ((string?)m["fields"]!["ls_output"])?.StartsWith($"{rounds - 1} ") == true,
            "the last round on the fast client");
        Assert.DoesNotContain(fast.Seen, m => (string?)m["type"] == "resync");

        slow.ResumeReading();
        var resync = await slow.NextAsync(m => (string?)m["type"] == "resync", "resync on the slow client");
        Assert.Equal("behind", (string?)resync["reason"]);
        // Numbers stay per subscription and increasing; what was dropped shows as a jump before the resync.
        var numbers = slow.Seen.Select(m => (long)m["seq"]!).ToList();
        Assert.Equal(numbers.Order(), numbers);
    }

    [Fact]
    public async Task Resuming_past_the_replay_window_gets_a_resync()
    {
        var host = await Post("host", new JsonObject { ["name"] = "gap", ["_realm"] = _realm });
        var client = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var subscription = (string)(await client.SubscribeAsync("host", host))["subscription"]!;
        await client.DisposeAsync();

        for (var i = 0; i < Replay + 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/checkresult", new JsonObject
            {
                ["host"] = host, ["exit_status"] = i % 2, ["output"] = $"r{i}",
            })).Status);

        await using var again = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var reply = await again.SubscribeAsync("host", host, resume: subscription, seq: 0);
        Assert.Equal((subscription, false), ((string?)reply["subscription"], (bool?)reply["resumed"]));
        var resync = await again.NextAsync(m => (string?)m["type"] == "resync", "resync");
        Assert.Equal("gap", (string?)resync["reason"]);
        Assert.True((long)resync["seq"]! > reply["seq"]!.GetValue<long>());

        // After the resync the subscription goes on.
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/checkresult", new JsonObject
        {
            ["host"] = host, ["exit_status"] = 1, ["output"] = "later",
        })).Status);
        await again.NextAsync(m => (string?)m["fields"]?["ls_output"] == "later", "a later change");
    }
}

/// <summary>The per-connection queue: merging waiting state messages of one item, never across other messages of it.</summary>
public sealed class OutboxTests
{
    private static PushMessage State(string id, string field, string value) => new()
    {
        Type = PushTypes.State, Resource = "service", Id = id,
        Body = new JsonObject { ["type"] = "state", ["id"] = id, ["fields"] = new JsonObject { [field] = value } },
    };

    private static PushMessage Ack(string id) => new()
    {
        Type = PushTypes.Acknowledgement, Resource = "service", Id = id,
        Body = new JsonObject { ["type"] = "acknowledgement", ["id"] = id },
    };

    private static (LivePublisher.Outbox, LivePublisher.Subscription) Queue(int capacity)
    {
        var viewer = new LivePublisher.Viewer("user", "token", () => { });
        var outbox = new LivePublisher.Outbox("connection", viewer, capacity);
        var subscription = new LivePublisher.Subscription("sub", viewer, null!, 10);
        outbox.Subscriptions.Add(subscription);
        return (outbox, subscription);
    }

    [Fact]
    public void Waiting_state_messages_of_one_item_merge_at_the_later_place()
    {
        var (outbox, subscription) = Queue(100);
        outbox.Enqueue(subscription, State("a", "ls_state", "CRITICAL"));
        outbox.Enqueue(subscription, State("b", "ls_state", "OK"));
        outbox.Enqueue(subscription, State("a", "ls_output", "later"));
        var taken = outbox.Take(10);
        Assert.Equal(["b", "a"], taken.Select(e => e.Message.Id));
        var merged = taken[1].Message.Body["fields"]!.AsObject();
        Assert.Equal(("CRITICAL", "later"), ((string?)merged["ls_state"], (string?)merged["ls_output"]));

        // Once sent, nothing merges into it any more.
        outbox.Enqueue(subscription, State("a", "ls_state", "OK"));
        Assert.Single(outbox.Take(10));
    }

    [Fact]
    public void A_state_message_does_not_merge_over_another_message_of_its_item()
    {
        var (outbox, subscription) = Queue(100);
        outbox.Enqueue(subscription, State("a", "ls_state", "CRITICAL"));
        outbox.Enqueue(subscription, Ack("a"));
        outbox.Enqueue(subscription, State("a", "ls_acknowledged", "true"));
        Assert.Equal(["state", "acknowledgement", "state"], outbox.Take(10).Select(e => e.Message.Type));
    }

    [Fact]
    public void A_full_queue_is_replaced_by_a_resync()
    {
        var (outbox, subscription) = Queue(3);
        for (var i = 0; i < 3; i++) outbox.Enqueue(subscription, Ack($"item{i}"));
        outbox.Enqueue(subscription, Ack("late"));
        var taken = outbox.Take(10);
        Assert.Equal([PushTypes.Resync, PushTypes.Acknowledgement], taken.Select(e => e.Message.Type));
        Assert.Equal("behind", (string?)taken[0].Message.Body["reason"]);
        Assert.Equal("late", taken[1].Message.Id);
    }
}

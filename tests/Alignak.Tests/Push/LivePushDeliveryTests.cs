using System.Net;
using System.Text.Json.Nodes;
using Alignak.Http.Push;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Push;

/// <summary>Delivery under pressure, with small limits: a slow client, a resume past the replay window.</summary>
public sealed class LivePushDeliveryTests : IAsyncLifetime
{
    private const int Backlog = 200;
    private const int Replay = 5;

    private TestDatabase _database = null!;
    private InProcessBackend _backend = null!;
    private EveClient _admin = null!;
    private string _realm = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = InProcessBackend.SettingsFor(_database);
        settings.LivePushBacklog = Backlog;
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

    private async Task Result(string host, int exit, string output) =>
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/checkresult", new JsonObject
        {
            ["host"] = host, ["exit_status"] = exit, ["output"] = output,
        })).Status);

    [Fact]
    public async Task Resuming_from_a_message_no_longer_kept_gets_a_resync()
    {
        var host = await Post("host", new JsonObject { ["name"] = "gap", ["_realm"] = _realm });
        var client = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var subscription = (string)(await client.SubscribeAsync("host", host))["subscription"]!;
        for (var i = 0; i < Replay + 3; i++) await Result(host, i % 2, $"r{i}");
        await client.NextAsync(m => (string?)m["fields"]?["ls_output"] == $"r{Replay + 2}", "the last result");
        await client.DisposeAsync();

        // Only the last LIVE_PUSH_REPLAY sent messages are kept: from the first one, the client must reload.
        await using var again = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var reply = await again.SubscribeAsync("host", host, resume: subscription, seq: 0);
        Assert.Equal((subscription, false), ((string?)reply["subscription"], (bool?)reply["resumed"]));
        var resync = await again.NextAsync(m => (string?)m["type"] == "resync", "resync");
        Assert.Equal("gap", (string?)resync["reason"]);
        Assert.Equal(reply["seq"]!.GetValue<long>() + 1, (long)resync["seq"]!);

        // After the resync the subscription goes on.
        await Result(host, 1, "later");
        await again.NextAsync(m => (string?)m["fields"]?["ls_output"] == "later", "a later change");
    }

    [Fact]
    public async Task A_client_away_for_more_than_the_backlog_gets_a_resync_on_resume()
    {
        var host = await Post("host", new JsonObject { ["name"] = "away", ["_realm"] = _realm });
        var client = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var subscription = (string)(await client.SubscribeAsync("history", host))["subscription"]!;
        await Result(host, 0, "seen");
        var seen = await client.NextAsync(m => (string?)m["history"]?["message"] is { } text && text.Contains("seen"), "the first event");
        await client.DisposeAsync();

        // Every result makes two changes (state and history): more than the backlog while away.
        var batch = new JsonArray(Enumerable.Range(0, Backlog).Select(i => (JsonNode)new JsonObject
        {
            ["host"] = host, ["exit_status"] = i % 2, ["output"] = $"away {i}",
        }).ToArray());
        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsync("/checkresult", batch)).Status);

        await using var again = await LiveClient.ConnectAsync(_backend.Address, _admin.Token!);
        var reply = await again.SubscribeAsync("history", host, resume: subscription, seq: (long)seen["seq"]!);
        Assert.True((bool?)reply["resumed"]);
        var resync = await again.NextAsync(m => (string?)m["type"] == "resync", "resync");
        Assert.Equal("behind", (string?)resync["reason"]);
    }
}

/// <summary>Merging state messages of one item taken at once, never across another message of that item; the shared log.</summary>
public sealed class PushDeliveryUnitTests
{
    private static PushMessage State(string id, string field, string value) => new()
    {
        Type = PushTypes.State, Resource = "service", Id = id, ItemKey = $"service/{id}",
        Body = new JsonObject { ["type"] = "state", ["id"] = id, ["fields"] = new JsonObject { [field] = value } },
    };

    private static PushMessage Ack(string id) => new()
    {
        Type = PushTypes.Acknowledgement, Resource = "service", Id = id, ItemKey = $"service/{id}",
        Body = new JsonObject { ["type"] = "acknowledgement", ["id"] = id },
    };

    private static List<PushEntry> Batch(params PushMessage[] messages) =>
        messages.Select(m => new PushEntry(null!, m)).ToList();

    [Fact]
    public void State_messages_of_one_item_merge_at_the_later_place()
    {
        var batch = Batch(State("a", "ls_state", "CRITICAL"), State("b", "ls_state", "OK"), State("a", "ls_output", "later"));
        LivePublisher.Coalesce(batch, 0);
        Assert.Equal(["b", "a"], batch.Select(e => e.Message.Id));
        var merged = batch[1].Message.Body["fields"]!.AsObject();
        Assert.Equal(("CRITICAL", "later"), ((string?)merged["ls_state"], (string?)merged["ls_output"]));
    }

    [Fact]
    public void A_state_message_does_not_merge_over_another_message_of_its_item_nor_before_the_start()
    {
        var batch = Batch(State("a", "ls_state", "CRITICAL"), Ack("a"), State("a", "ls_acknowledged", "true"));
        LivePublisher.Coalesce(batch, 0);
        Assert.Equal(["state", "acknowledgement", "state"], batch.Select(e => e.Message.Type));

        // Entries before the start were taken from elsewhere (replays): they are left alone.
        batch = Batch(State("a", "ls_state", "CRITICAL"), State("a", "ls_state", "OK"));
        LivePublisher.Coalesce(batch, 1);
        Assert.Equal(2, batch.Count);
    }

    [Fact]
    public void The_log_keeps_its_capacity_and_tells_an_overwritten_position()
    {
        var log = new PushLog(10);
        Assert.Equal(16, log.Capacity);
        for (var i = 0; i < 20; i++) log.Append(Ack($"m{i}"));
        Assert.Equal(20, log.Head);
        Assert.Equal("m19", log.Read(19)!.Id);
        Assert.Equal("m4", log.Read(4)!.Id);
        Assert.Null(log.Read(3));
    }
}

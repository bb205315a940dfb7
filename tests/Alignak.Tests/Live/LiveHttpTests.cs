using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Tests.Api;
using Alignak.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Live;

/// <summary>Check results, live fields, actions and livesynthesis through HTTP, on SQLite and PostgreSQL.</summary>
public abstract class LiveHttpTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private EveClient Admin => fixture.Admin;

    /// <summary>A realm of its own (livesynthesis counters per test), a host and a service in it.</summary>
    private async Task<(string Realm, JsonObject Host, JsonObject Service)> Site(int attempts = 2, JsonObject? hostFields = null)
    {
        var realm = (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = $"r-{Guid.NewGuid():N}" }))["_id"]!;
        var hostDocument = hostFields ?? new JsonObject();
        hostDocument["name"] = $"h-{Guid.NewGuid():N}";
        hostDocument["_realm"] = realm;
        var host = await fixture.CreateAsync("host", hostDocument);
        var service = await fixture.CreateAsync("service", new JsonObject
        {
            ["name"] = "http", ["host"] = (string)host["_id"]!, ["_realm"] = realm, ["max_check_attempts"] = attempts,
        });
        return (realm, host, service);
    }

    private async Task<JsonNode> PostResults(JsonNode body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var (status, reply) = await Admin.PostAsync("/checkresult", body);
        Assert.True(status == expected, $"{status} {reply?.ToJsonString()}");
        return reply!;
    }

    private async Task<JsonObject> Get(string resource, string id) => (await Admin.GetAsync($"/{resource}/{id}")).Body!.AsObject();

    private static string Where(JsonObject where) => "where=" + Uri.EscapeDataString(where.ToJsonString());

    private async Task<JsonObject> Synthesis(string realm) => (await Admin.GetAsync($"/livesynthesis/{realm}")).Body!.AsObject();

    [Fact]
    public async Task Native_results_go_soft_then_hard_and_are_visible_at_once_with_history_and_livesynthesis()
    {
        var (realm, host, service) = await Site(attempts: 2);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var reply = await PostResults(new JsonArray(
            new JsonObject { ["host_name"] = (string)host["name"]!, ["exit_status"] = 0, ["output"] = "host fine", ["check_time"] = now - 10 },
            new JsonObject
            {
                ["host_name"] = (string)host["name"]!, ["service_name"] = "http", ["exit_status"] = 2, ["output"] = "refused",
                ["perf_data"] = "time=0.1s", ["check_time"] = now - 5, ["latency"] = 0.2,
            }));
        var items = reply["_items"]!.AsArray();
        Assert.Equal(("UP", "HARD"), ((string?)items[0]!["ls_state"], (string?)items[0]!["ls_state_type"]));
        Assert.Equal(("CRITICAL", "SOFT", 1), ((string?)items[1]!["ls_state"], (string?)items[1]!["ls_state_type"], (int?)items[1]!["ls_current_attempt"]));

        // Visible in the index as soon as the POST returned.
        var critical = await Admin.AllAsync("service", Where(new JsonObject { ["ls_state"] = "CRITICAL", ["_realm"] = realm }));
        Assert.Equal((string?)service["_id"], (string?)Assert.Single(critical)["_id"]);
        var stored = await Get("service", (string)service["_id"]!);
        Assert.Equal(("SOFT", "refused", "time=0.1s", now - 5), ((string?)stored["ls_state_type"], (string?)stored["ls_output"],
            (string?)stored["ls_perf_data"], (long?)stored["ls_last_check"]));
        Assert.Equal(0.2, (double?)stored["ls_latency"]);
        Assert.Equal((string?)service["_updated"], (string?)stored["_updated"]);

        await PostResults(new JsonObject { ["service"] = (string)service["_id"]!, ["host"] = (string)host["_id"]!, ["exit_status"] = 2, ["output"] = "refused again" });
        stored = await Get("service", (string)service["_id"]!);
        Assert.Equal(("CRITICAL", "HARD", 2, 4), ((string?)stored["ls_state"], (string?)stored["ls_state_type"],
            (int?)stored["ls_current_attempt"], (int?)stored["_overall_state_id"]));
        // The host took its service's new overall state before the reply.
        Assert.Equal(4, (int?)(await Get("host", (string)host["_id"]!))["_overall_state_id"]);

        var history = await Admin.AllAsync("history", Where(new JsonObject { ["service"] = (string)service["_id"]! }) + "&sort=_created");
        Assert.Equal(["CRITICAL[HARD] (False/False): refused again", "CRITICAL[SOFT] (False/False): refused"],
            history.Select(h => (string?)h["message"]).Order(StringComparer.Ordinal));
        Assert.All(history, h => Assert.Equal("check.result", (string?)h["type"]));
        var lcrs = await Admin.AllAsync("logcheckresult", Where(new JsonObject { ["service"] = (string)service["_id"]! }));
        Assert.Equal(2, lcrs.Count);
        Assert.Contains(history, h => (string?)h["logcheckresult"] == (string?)lcrs[0]["_id"]);

        var synthesis = await Synthesis(realm);
        Assert.Equal((1, 1, 1, 1), ((int?)synthesis["hosts_total"], (int?)synthesis["hosts_up_hard"],
            (int?)synthesis["services_total"], (int?)synthesis["services_critical_hard"]));
        Assert.Equal(0, (int?)synthesis["services_critical_soft"]);
    }

    [Fact]
    public async Task A_batch_with_one_bad_item_is_refused_whole_with_an_issue_per_item()
    {
        var (_, host, service) = await Site();
        var name = (string)host["name"]!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var reply = await PostResults(new JsonArray(
            new JsonObject { ["host_name"] = name, ["service_name"] = "http", ["exit_status"] = 2 },
            new JsonObject { ["host_name"] = "no-such-host", ["exit_status"] = 0 },
            new JsonObject { ["host_name"] = name, ["service_name"] = "nope", ["exit_status"] = 0 },
            new JsonObject { ["host_name"] = name, ["exit_status"] = 7 },
            new JsonObject { ["host_name"] = name, ["exit_status"] = 0, ["check_time"] = now + 86400 },
            new JsonObject { ["host_name"] = name, ["exit_status"] = "2" },
            new JsonObject { ["host_name"] = name, ["exit_status"] = 0, ["colour"] = "red" },
            new JsonObject { ["exit_status"] = 0 },
            new JsonObject { ["host_name"] = "_dummy", ["exit_status"] = 0 }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("ERR", (string?)reply["_status"]);
        var results = reply["_items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        Assert.Equal("OK", (string?)results[0]["_status"]);
        Assert.All(results.Skip(1), r => Assert.Equal("ERR", (string?)r["_status"]));
        Assert.Contains("does not exist", (string?)results[1]["_issues"]!["host_name"]);
        Assert.Contains("does not exist", (string?)results[2]["_issues"]!["service_name"]);
        Assert.NotNull(results[3]["_issues"]!["exit_status"]);
        Assert.Contains("future", (string?)results[4]["_issues"]!["check_time"]);
        Assert.NotNull(results[5]["_issues"]!["exit_status"]);
        Assert.Equal("unknown field", (string?)results[6]["_issues"]!["colour"]);
        Assert.NotNull(results[7]["_issues"]!["host"]);
        Assert.Contains("template", (string?)results[8]["_issues"]!["host_name"]);

        // Nothing of the batch was applied: not even its valid first item.
        var stored = await Get("service", (string)service["_id"]!);
        Assert.Equal(("UNKNOWN", 0L), ((string?)stored["ls_state"], (long?)stored["ls_last_check"]));
        Assert.Empty(await Admin.AllAsync("logcheckresult", Where(new JsonObject { ["service"] = (string)service["_id"]! })));
        Assert.Empty(await Admin.AllAsync("history", Where(new JsonObject { ["service"] = (string)service["_id"]! })));

        var (status, single) = await Admin.PostAsync("/checkresult", new JsonObject { ["host_name"] = name, ["exit_status"] = -1 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.NotNull(single!["_issues"]!["exit_status"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PostAsync("/checkresult", new JsonArray())).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.PostAsync("/checkresult", JsonValue.Create(3)!)).Status);
    }

    [Fact]
    public async Task A_check_result_delivered_twice_to_its_entity_is_applied_once()
    {
        var (_, _, service) = await Site(attempts: 3);
        var serviceId = (string)service["_id"]!;
        var entities = fixture.Backend.Services.GetRequiredService<LiveEntities>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        ApplyCheckResult Warning(string id) => new(serviceId, EntityKind.Service, new CheckInput(1, "warning", "", "", now, 0, 0, true), CommandId: id);

        var first = Warning(DocumentIds.NewId());
        var applied = (await entities.AskInOrderAsync([first]))[0]!;
        Assert.Equal((LiveOutcome.Applied, "SOFT", 1), (applied.Outcome, applied.State!.StateType, applied.State.CurrentAttempt));
        // The same result again (as sent again after a node was lost): answered, not applied a second time.
        var again = (await entities.AskInOrderAsync([first]))[0]!;
        Assert.Equal((LiveOutcome.Duplicate, "SOFT", 1), (again.Outcome, again.State!.StateType, again.State.CurrentAttempt));
        // Positive control: another result is applied.
        var next = (await entities.AskInOrderAsync([Warning(DocumentIds.NewId())]))[0]!;
        Assert.Equal((LiveOutcome.Applied, "SOFT", 2), (next.Outcome, next.State!.StateType, next.State.CurrentAttempt));
        Assert.Equal(2, (int?)(await Get("service", serviceId))["ls_current_attempt"]);
    }

    [Fact]
    public async Task Past_the_bound_of_results_in_flight_a_result_is_refused_with_503_and_retry_after_and_not_applied()
    {
        var (_, host, service) = await Site();
        var ingestion = fixture.Backend.Services.GetRequiredService<Alignak.Http.Live.CheckResultIngestion>();
        var result = new JsonObject { ["host_name"] = (string)host["name"]!, ["service_name"] = "http", ["exit_status"] = 2, ["output"] = "held back" };
        var refused = ingestion.Refused;
        // The whole bound taken, as by concurrent requests still being applied.
        using (ingestion.TryAdmit(Alignak.Http.Live.CheckResultIngestion.MaxInFlight))
        {
            using var response = await Admin.Http.PostAsync("/checkresult",
                new StringContent(result.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
            Assert.Equal("ERR", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["_status"]);
            Assert.Equal(refused + 1, ingestion.Refused);
        }
        Assert.NotEqual("held back", (string?)(await Get("service", (string)service["_id"]!))["ls_output"]);
        // Room again: the same result is taken and applied.
        await PostResults(result);
        Assert.Equal("held back", (string?)(await Get("service", (string)service["_id"]!))["ls_output"]);
    }

    [Fact]
    public async Task A_logcheckresult_from_Alignak_is_recorded_as_told_unless_older_than_the_last_check()
    {
        var (_, host, _) = await Site();
        var hostId = (string)host["_id"]!;
        var (status, _) = await Admin.PostAsync("/logcheckresult", new JsonObject
        {
            ["host_name"] = (string)host["name"]!, ["state"] = "DOWN", ["state_type"] = "HARD", ["state_id"] = 1,
            ["last_state"] = "UP", ["last_state_type"] = "HARD", ["output"] = "no route", ["last_check"] = 2000,
            ["last_time_1"] = 2000, ["current_attempt"] = 3, ["acknowledged"] = false,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var stored = await Get("host", hostId);
        Assert.Equal(("DOWN", "HARD", 1, 2000L, 2000L, 4), ((string?)stored["ls_state"], (string?)stored["ls_state_type"],
            (int?)stored["ls_state_id"], (long?)stored["ls_last_check"], (long?)stored["ls_last_time_down"], (int?)stored["_overall_state_id"]));
        Assert.Equal("no route", (string?)stored["ls_output"]);

        // Older than what the host already shows: stored in the log, not applied.
        (status, _) = await Admin.PostAsync("/logcheckresult", new JsonObject
        {
            ["host"] = hostId, ["state"] = "UP", ["state_type"] = "HARD", ["last_state_type"] = "HARD", ["output"] = "late", ["last_check"] = 1000,
        });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("DOWN", (string?)(await Get("host", hostId))["ls_state"]);

        var messages = (await Admin.AllAsync("history", Where(new JsonObject { ["host"] = hostId }))).Select(h => (string?)h["message"]).Order();
        Assert.Equal(["DOWN[HARD] (False/False): no route", "UP[HARD] (False/False): late"], messages);
    }

    [Fact]
    public async Task A_patch_of_live_fields_keeps_updated_and_replies_a_usable_etag()
    {
        var (_, _, service) = await Site();
        var id = (string)service["_id"]!;
        var (status, patched) = await Admin.PatchAsync($"/service/{id}", new JsonObject
        {
            ["ls_state"] = "WARNING", ["ls_state_type"] = "HARD", ["ls_state_id"] = 1, ["ls_output"] = "slow",
        }, (string)service["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        var stored = await Get("service", id);
        Assert.Equal((string?)patched!["_etag"], (string?)stored["_etag"]);
        Assert.NotEqual((string?)service["_etag"], (string?)stored["_etag"]);
        Assert.Equal((string?)service["_updated"], (string?)stored["_updated"]);
        Assert.Equal(("WARNING", "slow", 3), ((string?)stored["ls_state"], (string?)stored["ls_output"], (int?)stored["_overall_state_id"]));

        // The reply's ETag works as If-Match, and a configuration change still moves _updated.
        (status, _) = await Admin.PatchAsync($"/service/{id}", new JsonObject { ["display_name"] = "Web" }, (string)patched["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        stored = await Get("service", id);
        Assert.Equal("WARNING", (string?)stored["ls_state"]);
        Assert.Equal("Web", (string?)stored["display_name"]);
    }

    [Fact]
    public async Task Actions_are_recorded_for_Alignak_with_their_history_and_change_nothing_by_themselves()
    {
        var (_, host, service) = await Site();
        await PostResults(new JsonObject { ["service"] = (string)service["_id"]!, ["host"] = (string)host["_id"]!, ["exit_status"] = 2 });
        await PostResults(new JsonObject { ["service"] = (string)service["_id"]!, ["host"] = (string)host["_id"]!, ["exit_status"] = 2 });
        var (status, created) = await Admin.PostAsync("/actionacknowledge", new JsonObject
        {
            ["host"] = (string)host["_id"]!, ["service"] = (string)service["_id"]!, ["user"] = fixture.AdminId, ["comment"] = "looking",
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var action = await Get("actionacknowledge", (string)created!["_id"]!);
        Assert.False((bool?)action["processed"]);
        Assert.False((bool?)(await Get("service", (string)service["_id"]!))["ls_acknowledged"]);

        var events = await Admin.AllAsync("history", Where(new JsonObject { ["service"] = (string)service["_id"]!, ["type"] = "ack.add" }));
        var added = Assert.Single(events);
        Assert.Equal(("looking", "admin", "http"), ((string?)added["message"], (string?)added["user_name"], (string?)added["service_name"]));

        (status, _) = await Admin.PatchAsync($"/actionacknowledge/{action["_id"]}", new JsonObject { ["processed"] = true }, (string)action["_etag"]!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(await Admin.AllAsync("history", Where(new JsonObject { ["service"] = (string)service["_id"]!, ["type"] = "ack.processed" })));

        (status, _) = await Admin.PostAsync("/actionforcecheck", new JsonObject { ["host"] = (string)host["_id"]!, ["service"] = null, ["user"] = fixture.AdminId });
        Assert.Equal(HttpStatusCode.Created, status);
        var request = Assert.Single(await Admin.AllAsync("history", Where(new JsonObject { ["host"] = (string)host["_id"]!, ["type"] = "check.request" })));
        Assert.Equal("", (string?)request["service_name"]);
    }

    [Fact]
    public async Task Livesynthesis_always_equals_a_recount()
    {
        var (realm, host, service) = await Site(attempts: 1, hostFields: new JsonObject { ["max_check_attempts"] = 1 });
        var hostId = (string)host["_id"]!;
        var other = await fixture.CreateAsync("service", new JsonObject { ["name"] = "dns", ["host"] = hostId, ["_realm"] = realm });
        var unmonitored = await fixture.CreateAsync("service", new JsonObject
        {
            ["name"] = "off", ["host"] = hostId, ["_realm"] = realm, ["active_checks_enabled"] = false, ["passive_checks_enabled"] = false,
        });
        await PostResults(new JsonArray(
            new JsonObject { ["host"] = hostId, ["service"] = (string)service["_id"]!, ["exit_status"] = 2 },
            new JsonObject { ["host"] = hostId, ["service"] = (string)other["_id"]!, ["exit_status"] = 1 },
            new JsonObject { ["host"] = hostId, ["exit_status"] = 2 }));
        var synthesis = await Synthesis(realm);
        Assert.Equal((3, 1, 1, 1), ((int?)synthesis["services_total"], (int?)synthesis["services_not_monitored"],
            (int?)synthesis["services_critical_hard"], (int?)synthesis["services_warning_hard"]));
        Assert.Equal(1, (int?)synthesis["hosts_down_hard"]);
        AssertRecount();

        // Deleting a service, then the host (and so its services), moves every counter back.
        var dns = await Get("service", (string)other["_id"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/service/{dns["_id"]}", (string)dns["_etag"]!)).Status);
        synthesis = await Synthesis(realm);
        Assert.Equal((2, 0), ((int?)synthesis["services_total"], (int?)synthesis["services_warning_hard"]));
        var current = await Get("host", hostId);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"/host/{hostId}", (string)current["_etag"]!)).Status);
        synthesis = await Synthesis(realm);
        Assert.All(LiveSynthesis.Counters, counter => Assert.Equal(0, (int?)synthesis[counter]));
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync($"/service/{unmonitored["_id"]}")).Status);
        AssertRecount();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Admin.PostAsync("/livesynthesis", new JsonObject())).Status);
    }

    [Fact]
    public async Task Livesynthesis_history_lists_snapshots_newest_first_and_concatenation_adds_the_sub_realms()
    {
        var (realm, host, _) = await Site();
        var child = (string)(await fixture.CreateAsync("realm", new JsonObject { ["name"] = $"c-{Guid.NewGuid():N}", ["_parent"] = realm }))["_id"]!;
        await fixture.CreateAsync("host", new JsonObject { ["name"] = $"h-{Guid.NewGuid():N}", ["_realm"] = child });
        var history = fixture.Backend.Services.GetRequiredService<Alignak.Http.Live.LiveSynthesisHistory>();
        await history.SnapshotAsync(DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        await PostResults(new JsonObject { ["host"] = (string)host["_id"]!, ["exit_status"] = 2 });
        await history.SnapshotAsync(DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);

        var (status, body) = await Admin.GetAsync($"/livesynthesis/{realm}?history=1");
        Assert.Equal(HttpStatusCode.OK, status);
        var snapshots = body!["history"]!.AsArray();
        Assert.Equal(2, snapshots.Count);
        Assert.Equal((1, 0), ((int?)snapshots[0]!["hosts_down_hard"], (int?)snapshots[0]!["hosts_unreachable_hard"]));
        Assert.Equal((0, 1), ((int?)snapshots[1]!["hosts_down_hard"], (int?)snapshots[1]!["hosts_unreachable_hard"]));
        Assert.NotNull((string?)snapshots[0]!["_created"]);

        var (_, concatenated) = await Admin.GetAsync($"/livesynthesis/{realm}?concatenation=1&history=1");
        Assert.Equal((2, 1, 1), ((int?)concatenated!["hosts_total"], (int?)concatenated["hosts_down_hard"], (int?)concatenated["hosts_unreachable_hard"]));
        Assert.Equal(2, (int?)concatenated["history"]![0]!["hosts_total"]);
        Assert.Equal(1, (int?)(await Synthesis(realm))["hosts_total"]);
    }

    private void AssertRecount()
    {
        var index = fixture.Backend.Services.GetRequiredService<DocumentIndex>();
        var synthesis = fixture.Backend.Services.GetRequiredService<LiveSynthesis>();
        foreach (var (realm, counters) in LiveSynthesis.Recount(index))
            Assert.Equal(counters, synthesis.Of(realm));
    }
}

public sealed class SqliteLiveHttpTests(SqliteFixture fixture) : LiveHttpTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresLiveHttpTests(PostgresFixture fixture) : LiveHttpTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Persistence.Logs;
using Alignak.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Alignak.Tests.Logs;

/// <summary>history and logcheckresult through HTTP, kept and queried in SQL.</summary>
public abstract class LogTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private static string Where(JsonObject filter) => "where=" + Uri.EscapeDataString(filter.ToJsonString());

    private async Task<(JsonObject Host, JsonObject Service)> HostWithService()
    {
        var host = await fixture.CreateAsync("host", new JsonObject { ["name"] = $"log-host-{Guid.NewGuid():N}"[..22] });
        var service = await fixture.CreateAsync("service", new JsonObject { ["name"] = "load", ["host"] = (string)host["_id"]! });
        return (host, service);
    }

    private static JsonObject Result(JsonObject fields)
    {
        var result = new JsonObject { ["state"] = "OK", ["state_type"] = "HARD", ["last_state_type"] = "HARD", ["output"] = "fine" };
        foreach (var (key, value) in fields) result[key] = value?.DeepClone();
        return result;
    }

    [Fact]
    public async Task Check_results_are_resolved_by_name_and_validated_as_a_whole_batch()
    {
        var (host, service) = await HostWithService();
        var (status, body) = await fixture.Admin.PostAsync("/logcheckresult", new JsonArray(
            Result(new JsonObject { ["host_name"] = (string)host["name"]!, ["service_name"] = "load", ["state"] = "WARNING" }),
            Result(new JsonObject { ["host"] = (string)host["_id"]!, ["state"] = "UP" })));
        Assert.Equal(HttpStatusCode.Created, status);
        var first = (await fixture.Admin.GetAsync($"/logcheckresult/{body!["_items"]![0]!["_id"]}")).Body!;
        Assert.Equal((string?)host["_id"], (string?)first["host"]);
        Assert.Equal((string?)service["_id"], (string?)first["service"]);
        Assert.Equal((string?)host["_realm"], (string?)first["_realm"]);
        var hostCheck = (await fixture.Admin.GetAsync($"/logcheckresult/{body["_items"]![1]!["_id"]}")).Body!;
        Assert.Null(hostCheck["service"]);
        Assert.Equal("", (string?)hostCheck["service_name"]);
        Assert.Equal((string?)host["name"], (string?)hostCheck["host_name"]);

        var (unknown, issues) = await fixture.Admin.PostAsync("/logcheckresult", new JsonArray(
            Result(new JsonObject { ["host_name"] = (string)host["name"]!, ["output"] = "batch-should-not-land" }),
            Result(new JsonObject { ["host_name"] = "no-such-host" })));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown);
        Assert.Equal("host 'no-such-host' does not exist", (string?)issues!["_items"]![1]!["_issues"]!["host_name"]);
        var landed = await fixture.Admin.AllAsync("logcheckresult", Where(new JsonObject { ["host"] = (string)host["_id"]!, ["output"] = "batch-should-not-land" }));
        Assert.Empty(landed);

        var (noHost, text) = await fixture.Admin.PostAsync("/logcheckresult", Result(new JsonObject()));
        Assert.Equal(HttpStatusCode.PreconditionFailed, noHost);
        Assert.Equal("Posting LCR without host information is not accepted.", (string?)text);
        var (noService, serviceIssues) = await fixture.Admin.PostAsync("/logcheckresult",
            Result(new JsonObject { ["host"] = (string)host["_id"]!, ["service_name"] = "nope" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noService);
        Assert.Contains("does not exist on host", (string?)serviceIssues!["_issues"]!["service_name"]);
    }

    [Fact]
    public async Task History_resolves_names_and_defaults_the_user_to_Alignak()
    {
        var (host, service) = await HostWithService();
        var (status, body) = await fixture.Admin.PostAsync("/history", new JsonObject
        {
            ["host_name"] = (string)host["name"]!, ["service_name"] = "load", ["type"] = "webui.comment", ["message"] = "hello",
        });
        Assert.Equal(HttpStatusCode.Created, status);
        var stored = (await fixture.Admin.GetAsync($"/history/{body!["_id"]}")).Body!;
        Assert.Equal((string?)host["_id"], (string?)stored["host"]);
        Assert.Equal((string?)service["_id"], (string?)stored["service"]);
        Assert.Equal("Alignak", (string?)stored["user_name"]);

        var (bad, issues) = await fixture.Admin.PostAsync("/history", new JsonObject { ["type"] = "not.a.type" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad);
        Assert.NotNull(issues!["_issues"]!["type"]);
    }

    [Fact]
    public async Task Logs_are_filtered_sorted_and_paged_from_sql()
    {
        var (host, _) = await HostWithService();
        var hostId = (string)host["_id"]!;
        var results = new JsonArray(Enumerable.Range(0, 12).Select(i => (JsonNode)Result(new JsonObject
        {
            ["host"] = hostId, ["state"] = i % 3 == 0 ? "DOWN" : "UP", ["output"] = $"result {i:D2}",
        })).ToArray());
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PostAsync("/logcheckresult", results)).Status);

        var byHost = Where(new JsonObject { ["host"] = hostId });
        var (_, firstPage) = await fixture.Admin.GetAsync("/logcheckresult?max_results=5&" + byHost);
        Assert.Equal(12, (int?)firstPage!["_meta"]!["total"]);
        Assert.NotNull(firstPage["_links"]!["next"]);
        var all = await fixture.Admin.AllAsync("logcheckresult", "max_results=5&" + byHost);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"result {i:D2}"), all.Select(r => (string)r["output"]!));
        var newestFirst = await fixture.Admin.AllAsync("logcheckresult", "max_results=5&sort=-_created&" + byHost);
        Assert.Equal(12, newestFirst.Count);

        // A condition on a field that is not a column is matched row by row, with the right total.
        var (_, down) = await fixture.Admin.GetAsync("/logcheckresult?max_results=2&" + Where(new JsonObject { ["host"] = hostId, ["state"] = "DOWN" }));
        Assert.Equal(4, (int?)down!["_meta"]!["total"]);

        var since = Rfc1123.Format(DateTimeOffset.UtcNow.AddMinutes(-5));
        var recent = await fixture.Admin.AllAsync("logcheckresult", Where(new JsonObject
        {
            ["host"] = hostId, ["_created"] = new JsonObject { ["$gte"] = since },
        }));
        Assert.Equal(12, recent.Count);
        var future = Rfc1123.Format(DateTimeOffset.UtcNow.AddDays(1));
        Assert.Empty(await fixture.Admin.AllAsync("logcheckresult", Where(new JsonObject
        {
            ["host"] = hostId, ["_created"] = new JsonObject { ["$gte"] = future },
        })));

        // None of it is held in memory.
        var index = fixture.Backend.Services.GetRequiredService<DocumentIndex>();
        Assert.Equal(0, index.Collection("logcheckresult").Count);
        Assert.Equal(0, index.Collection("history").Count);
    }

    [Fact]
    public async Task Log_items_are_patched_and_deleted_with_if_match()
    {
        var (_, body) = await fixture.Admin.PostAsync("/history", new JsonObject { ["type"] = "webui.comment", ["message"] = "v1" });
        var id = (string)body!["_id"]!;
        var etag = (string)body["_etag"]!;
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await fixture.Admin.PatchAsync($"/history/{id}", new JsonObject { ["message"] = "v2" }, null)).Status);
        var (patched, patchBody) = await fixture.Admin.PatchAsync($"/history/{id}", new JsonObject { ["message"] = "v2" }, etag);
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal("v2", (string?)(await fixture.Admin.GetAsync($"/history/{id}")).Body!["message"]);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await fixture.Admin.DeleteAsync($"/history/{id}", etag)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Admin.DeleteAsync($"/history/{id}", (string)patchBody!["_etag"]!)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Admin.GetAsync($"/history/{id}")).Status);
    }

    [Fact]
    public async Task Concurrent_patches_with_one_etag_let_exactly_one_win()
    {
        var (_, body) = await fixture.Admin.PostAsync("/history", new JsonObject { ["type"] = "webui.comment", ["message"] = "race" });
        var id = (string)body!["_id"]!;
        var etag = (string)body["_etag"]!;
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            fixture.Admin.PatchAsync($"/history/{id}", new JsonObject { ["message"] = $"writer {i}" }, etag)));
        Assert.Single(attempts, a => a.Status == HttpStatusCode.OK);
        Assert.All(attempts.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.Status));
        var winner = attempts.Single(a => a.Status == HttpStatusCode.OK);
        Assert.Equal((string?)winner.Body!["_etag"], (string?)(await fixture.Admin.GetAsync($"/history/{id}")).Body!["_etag"]);
    }

    [Fact]
    public async Task The_purge_removes_rows_older_than_the_retention()
    {
        var (_, body) = await fixture.Admin.PostAsync("/history", new JsonObject { ["type"] = "webui.comment", ["message"] = "old news" });
        var store = fixture.Backend.Services.GetRequiredService<SqlLogStore>();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(0, await LogPurge.RunAsync(store, retentionDays: 0, DateTimeOffset.UtcNow.AddDays(30), ct));
        Assert.NotNull(await store.GetAsync("history", (string)body!["_id"]!, ct));
        // Seen from 30 days ahead with a 7-day retention, everything posted now is too old.
        Assert.True(await LogPurge.RunAsync(store, retentionDays: 7, DateTimeOffset.UtcNow.AddDays(30), ct) >= 1);
        Assert.Null(await store.GetAsync("history", (string)body["_id"]!, ct));
    }
}

public sealed class SqliteLogTests(SqliteFixture fixture) : LogTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresLogTests(PostgresFixture fixture) : LogTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

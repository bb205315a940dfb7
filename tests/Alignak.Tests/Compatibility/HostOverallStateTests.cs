using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Api;

namespace Alignak.Tests.Compatibility;

/// <summary>
/// A host's <c>_overall_state_id</c> follows its services (spec 2.9: an UP host takes the worst overall state of its
/// services) and a read right after a result's reply already shows it, as the original's synchronous hooks did.
/// </summary>
public abstract class HostOverallStateTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private const int Iterations = 50;

    private async Task Post(string path, JsonNode body)
    {
        var (status, reply) = await fixture.Admin.PostAsync(path, body);
        Assert.True(status == HttpStatusCode.Created, $"POST {path}: {status} {reply?.ToJsonString()}");
    }

    private async Task<int?> HostOverall(string id) => (int?)(await fixture.Admin.GetAsync($"/host/{id}")).Body!["_overall_state_id"];

    [Fact]
    public async Task A_read_right_after_a_result_shows_the_hosts_new_overall_state_both_ways_in()
    {
        var hostName = $"h-{Guid.NewGuid():N}";
        var host = (string)(await fixture.CreateAsync("host", new JsonObject { ["name"] = hostName }))["_id"]!;
        foreach (var name in new[] { "web", "db" })
            await fixture.CreateAsync("service", new JsonObject { ["name"] = name, ["host"] = host, ["max_check_attempts"] = 1 });
        // Check times only go forward: the original's logcheckresult gate ignores a result older than the last check.
        var time = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10 * Iterations * 10;

        JsonObject Native(string? service, int exit)
        {
            var result = new JsonObject { ["host_name"] = hostName, ["exit_status"] = exit, ["output"] = $"exit {exit}", ["check_time"] = ++time };
            if (service is not null) result["service_name"] = service;
            return result;
        }

        // What Alignak's broker posts: the state as its scheduler decided it (HARD: max_check_attempts 1).
        JsonObject Alignak(string service, string state, int stateId) => new()
        {
            ["host_name"] = hostName, ["service_name"] = service, ["state"] = state, ["state_id"] = stateId, ["state_type"] = "HARD",
            ["last_state_type"] = "HARD", ["output"] = state.ToLowerInvariant(), ["last_check"] = ++time,
        };

        // An UP host whose services are OK is 0 (its services start UNKNOWN: 3 until their first result).
        await Post("/checkresult", new JsonArray(Native(null, 0), Native("web", 0), Native("db", 0)));
        Assert.Equal(0, await HostOverall(host));

        for (var i = 0; i < Iterations; i++)
        {
            await Post("/checkresult", Native("web", 2));
            Assert.Equal(4, await HostOverall(host));
            await Post("/checkresult", Native("web", 0));
            Assert.Equal(0, await HostOverall(host));

            await Post("/logcheckresult", Alignak("web", "CRITICAL", 2));
            Assert.Equal(4, await HostOverall(host));
            await Post("/logcheckresult", Alignak("web", "OK", 0));
            Assert.Equal(0, await HostOverall(host));

            // Several services of the host in one list: the host shows the worst of them (WARNING 3, CRITICAL 4).
            await Post("/checkresult", new JsonArray(Native("web", 1), Native("db", 2)));
            Assert.Equal(4, await HostOverall(host));
            await Post("/logcheckresult", new JsonArray(Alignak("web", "OK", 0), Alignak("db", "WARNING", 1)));
            Assert.Equal(3, await HostOverall(host));
            await Post("/checkresult", new JsonArray(Native("web", 0), Native("db", 0)));
            Assert.Equal(0, await HostOverall(host));
        }
    }
}

public sealed class SqliteHostOverallStateTests(SqliteFixture fixture)
    : HostOverallStateTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresHostOverallStateTests(PostgresFixture fixture)
    : HostOverallStateTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Rights;

namespace Alignak.Tests.Live;

/// <summary>The rights filter on check results and livesynthesis: a user of realm A acts only on what it may see.</summary>
public sealed class LiveRightsTests(SqliteRealmTreeFixture fixture) : IClassFixture<SqliteRealmTreeFixture>
{
    [Fact]
    public async Task A_user_of_realm_A_posts_results_for_its_hosts_only_and_reads_its_livesynthesis_only()
    {
        var (client, _) = await fixture.UserAsync(["create", "read"], subRealm: false);
        using var user = client;
        var (status, _) = await user.PostAsync("/checkresult", new JsonObject { ["host"] = fixture.Items["host"]["own"], ["exit_status"] = 0 });
        Assert.Equal(HttpStatusCode.Created, status);

        // A host it cannot see is answered as unknown (nothing leaks about it), and nothing is applied.
        var sibling = fixture.Items["host"]["sibling"];
        var (refused, body) = await user.PostAsync("/checkresult", new JsonObject { ["host"] = sibling, ["exit_status"] = 2 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.Contains("does not exist", (string?)body!["_issues"]!["host"]);
        Assert.Equal(0L, (long?)(await fixture.Admin.GetAsync($"/host/{sibling}")).Body!["ls_last_check"]);

        var realms = (await user.AllAsync("livesynthesis")).Select(l => (string?)l["_realm"]).ToList();
        Assert.Equal([fixture.A], realms);

        var (readOnly, _) = await fixture.UserAsync(["read"], subRealm: false);
        using var reader = readOnly;
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await reader.PostAsync("/checkresult", new JsonObject { ["host"] = fixture.Items["host"]["own"], ["exit_status"] = 0 })).Status);
    }
}

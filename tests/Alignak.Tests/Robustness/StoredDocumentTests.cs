using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Alignak.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Alignak.Tests.Robustness;

/// <summary>
/// A number a field cannot hold is refused when written; one already stored (written before that, or straight into
/// the database) is skipped by the part of the server that cannot use it, and the server still starts.
/// </summary>
public sealed class StoredDocumentTests
{
    [Fact]
    public async Task Numbers_a_field_cannot_hold_are_refused_with_the_field_named()
    {
        await using var database = TestDatabase.Sqlite();
        await using var backend = await InProcessBackend.StartAsync(database);
        using var admin = await backend.AdminAsync();
        var realm = (string)(await admin.FindAsync("realm", "All"))!["_id"]!;
        var (created, body) = await admin.PostAsync("/graphite",
            new JsonObject { ["name"] = "g", ["carbon_address"] = "127.0.0.1", ["graphite_address"] = "127.0.0.1", ["_realm"] = realm });
        Assert.True(created == HttpStatusCode.Created, body?.ToJsonString());
        var path = $"/graphite/{body!["_id"]}";
        var etag = (string)body["_etag"]!;

        foreach (var (raw, issue) in new[]
                 {
                     ("9223372036854775808", "max value is 9223372036854775807"), ("-9223372036854775809", "min value is -9223372036854775808"),
                     ("2147483648", "max value is 2147483647"), ("1e400", "must be of integer type"),
                 })
        {
            var (status, refused) = await Patch(admin, path, $$"""{"carbon_port": {{raw}}}""", etag);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.Equal(issue, (string?)refused!["_issues"]!["carbon_port"]);
        }
        // A float field: no infinity. A 64-bit integer field keeps its whole range.
        var (lcr, lcrBody) = await admin.SendAsync(HttpMethod.Post, "/host", JsonNode.Parse($$"""{"name": "h", "check_interval": 9223372036854775807, "_realm": "{{realm}}"}"""));
        Assert.True(lcr == HttpStatusCode.Created, lcrBody?.ToJsonString());
        var (inf, infBody) = await Patch(admin, $"/host/{lcrBody!["_id"]}", """{"ls_latency": 1e400}""", (string)lcrBody["_etag"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inf);
        Assert.Equal("max value is 1.7976931348623157e+308", (string?)infBody!["_issues"]!["ls_latency"]);

        var (accepted, _) = await Patch(admin, path, """{"carbon_port": 2004}""", etag);
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.Equal(2004, (int?)(await admin.GetAsync(path)).Body!["carbon_port"]);
    }

    [Fact]
    public async Task A_stored_document_the_server_cannot_use_is_skipped_and_the_server_starts()
    {
        await using var database = TestDatabase.Sqlite();
        var closed = ClosedPort();
        string hostId;
        await using (var first = await InProcessBackend.StartAsync(database))
        {
            using var admin = await first.AdminAsync();
            var realm = (string)(await admin.FindAsync("realm", "All"))!["_id"]!;
            foreach (var (resource, document) in new (string, JsonObject)[]
                     {
                         ("graphite", new JsonObject { ["name"] = "good", ["carbon_address"] = "127.0.0.1", ["carbon_port"] = closed, ["graphite_address"] = "127.0.0.1", ["_realm"] = realm }),
                         ("grafana", new JsonObject { ["name"] = "good-grafana", ["address"] = "127.0.0.1", ["port"] = closed, ["apikey"] = "k", ["_realm"] = realm }),
                         ("host", new JsonObject { ["name"] = "web", ["_realm"] = realm }),
                     })
            {
                var (status, body) = await admin.PostAsync("/" + resource, document);
                Assert.True(status == HttpStatusCode.Created, $"{resource}: {status} {body?.ToJsonString()}");
            }
            hostId = (string)(await admin.FindAsync("host", "web"))!["_id"]!;
        }

        // As an older version (or a hand edit) may have left them: values no part of the server can use.
        await using (var sql = new SqliteConnection(database.ConnectionString))
        {
            await sql.OpenAsync(TestContext.Current.CancellationToken);
            await CopyAsync(sql, "graphite", "good", "5b0000000000000000000001", """{"name": "bad", "carbon_port": 9223372036854775808}""");
            await CopyAsync(sql, "graphite", "good", "5b0000000000000000000002", """{"name": "bad-type", "carbon_port": "2004", "prefix": 12}""");
            await CopyAsync(sql, "grafana", "good-grafana", "5b0000000000000000000003", """{"name": "bad-grafana", "port": 9223372036854775808}""");
        }
        SqliteConnection.ClearAllPools();

        await using var again = await InProcessBackend.StartAsync(database);
        using var client = await again.AdminAsync();
        Assert.Equal(3, (await client.AllAsync("graphite")).Count);

        // The good database still gets the points (it is down: they are parked), the bad ones are left out.
        var (posted, postBody) = await client.PostAsync("/checkresult", new JsonObject
        {
            ["host"] = hostId, ["exit_status"] = 0, ["output"] = "ok", ["perf_data"] = "load=1",
        });
        Assert.True(posted == HttpStatusCode.Created, $"{posted} {postBody?.ToJsonString()}");
        JsonArray targets = [];
        for (var i = 0; i < 100 && targets.Count == 0; i++)
        {
            var (status, counters) = await client.GetAsync("/cron_timeseries");
            Assert.Equal(HttpStatusCode.OK, status);
            targets = counters!["targets"]!.AsArray();
            if (targets.Count == 0) await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.Equal(["good"], targets.Select(t => (string?)t!["name"]));

        var (cron, report) = await client.GetAsync("/cron_grafana");
        Assert.Equal(HttpStatusCode.OK, cron);
        Assert.False((bool)report!["bad-grafana"]!["connection"]!);
        Assert.False((bool)report["good-grafana"]!["connection"]!); // nothing listens on its port: tried, not skipped
    }

    private static async Task<(HttpStatusCode, JsonNode?)> Patch(EveClient client, string path, string json, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        using var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    /// <summary>A copy of a stored document under a new id, with some fields' JSON text replaced.</summary>
    private static async Task CopyAsync(SqliteConnection sql, string resource, string name, string id, string replacements)
    {
        await using var read = sql.CreateCommand();
        read.CommandText = "SELECT body FROM alignak_documents WHERE resource = $r";
        read.Parameters.AddWithValue("$r", resource);
        string? source = null;
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                if ((string?)JsonNode.Parse(reader.GetString(0))!["name"] == name) source = reader.GetString(0);
        var document = JsonNode.Parse(source!)!.AsObject();
        document["_id"] = id;
        foreach (var (key, _) in JsonNode.Parse(replacements)!.AsObject()) document.Remove(key);
        // Spliced as text: the replacements keep their JSON as written (9223372036854775808 stays that integer).
        var body = document.ToJsonString()[..^1] + "," + replacements.Trim()[1..^1] + "}";
        await using var insert = sql.CreateCommand();
        insert.CommandText = "INSERT INTO alignak_documents (resource, id, revision, body) VALUES ($r, $i, 1, $b)";
        insert.Parameters.AddWithValue("$r", resource);
        insert.Parameters.AddWithValue("$i", id);
        insert.Parameters.AddWithValue("$b", body);
        await insert.ExecuteNonQueryAsync();
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Tests.Support;

namespace Alignak.Tests.Api;

/// <summary>Bad input gets the original's status and envelope: never a 500, never a half-written batch.</summary>
public sealed class BadInputTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly string[] MalformedBodies =
    [
        "not json", "{", "[]", "[1, 2]", "\"text\"", "123", "null", "{}", """{"name": 5}""", """{"name": null}""",
        """{"_id": "zzz"}""", """{"_created": "yesterday"}""", """{"unknown_field_xyz": 1}""", """{"name": {"$gt": ""}}""",
        """{"_realm": "000000000000000000000000"}""", """{"_realm": "not-an-id"}""", """{"name": ["a", "b"]}""",
        """[{"name": "ok-looking"}, 7]""", """{"customs": "not a dict"}""", """{"tags": "not a list"}""",
        "{\"name\": \"" + new string('x', 100_000) + "\"}", string.Concat(Enumerable.Repeat("[", 5000)),
        """{"name": "\ud800"}""",
    ];

    public static TheoryData<string> Resources()
    {
        var data = new TheoryData<string>();
        foreach (var schema in Samples.CreatableResources) data.Add(schema.Name);
        return data;
    }

    private async Task<(HttpStatusCode Status, string Body, string? Type)> Send(HttpMethod method, string path, string body, string? etag = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (etag is not null) request.Headers.TryAddWithoutValidation("If-Match", etag);
        using var response = await fixture.Admin.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertClientError(HttpStatusCode status, string body, string? type, string what)
    {
        Assert.True((int)status is >= 400 and < 500, $"{what}: {(int)status} {body[..Math.Min(300, body.Length)]}");
        if (type == "application/json") Assert.Equal("ERR", (string?)JsonNode.Parse(body)!["_status"]);
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Malformed_bodies_are_refused_with_a_client_error_and_nothing_is_written(string resource)
    {
        var before = (await fixture.Admin.AllAsync(resource)).Count;
        var existing = (await fixture.Admin.AllAsync(resource)).FirstOrDefault();
        foreach (var body in MalformedBodies)
        {
            var (status, text, type) = await Send(HttpMethod.Post, "/" + resource, body);
            if (status == HttpStatusCode.Created) continue; // e.g. {} on a resource without required fields
            AssertClientError(status, text, type, $"POST /{resource} {body[..Math.Min(40, body.Length)]}");
            if (existing is not null)
            {
                var (patchStatus, patchText, patchType) = await Send(HttpMethod.Patch, $"/{resource}/{existing["_id"]}", body, (string?)existing["_etag"]);
                if (patchStatus == HttpStatusCode.OK)
                    existing = (await fixture.Admin.GetAsync($"/{resource}/{existing["_id"]}")).Body!.AsObject();
                else AssertClientError(patchStatus, patchText, patchType, $"PATCH /{resource} {body[..Math.Min(40, body.Length)]}");
            }
        }
        // A batch with one bad item writes none of it.
        var (batchStatus, _, _) = await Send(HttpMethod.Post, "/" + resource,
            """[{"name": "batch-ok-1", "host": "batch-ok-1"}, {"name": 5, "host": 5, "unknown_field_xyz": 1}]""");
        Assert.NotEqual(HttpStatusCode.Created, batchStatus);
        Assert.DoesNotContain(await fixture.Admin.AllAsync(resource), d => d["name"]?.ToJsonString() == "\"batch-ok-1\"");
        Assert.True((await fixture.Admin.AllAsync(resource)).Count >= before);
    }

    [Theory]
    [InlineData("where=not-json")]
    [InlineData("where={\"name\":{\"$where\":\"1\"}}")]
    [InlineData("where={\"name\":{\"$bogus\":1}}")]
    [InlineData("where={\"$or\":\"x\"}")]
    [InlineData("sort=[(")]
    [InlineData("projection={bad")]
    [InlineData("embedded={\"name\":1}")]
    [InlineData("embedded=oops")]
    public async Task Bad_query_parameters_get_400(string query)
    {
        var (status, body) = await fixture.Admin.GetAsync("/host?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR", (string?)body!["_status"]);
        Assert.Equal(400, (int?)body["_error"]!["code"]);
    }

    [Theory]
    [InlineData("max_results=100000", 50)]
    [InlineData("max_results=abc", 25)]
    [InlineData("max_results=-3", 25)]
    [InlineData("page=abc", 25)]
    public async Task Paging_parameters_out_of_range_fall_back_as_eve_does(string query, int expectedMax)
    {
        var (status, body) = await fixture.Admin.GetAsync("/realm?" + query);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expectedMax, (int?)body!["_meta"]!["max_results"]);
    }

    [Theory]
    [InlineData("/host/xyz")]
    [InlineData("/host/ZZZZZZZZZZZZZZZZZZZZZZZZ")]
    [InlineData("/host/000000000000000000000000")]
    [InlineData("/nosuchresource")]
    [InlineData("/timeseriesretention")]
    public async Task Unknown_ids_and_resources_are_404_in_the_envelope(string path)
    {
        var (status, body) = await fixture.Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, (int?)body!["_error"]!["code"]);
    }

    [Fact]
    public async Task A_relation_to_a_missing_id_and_a_duplicate_name_are_422_with_issues()
    {
        var (status, body) = await fixture.Admin.PostAsync("/host", new JsonObject { ["name"] = "rel-host", ["_realm"] = "5a0000000000000000000099" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("value '5a0000000000000000000099' must exist in resource 'realm', field '_id'.", (string?)body!["_issues"]!["_realm"]);
        Assert.Equal("Insertion failure: 1 document(s) contain(s) error(s)", (string?)body["_error"]!["message"]);

        var (dup, dupBody) = await fixture.Admin.PostAsync("/realm", new JsonObject { ["name"] = "All" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, dup);
        Assert.Equal("value 'All' is not unique", (string?)dupBody!["_issues"]!["name"]);

        var (batch, batchBody) = await fixture.Admin.PostAsync("/realm", new JsonArray(new JsonObject { ["name"] = "twin" }, new JsonObject { ["name"] = "twin" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, batch);
        Assert.Equal("OK", (string?)batchBody!["_items"]![0]!["_status"]);
        Assert.Equal("ERR", (string?)batchBody["_items"]![1]!["_status"]);
        Assert.Null(await fixture.Admin.FindAsync("realm", "twin"));
    }

    [Fact]
    public async Task A_default_item_cannot_be_renamed_or_deleted()
    {
        var all = (await fixture.Admin.FindAsync("realm", "All"))!;
        var (status, body) = await fixture.Admin.PatchAsync($"/realm/{all["_id"]}", new JsonObject { ["name"] = "Everything" }, (string)all["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal("This item is a default item and its name cannot be changed", (string?)body);
        var (deleted, deleteBody) = await fixture.Admin.DeleteAsync($"/realm/{all["_id"]}", (string)all["_etag"]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, deleted);
        Assert.Equal("This item is a default item and is protected", (string?)deleteBody);
        Assert.NotNull(await fixture.Admin.FindAsync("realm", "All"));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413_in_the_envelope()
    {
        // Announce a body over the limit and wait for the answer: the server must refuse it before reading it.
        var address = fixture.Backend.Address;
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var authorization = fixture.Admin.Http.DefaultRequestHeaders.Authorization!.ToString();
        var head = $"POST /realm HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: {authorization}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {17 * 1024 * 1024}\r\n\r\n{{\"name\": \"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync();
        Assert.StartsWith("HTTP/1.1 413", statusLine);
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync())) { }
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("\"code\":413", rest);
    }

    [Fact]
    public async Task A_post_without_content_type_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/realm") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        using var response = await fixture.Admin.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unknown or no Content-Type header supplied", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>A <c>$regex</c> that backtracks past its time limit answers 400 quickly, in memory and in SQL-backed logs.</summary>
public sealed class RegexTimeoutTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Theory]
    [InlineData("host", "(a+)+$")]
    [InlineData("host", "^(a|aa)+$")]
    [InlineData("history", "(a+)+$")]
    public async Task A_catastrophic_regex_is_a_400_within_two_seconds(string resource, string pattern)
    {
        var victim = new string('a', 40) + "!";
        if (resource == "host") await fixture.CreateAsync("host", new JsonObject { ["name"] = "re-" + Guid.NewGuid().ToString("N")[..6], ["alias"] = victim });
        else await fixture.Admin.PostAsync("/history", new JsonObject { ["type"] = "webui.comment", ["message"] = victim });
        var field = resource == "host" ? "alias" : "message";
        string Where(string p) => "where=" + Uri.EscapeDataString(new JsonObject { [field] = new JsonObject { ["$regex"] = p } }.ToJsonString());

        var started = System.Diagnostics.Stopwatch.StartNew();
        var (status, body) = await fixture.Admin.GetAsync($"/{resource}?{Where(pattern)}");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR", (string?)body!["_status"]);
        Assert.Contains("timed out", (string?)body["_error"]!["message"]);

        // The same field with a pattern that does not backtrack is answered.
        var (fine, page) = await fixture.Admin.GetAsync($"/{resource}?{Where("^a+!$")}");
        Assert.Equal(HttpStatusCode.OK, fine);
        Assert.NotEmpty(page!["_items"]!.AsArray());
    }
}

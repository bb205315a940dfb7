using System.Net;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Tests.Support;

namespace Alignak.Tests.Api;

/// <summary>Create, read, update and delete through HTTP for every routable resource, on SQLite and PostgreSQL.</summary>
public abstract class ResourceCrudTests<TFixture>(TFixture fixture) where TFixture : BackendFixture
{
    private Task<(JsonObject Document, string Field, JsonNode Value)> Sample(string resource) =>
        Samples.Build(resource, fixture.RealmAll, true, fixture.SampleContext);

    public static TheoryData<string> Resources()
    {
        var data = new TheoryData<string>();
        foreach (var schema in Samples.CreatableResources) data.Add(schema.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task Create_read_update_delete(string resource)
    {
        var admin = fixture.Admin;
        var (document, field, value) = await Sample(resource);

        var (status, created) = await admin.PostAsync("/" + resource, document);
        Assert.True(status == HttpStatusCode.Created, $"{status} {created?.ToJsonString()}");
        Assert.Equal("OK", (string?)created!["_status"]);
        var id = (string)created["_id"]!;
        Assert.Matches("^[0-9a-f]{24}$", id);
        Assert.Equal($"{resource}/{id}", (string?)created["_links"]!["self"]!["href"]);

        var (readStatus, stored) = await admin.GetAsync($"/{resource}/{id}");
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal((string?)created["_etag"], (string?)stored!["_etag"]);
        foreach (var (key, sent) in document)
            Assert.True(JsonNode.DeepEquals(sent, stored[key]) || key == "password", $"{key}: sent {sent?.ToJsonString()}, stored {stored[key]?.ToJsonString()}");
        Assert.Contains(await admin.AllAsync(resource, "where=" + Uri.EscapeDataString($$"""{"_id":"{{id}}"}""")), d => (string?)d["_id"] == id);

        var etag = (string)stored["_etag"]!;
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, null)).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, "0000")).Status);
        var (patchStatus, patched) = await admin.PatchAsync($"/{resource}/{id}", new JsonObject { [field] = value.DeepClone() }, etag);
        Assert.True(patchStatus == HttpStatusCode.OK, $"{patchStatus} {patched?.ToJsonString()}");
        var newEtag = (string)patched!["_etag"]!;
        Assert.NotEqual(etag, newEtag);
        var after = (await admin.GetAsync($"/{resource}/{id}")).Body!;
        Assert.True(JsonNode.DeepEquals(value, after[field]));
        Assert.Equal(newEtag, (string?)after["_etag"]);

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.DeleteAsync($"/{resource}/{id}", etag)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/{resource}/{id}", newEtag)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/{resource}/{id}")).Status);
    }
}

public sealed class SqliteResourceCrudTests(SqliteFixture fixture)
    : ResourceCrudTests<SqliteFixture>(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresResourceCrudTests(PostgresFixture fixture)
    : ResourceCrudTests<PostgresFixture>(fixture), IClassFixture<PostgresFixture>;

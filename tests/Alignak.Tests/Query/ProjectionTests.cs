using System.Text.Json.Nodes;
using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

public class ProjectionTests
{
    private const string Stored = """
        {"_id":"5a1b2c3d4e5f6a7b8c9d0e1f","name":"h","alias":"H","customs":{"_A":1,"_B":2},"items":[{"k":"a","v":1},{"k":"b"},3],
         "_created":"Tue, 25 Aug 2015 14:10:02 GMT","_updated":"Tue, 25 Aug 2015 14:10:02 GMT","_etag":"e"}
        """;

    private static string Apply(string projection) =>
        Projection.Parse(projection)!.Apply(JsonNode.Parse(Stored)!.AsObject()).ToJsonString();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    public void No_projection(string? p) => Assert.Null(Projection.Parse(p));

    [Fact]
    public void Inclusive_keeps_meta_fields_in_document_order()
    {
        Assert.Equal(
            """{"_id":"5a1b2c3d4e5f6a7b8c9d0e1f","name":"h","_created":"Tue, 25 Aug 2015 14:10:02 GMT","_updated":"Tue, 25 Aug 2015 14:10:02 GMT","_etag":"e"}""",
            Apply("""{"name":1}"""));
        Assert.True(Projection.Parse("""{"name":true}""")!.Inclusive);
        Assert.Equal(["name"], Projection.Parse("""{"name":1,"_id":0}""")!.Fields);
    }

    [Fact]
    public void Exclusive_drops_fields_but_never_meta()
    {
        var result = JsonNode.Parse(Apply("""{"alias":0,"customs":0,"_id":0,"_etag":false}"""))!.AsObject();
        Assert.False(Projection.Parse("""{"alias":0}""")!.Inclusive);
        Assert.Equal(["_id", "name", "items", "_created", "_updated", "_etag"], result.Select(p => p.Key));
    }

    [Fact]
    public void Mixed_is_inclusive_like_eve()
    {
        var result = JsonNode.Parse(Apply("""{"name":1,"alias":0}"""))!.AsObject();
        Assert.Equal(["_id", "name", "_created", "_updated", "_etag"], result.Select(p => p.Key));
    }

    [Fact]
    public void Dotted_inclusion_selects_sub_fields()
    {
        var result = JsonNode.Parse(Apply("""{"customs._B":1,"items.k":1}"""))!.AsObject();
        Assert.Equal("""{"_B":2}""", result["customs"]!.ToJsonString());
        Assert.Equal("""[{"k":"a"},{"k":"b"}]""", result["items"]!.ToJsonString());
        Assert.False(result.ContainsKey("name"));
    }

    [Fact]
    public void Dotted_exclusion_is_ignored_like_eve()
    {
        var result = JsonNode.Parse(Apply("""{"customs._B":0}"""))!.AsObject();
        Assert.Equal("""{"_A":1,"_B":2}""", result["customs"]!.ToJsonString());
    }

    [Fact]
    public void Apply_does_not_share_or_mutate()
    {
        var doc = JsonNode.Parse(Stored)!.AsObject();
        var before = doc.ToJsonString();
        var projected = Projection.Parse("""{"customs":1}""")!.Apply(doc);
        projected["customs"]!.AsObject()["_A"] = 99;
        Assert.Equal(before, doc.ToJsonString());
        var excluded = Projection.Parse("""{"name":0}""")!.Apply(doc);
        excluded["customs"]!.AsObject().Remove("_A");
        Assert.Equal(before, doc.ToJsonString());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("name")]
    [InlineData("[\"name\"]")]
    [InlineData("1")]
    [InlineData("null")]
    [InlineData("\"x\"")]
    [InlineData("{\"a..b\":1}")]
    public void Bad_projection(string p)
    {
        var e = Assert.Throws<QueryException>(() => Projection.Parse(p));
        Assert.Equal("Unable to parse `projection` clause", e.Message);
    }
}

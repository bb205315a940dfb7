using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;

namespace Alignak.Tests.Logs;

/// <summary>
/// A log row is stored as its JSON with <c>_etag</c> last, the ETag being the SHA-1 of the JSON written before it:
/// what If-Match on history and logcheckresult rows compares, and what a read of the row returns.
/// </summary>
public class LogRowStampTests
{
    [Theory]
    [InlineData("""{"type":"check.result","message":"OK"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"output":"caf\u00e9 \u2013 \ud83d\ude00 \"quoted\"","n":1.5,"none":null,"list":[1,{"a":true}]}""")]
    public void The_stored_JSON_is_the_document_then_its_ETag(string json)
    {
        var document = JsonNode.Parse(json)!.AsObject();
        var written = document.ToJsonString();

        var stored = ETags.Stamp(document);

        var etag = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(written)));
        Assert.Equal(etag, (string?)document["_etag"]);
        Assert.Equal(written.Length > 2 ? $"{written[..^1]},\"_etag\":\"{etag}\"}}" : $"{{\"_etag\":\"{etag}\"}}", stored);
        Assert.True(JsonNode.DeepEquals(document, JsonNode.Parse(stored)));
    }

    [Fact]
    public void Stamping_again_replaces_the_ETag_and_a_large_row_does_not_spoil_the_next()
    {
        var large = new JsonObject { ["output"] = new string('x', 200_000) };
        var small = new JsonObject { ["output"] = "short" };

        var first = ETags.Stamp(large);
        var second = ETags.Stamp(small);
        var again = ETags.Stamp(small);

        Assert.Equal(large.ToJsonString(), first);
        Assert.Equal(second, again);
        Assert.StartsWith("""{"output":"short","_etag":""", second);
        Assert.Single(small, p => p.Key == "_etag");
    }
}

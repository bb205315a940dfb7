using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

/// <summary>
/// The index's compact documents read as the JSON they were written from: the same fields in the same order, the
/// same values (numbers convertible as parsed JSON's are), the same answers to queries, and the live state beside
/// them shown as the document's <c>ls_*</c> fields with an ETag that follows it.
/// </summary>
public class StoredDocumentTests
{
    private const string Realm = "5a1b2c3d4e5f6a7b8c9d0e1f";
    private const string Etag = "0123456789abcdef0123456789abcdef01234567";

    // Field order as the original's: ids first, live fields among configuration, _etag last.
    private static string ServiceJson(string id, string name)
    {
        var document = new JsonObject
        {
            ["_id"] = id,
            ["name"] = name,
            ["_realm"] = Realm,
            ["max_check_attempts"] = 3,
            ["business_impact"] = 2.5,
            ["ls_state"] = "UNKNOWN",
            ["ls_state_type"] = "HARD",
            ["ls_last_check"] = 0,
            ["tags"] = new JsonArray("web", "prod"),
            ["customs"] = new JsonObject { ["_PORT"] = "80", ["nested"] = new JsonObject { ["a"] = null } },
            ["notes"] = "café – \"quoted\"",
            ["check_command"] = null,
            ["_etag"] = Etag,
        };
        return document.ToJsonString();
    }

    private static ResourceCollection Services(params (string Id, string Json)[] documents)
    {
        var index = new DocumentIndex();
        index.Apply(documents.Select(d => new DocumentChange("service", d.Id, Revisions.Next(), d.Json)));
        return index.Collection("service");
    }

    [Fact]
    public void A_document_is_written_back_as_the_JSON_it_was_stored_from()
    {
        var json = ServiceJson("5a1b2c3d4e5f6a7b8c9d0e01", "http");
        var document = Services(("5a1b2c3d4e5f6a7b8c9d0e01", json)).Get("5a1b2c3d4e5f6a7b8c9d0e01")!;

        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), document.ToJsonString());
        Assert.Equal(JsonNode.Parse(json)!.AsObject().Select(p => p.Key), document.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), document.ToJsonObject()));
    }

    [Fact]
    public void Values_read_as_parsed_JSON_reads_them()
    {
        var document = Services(("5a1b2c3d4e5f6a7b8c9d0e01", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e01", "http"))).Get("5a1b2c3d4e5f6a7b8c9d0e01")!;

        Assert.Equal(3, (int)document["max_check_attempts"]!);
        Assert.Equal(3L, (long)document["max_check_attempts"]!);
        Assert.Equal(3.0, (double)document["max_check_attempts"]!);
        Assert.Equal(2.5, (double)document["business_impact"]!);
        Assert.Equal("café – \"quoted\"", (string?)document["notes"]);
        Assert.Equal("80", (string?)document["customs"]!["_PORT"]);
        Assert.True(document.TryGetPropertyValue("check_command", out var command));
        Assert.Null(command);
        Assert.False(document.TryGetPropertyValue("no_such_field", out _));
    }

    [Fact]
    public void Values_that_repeat_are_shared_and_no_stored_value_can_be_taken_into_another_document()
    {
        var services = Services(
            ("5a1b2c3d4e5f6a7b8c9d0e01", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e01", "http")),
            ("5a1b2c3d4e5f6a7b8c9d0e02", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e02", "ssh")));
        var first = services.Get("5a1b2c3d4e5f6a7b8c9d0e01")!;
        var second = services.Get("5a1b2c3d4e5f6a7b8c9d0e02")!;

        Assert.Same(first["_realm"], second["_realm"]);
        Assert.Same(first["tags"], second["tags"]);
        Assert.NotSame(first["_id"], second["_id"]);
        Assert.Equal("ssh", (string?)second["name"]);

        Assert.Throws<InvalidOperationException>(() => new JsonObject { ["realm"] = first["_realm"] });
        var copy = new JsonObject { ["realm"] = first["_realm"]!.DeepClone() };
        Assert.Equal(Realm, (string?)copy["realm"]);
    }

    [Fact]
    public void Documents_of_one_shape_read_their_own_values_whether_few_or_all_differ_from_the_first()
    {
        // Same fields in the same order: the later documents keep only what differs from the first.
        static string Different(string id) => new JsonObject
        {
            ["_id"] = id, ["name"] = "dns", ["_realm"] = "5a1b2c3d4e5f6a7b8c9d0e2f", ["max_check_attempts"] = 5,
            ["business_impact"] = 1, ["ls_state"] = "OK", ["ls_state_type"] = "SOFT", ["ls_last_check"] = 17,
            ["tags"] = new JsonArray(), ["customs"] = new JsonObject(), ["notes"] = "", ["check_command"] = "5a1b2c3d4e5f6a7b8c9d0e3f",
            ["_etag"] = "fedcba9876543210fedcba9876543210fedcba98",
        }.ToJsonString();
        var documents = new[]
        {
            ("5a1b2c3d4e5f6a7b8c9d0e01", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e01", "http")),
            ("5a1b2c3d4e5f6a7b8c9d0e02", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e02", "http")),
            ("5a1b2c3d4e5f6a7b8c9d0e03", ServiceJson("5a1b2c3d4e5f6a7b8c9d0e03", "ssh")),
            ("5a1b2c3d4e5f6a7b8c9d0e04", Different("5a1b2c3d4e5f6a7b8c9d0e04")),
        };
        var index = new DocumentIndex();
        index.Apply(documents.Select(d => new DocumentChange("service", d.Item1, Revisions.Next(), d.Item2)));
        // The first one gone, the others still read whole.
        index.Apply([new DocumentChange("service", documents[0].Item1, Revisions.Next(), null)]);

        foreach (var (id, json) in documents.Skip(1))
        {
            var document = index.Collection("service").Get(id)!;
            Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), document.ToJsonString());
            Assert.Equal(JsonNode.Parse(json)!["name"]!.GetValue<string>(), (string?)document["name"]);
            Assert.Equal(JsonNode.Parse(json)!["_etag"]!.GetValue<string>(), document.Etag);
        }
        Assert.Null(index.Collection("service").Get(documents[0].Item1));
    }

    [Theory]
    [InlineData("""{"name":"http"}""", true)]
    [InlineData("""{"name":"ssh"}""", false)]
    [InlineData("""{"max_check_attempts":{"$gte":3}}""", true)]
    [InlineData("""{"tags":"prod"}""", true)]
    [InlineData("""{"customs._PORT":"80"}""", true)]
    [InlineData("""{"check_command":null}""", true)]
    [InlineData("""{"missing":{"$exists":true}}""", false)]
    [InlineData("""{"$or":[{"name":"ssh"},{"business_impact":{"$lt":3}}]}""", true)]
    [InlineData("""{"notes":{"$regex":"^caf"}}""", true)]
    public void Queries_answer_on_the_stored_document_as_on_its_JSON(string where, bool expected)
    {
        var json = ServiceJson("5a1b2c3d4e5f6a7b8c9d0e01", "http");
        var document = Services(("5a1b2c3d4e5f6a7b8c9d0e01", json)).Get("5a1b2c3d4e5f6a7b8c9d0e01")!;
        var filter = WhereFilter.Parse(where);

        Assert.Equal(expected, filter.Matches(document));
        Assert.Equal(expected, filter.Matches(JsonNode.Parse(json)!.AsObject()));
    }

    [Fact]
    public void A_live_state_shows_in_the_document_and_its_ETag_and_survives_a_configuration_change()
    {
        const string id = "5a1b2c3d4e5f6a7b8c9d0e01";
        var index = new DocumentIndex();
        index.Apply([new DocumentChange("service", id, Revisions.Next(), ServiceJson(id, "http"))]);
        var before = index.Collection("service").Get(id)!;
        var state = LiveState.Initial(EntityKind.Service) with { State = "CRITICAL", StateId = 2, LastCheck = 1700000000 };

        index.ApplyLive(new LiveChange("service", id, Revisions.Next(), new JsonObject { ["ls_state"] = "CRITICAL" }, state));
        var live = index.Collection("service").Get(id)!;

        Assert.Equal("UNKNOWN", (string?)before["ls_state"]);
        Assert.Equal("CRITICAL", (string?)live["ls_state"]);
        Assert.Equal(2, (int)live["ls_state_id"]!);
        Assert.Equal(1700000000L, (long)live["ls_last_check"]!);
        Assert.Equal("http", (string?)live["name"]);
        var liveEtag = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(Etag + LiveFields.ToJson(state).ToJsonString())));
        Assert.Equal(liveEtag, (string?)live["_etag"]);
        Assert.Equal(Etag, (string?)before["_etag"]);
        Assert.Equal([id], index.Collection("service").IdsWhere("ls_state", "CRITICAL"));
        Assert.Empty(index.Collection("service").IdsWhere("ls_state", "UNKNOWN"));
        Assert.True(WhereFilter.Parse("""{"ls_state":"CRITICAL","name":"http"}""").Matches(live));
        Assert.Equal("CRITICAL", (string?)live.ToJsonObject()["ls_state"]);

        // A configuration write keeps the entity's state (it wins over the stored live fields).
        index.Apply([new DocumentChange("service", id, Revisions.Next(), ServiceJson(id, "https"))]);
        var renamed = index.Collection("service").Get(id)!;
        Assert.Equal("https", (string?)renamed["name"]);
        Assert.Equal("CRITICAL", (string?)renamed["ls_state"]);
    }
}

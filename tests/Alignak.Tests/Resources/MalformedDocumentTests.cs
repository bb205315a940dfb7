using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Resources;

/// <summary>Every routable resource against documents a careless or hostile client could send.</summary>
public class MalformedDocumentTests
{
    private const string SomeId = "5a0000000000000000000099";

    public static TheoryData<string> RoutableResources()
    {
        var data = new TheoryData<string>();
        foreach (var schema in Schemas.Routable) data.Add(schema.Name);
        return data;
    }

    private static JsonNode WrongType(FieldSchema field) => field.Type switch
    {
        "string" => JsonValue.Create(12),
        _ => JsonValue.Create("x"),
    };

    private static IEnumerable<(string Case, JsonObject Doc)> Malformed(ResourceSchema schema)
    {
        JsonObject All(Func<FieldSchema, JsonNode?> value)
        {
            var doc = new JsonObject();
            foreach (var field in schema.Fields.Values) doc[field.Name] = value(field);
            return doc;
        }

        yield return ("wrong types", All(WrongType));
        yield return ("nulls", All(_ => null));
        yield return ("mixed arrays", All(_ => JsonNode.Parse("""[null, {}, [], 1.5, "x", true, -3]""")));
        yield return ("nested objects", All(_ => JsonNode.Parse("""{"a": {"b": [1, {"c": null}]}, "type": "Point"}""")));
        yield return ("lists of ids", All(_ => new JsonArray(SomeId, SomeId.ToUpperInvariant(), "", null)));
        yield return ("floats", All(_ => JsonNode.Parse("1e308")));
        yield return ("booleans", All(_ => JsonValue.Create(false)));
        yield return ("empty strings", All(_ => JsonValue.Create("")));
        yield return ("unknown and meta fields", new JsonObject
        {
            ["_id"] = "not-an-id", ["_etag"] = 1, ["_links"] = new JsonObject(), ["no_such_field"] = "x",
        });
    }

    [Theory]
    [MemberData(nameof(RoutableResources))]
    public void Malformed_documents_get_issues_and_never_throw(string resource)
    {
        var schema = Schemas.Find(resource)!;
        var lookup = new FakeLookup();
        foreach (var (name, doc) in Malformed(schema))
        {
            if (name == "unknown and meta fields" && schema.AllowUnknown)
            {
                // only _id is checked when unknown fields are welcome
                Assert.Equal("value 'not-an-id' cannot be converted to a ObjectId",
                    (string?)DocumentValidator.ValidateInsert(schema, doc, lookup)?["_id"]);
                continue;
            }
            var insert = DocumentValidator.ValidateInsert(schema, (JsonObject)doc.DeepClone(), lookup);
            Assert.True(insert is { Count: > 0 }, $"{resource}/{name}: insert returned no issues");
            var update = DocumentValidator.ValidateUpdate(schema, (JsonObject)doc.DeepClone(), (JsonObject)doc.DeepClone(), SomeId, lookup);
            Assert.True(update is { Count: > 0 }, $"{resource}/{name}: update returned no issues");
            Assert.All(insert, kv => Assert.NotNull(kv.Value));
        }
    }

    [Theory]
    [MemberData(nameof(RoutableResources))]
    public void Random_documents_never_throw(string resource)
    {
        var schema = Schemas.Find(resource)!;
        var random = new Random(resource.Sum(c => c)); // deterministic per resource
        var names = schema.Fields.Keys.Append("_id").Append("zz_unknown").ToArray();
        for (var round = 0; round < 200; round++)
        {
            var doc = new JsonObject();
            var count = random.Next(0, 8);
            for (var i = 0; i < count; i++) doc[names[random.Next(names.Length)]] = RandomValue(random, 0);
            var lookup = new FakeLookup().With("realm", SomeId).With("user", SomeId);
            _ = DocumentValidator.ValidateInsert(schema, (JsonObject)doc.DeepClone(), lookup);
            _ = DocumentValidator.ValidateUpdate(schema, (JsonObject)doc.DeepClone(), (JsonObject)doc.DeepClone(), SomeId, lookup);
            var copy = (JsonObject)doc.DeepClone();
            DocumentValidator.Serialize(schema, copy);
            DocumentValidator.ApplyDefaults(schema, copy);
        }
    }

    [Fact]
    public void Empty_documents_report_the_required_fields()
    {
        foreach (var schema in Schemas.Routable)
        {
            var issues = DocumentValidator.ValidateInsert(schema, new JsonObject(), new FakeLookup());
            var expected = schema.Fields.Values.Where(f => f.Required && f.Dependencies.Count == 0).Select(f => f.Name).ToArray();
            Assert.Equal(expected, issues?.Select(kv => kv.Key).ToArray() ?? []);
            Assert.All(issues ?? [], kv => Assert.Equal("required field", (string?)kv.Value));
        }
    }

    [Fact]
    public void Floats_in_messages_print_as_python_does()
    {
        var host = Schemas.Find("host")!;
        var doc = new JsonObject
        {
            ["location"] = JsonNode.Parse("""{"type": "Line", "coordinates": [1.0, 1e-7, 2.5e20, 48.858293, 1e15, 1e16, 0.0001, -2, true, null, "a'b"]}"""),
        };
        var issues = DocumentValidator.ValidateUpdate(host, doc, doc, SomeId, new FakeLookup());
        Assert.Equal(
            "Point not correct {'type': 'Line', 'coordinates': [1.0, 1e-07, 2.5e+20, 48.858293, 1000000000000000.0, 1e+16, 0.0001, -2, True, None, \"a'b\"]}: Geometry not compilant to GeoJSON",
            (string?)issues?["location"]);
    }

    private static JsonNode? RandomValue(Random random, int depth)
    {
        switch (random.Next(depth > 2 ? 7 : 9))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(-5, 200));
            case 2: return JsonValue.Create(random.NextDouble() * 1000 - 500);
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4: return JsonValue.Create(new[] { "", "x", "UP", "d", "o", SomeId, "bad(name", "a\nb", "é" }[random.Next(9)]);
            case 5: return JsonValue.Create(SomeId);
            case 6: return JsonNode.Parse(new[] { "1.0", "1e400", "-0", "12345678901234567890" }[random.Next(4)]);
            case 7:
                var array = new JsonArray();
                for (var i = random.Next(4); i > 0; i--) array.Add(RandomValue(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(4); i > 0; i--) obj["k" + random.Next(5)] = RandomValue(random, depth + 1);
                if (random.Next(3) == 0) { obj["type"] = "Point"; obj["coordinates"] = new JsonArray(1, 2); }
                return obj;
        }
    }
}

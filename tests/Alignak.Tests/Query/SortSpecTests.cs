using System.Text.Json.Nodes;
using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

public class SortSpecTests
{
    private static List<JsonObject> Docs(params string[] json) => json.Select(j => JsonNode.Parse(j)!.AsObject()).ToList();

    private static List<string> Names(SortSpec spec, List<JsonObject> docs) =>
        spec.Sort(docs).Select(d => d["n"]!.GetValue<string>()).ToList();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("None")]
    public void No_sort(string? sort) => Assert.Null(SortSpec.Parse(sort));

    [Theory]
    [InlineData("name", "name", false)]
    [InlineData("-name", "name", true)]
    [InlineData(" -name ", "name", true)]
    [InlineData("customs._K", "customs._K", false)]
    [InlineData("""[("name", 1)]""", "name", false)]
    [InlineData("""[('name', -1)]""", "name", true)]
    [InlineData("""[["name", -1]]""", "name", true)]
    [InlineData("""("name", -1)""", "name", true)]
    [InlineData("""{"name": -1}""", "name", true)]
    public void Single_field(string sort, string field, bool descending)
    {
        var spec = SortSpec.Parse(sort)!;
        Assert.Equal([(field, descending)], spec.Fields);
    }

    [Theory]
    [InlineData("a,-b")]
    [InlineData("a, -b")]
    [InlineData("""[("a", 1), ("b", -1)]""")]
    [InlineData("""[('a', 1), ('b', -1),]""")]
    [InlineData("""[["a", 1], ["b", -1]]""")]
    public void Several_fields(string sort)
    {
        Assert.Equal([("a", false), ("b", true)], SortSpec.Parse(sort)!.Fields);
    }

    [Theory]
    [InlineData("name desc")]
    [InlineData("a,,b")]
    [InlineData("a,")]
    [InlineData("-")]
    [InlineData("1abc")]
    [InlineData("$name")]
    [InlineData("class")]
    [InlineData("[(\"name\", 2)]")]
    [InlineData("[(\"name\", \"asc\")]")]
    [InlineData("[(\"name\",)]")]
    [InlineData("[(1, 1)]")]
    [InlineData("[\"name\"]")]
    [InlineData("[(\"name\", 1)")]
    [InlineData("[(\"name\", 1)]]")]
    [InlineData("(")]
    [InlineData("{\"a\"}")]
    [InlineData("[name]")]
    [InlineData("'unterminated")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[")]
    public void Bad_sort_syntax(string sort) => Assert.Throws<QueryException>(() => SortSpec.Parse(sort));

    [Fact]
    public void Strings_sort_bytewise_upper_case_first()
    {
        var docs = Docs("""{"n":"b"}""", """{"n":"N"}""", """{"n":"a"}""", """{"n":"A"}""", """{"n":"_x"}""", """{"n":"é"}""", """{"n":"Z"}""");
        Assert.Equal(["A", "N", "Z", "_x", "a", "b", "é"], Names(SortSpec.Parse("n")!, docs));
        Assert.Equal(["é", "b", "a", "_x", "Z", "N", "A"], Names(SortSpec.Parse("-n")!, docs));
    }

    [Fact]
    public void Mixed_types_follow_bson_order()
    {
        var docs = Docs(
            """{"n":"bool","v":true}""",
            """{"n":"str","v":"x"}""",
            """{"n":"missing"}""",
            """{"n":"arr","v":[]}""",
            """{"n":"num","v":10}""",
            """{"n":"obj","v":{"a":1}}""",
            """{"n":"null","v":null}""",
            """{"n":"small","v":2.5}""");
        // Empty array below null; missing and null tie (natural order kept); numbers; strings; objects; booleans.
        Assert.Equal(["arr", "missing", "null", "small", "num", "str", "obj", "bool"], Names(SortSpec.Parse("v")!, docs));
    }

    [Fact]
    public void Missing_fields_sort_first_ascending_last_descending()
    {
        var docs = Docs("""{"n":"b","v":2}""", """{"n":"none"}""", """{"n":"a","v":1}""");
        Assert.Equal(["none", "a", "b"], Names(SortSpec.Parse("v")!, docs));
        Assert.Equal(["b", "a", "none"], Names(SortSpec.Parse("-v")!, docs));
    }

    [Fact]
    public void Arrays_sort_by_min_ascending_and_max_descending()
    {
        var docs = Docs("""{"n":"x","v":[1,10]}""", """{"n":"y","v":[5]}""", """{"n":"z","v":3}""");
        Assert.Equal(["x", "z", "y"], Names(SortSpec.Parse("v")!, docs));
        Assert.Equal(["x", "y", "z"], Names(SortSpec.Parse("-v")!, docs));
    }

    [Fact]
    public void Secondary_keys_and_stability()
    {
        var docs = Docs("""{"n":"1","a":1,"b":1}""", """{"n":"2","a":0,"b":5}""", """{"n":"3","a":1,"b":2}""", """{"n":"4","a":1,"b":2}""");
        Assert.Equal(["2", "3", "4", "1"], Names(SortSpec.Parse("a,-b")!, docs));
        Assert.Equal(["2", "3", "4", "1"], Names(SortSpec.Parse("""[("a", 1), ("b", -1)]""")!, docs));
        var list = docs.ToList();
        list.Sort(SortSpec.Parse("a,-b")!.Comparer);
        Assert.Equal("2", list[0]["n"]!.GetValue<string>());
        Assert.Equal("1", list[3]["n"]!.GetValue<string>());
    }

    [Fact]
    public void Meta_dates_sort_chronologically()
    {
        var docs = Docs(
            """{"n":"2016","_updated":"Fri, 01 Jan 2016 00:00:00 GMT"}""",
            """{"n":"2015","_updated":"Tue, 25 Aug 2015 14:10:02 GMT"}""",
            """{"n":"2014","_updated":"Wed, 25 Jun 2014 00:00:00 GMT"}""");
        Assert.Equal(["2014", "2015", "2016"], Names(SortSpec.Parse("_updated")!, docs));
        // Without the date field set they are plain strings, ordered byte-wise.
        Assert.Equal(["2016", "2015", "2014"], Names(SortSpec.Parse("_updated", new HashSet<string>())!, docs));
    }

    [Fact]
    public void Nested_and_clr_values()
    {
        var docs = new List<JsonObject>
        {
            new() { ["n"] = "b", ["c"] = new JsonObject { ["k"] = 2L } },
            new() { ["n"] = "a", ["c"] = new JsonObject { ["k"] = 1.5 } },
            new() { ["n"] = "c", ["c"] = new JsonObject { ["k"] = 3 } },
        };
        Assert.Equal(["a", "b", "c"], Names(SortSpec.Parse("c.k")!, docs));
    }

    [Fact]
    public void Mongo_order_compare()
    {
        Assert.True(MongoOrder.Compare(null, JsonValue.Create(0)) < 0);
        Assert.True(MongoOrder.Compare(JsonValue.Create(100), JsonValue.Create("1")) < 0);
        Assert.True(MongoOrder.Compare(JsonValue.Create("Z"), JsonValue.Create("a")) < 0);
        Assert.True(MongoOrder.Compare(JsonValue.Create("z"), new JsonObject()) < 0);
        Assert.True(MongoOrder.Compare(new JsonObject(), new JsonArray()) < 0);
        Assert.True(MongoOrder.Compare(new JsonArray(), JsonValue.Create(false)) < 0);
        Assert.True(MongoOrder.Compare(JsonValue.Create(false), JsonValue.Create(true)) < 0);
        Assert.Equal(0, MongoOrder.Compare(JsonValue.Create(1), JsonNode.Parse("1.0")));
        Assert.Equal(0, MongoOrder.Compare(JsonValue.Create("é"), JsonNode.Parse("\"\\u00e9\"")));
        Assert.True(MongoOrder.Compare(JsonValue.Create("\uffff"), JsonValue.Create("😀")) < 0);
        Assert.True(MongoOrder.Compare(JsonNode.Parse("[1,2]"), JsonNode.Parse("[1,3]")) < 0);
        Assert.True(MongoOrder.Compare(JsonNode.Parse("[1]"), JsonNode.Parse("[1,0]")) < 0);
        Assert.True(MongoOrder.Compare(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("""{"b":0}""")) < 0);
        Assert.True(MongoOrder.Compare(JsonNode.Parse("""{"a":5}"""), JsonNode.Parse("""{"a":"0"}""")) < 0);
    }
}

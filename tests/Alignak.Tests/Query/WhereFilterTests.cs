using System.Diagnostics;
using System.Text.Json.Nodes;
using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

public class WhereFilterTests
{
    private const string Id1 = "5a1b2c3d4e5f6a7b8c9d0e1f";
    private const string Id2 = "5a1b2c3d4e5f6a7b8c9d0e20";

    private static JsonObject Doc(string json) => JsonNode.Parse(json)!.AsObject();

    private static bool M(string where, string doc) => WhereFilter.Parse(where).Matches(Doc(doc));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_where_matches_everything(string? where)
    {
        var f = WhereFilter.Parse(where);
        Assert.True(f.MatchesAll);
        Assert.True(f.Matches(Doc("{}")));
        Assert.Empty(f.TopLevelEqualities);
    }

    [Fact]
    public void Implicit_equality()
    {
        Assert.True(M("""{"name":"host1"}""", """{"name":"host1"}"""));
        Assert.False(M("""{"name":"host1"}""", """{"name":"Host1"}"""));
        Assert.False(M("""{"name":"host1"}""", """{"other":"host1"}"""));
        Assert.True(M("""{"processed":false}""", """{"processed":false}"""));
        Assert.False(M("""{"processed":false}""", """{"processed":0}"""));
        Assert.True(M("""{"ls_state_id":1}""", """{"ls_state_id":1.0}"""));
        Assert.True(M("""{"a":1,"b":"x"}""", """{"a":1,"b":"x"}"""));
        Assert.False(M("""{"a":1,"b":"x"}""", """{"a":1,"b":"y"}"""));
    }

    [Fact]
    public void Equality_with_clr_backed_values()
    {
        var doc = new JsonObject { ["name"] = "h", ["n"] = 5L, ["f"] = 2.5, ["i"] = 3, ["b"] = true, ["tags"] = new JsonArray("a", "b") };
        Assert.True(WhereFilter.Parse("""{"name":"h","n":5,"f":2.5,"i":3,"b":true,"tags":"b"}""").Matches(doc));
        Assert.True(WhereFilter.Parse("""{"n":{"$gt":4.5},"name":{"$regex":"^h$"},"i":{"$in":[1,3]}}""").Matches(doc));
        var odd = new JsonObject
        {
            ["g"] = Guid.Empty,
            ["d"] = new DateTime(2015, 8, 25, 14, 10, 2, DateTimeKind.Utc),
        };
        Assert.True(WhereFilter.Parse("""{"g":"00000000-0000-0000-0000-000000000000"}""").Matches(odd));
        Assert.True(WhereFilter.Parse("""{"d":"Tue, 25 Aug 2015 14:10:02 GMT"}""").Matches(odd));
    }

    [Fact]
    public void Array_membership_and_exact_array()
    {
        var doc = $$"""{"_templates":["{{Id1}}","{{Id2}}"],"tags":["a","b"]}""";
        Assert.True(M($$"""{"_templates":"{{Id1}}"}""", doc));
        Assert.False(M("""{"_templates":"5a1b2c3d4e5f6a7b8c9d0e99"}""", doc));
        Assert.True(M("""{"tags":["a","b"]}""", doc));
        Assert.False(M("""{"tags":["b","a"]}""", doc));
        Assert.False(M("""{"tags":["a"]}""", doc));
        Assert.True(M("""{"tags":["a"]}""", """{"tags":[["a"],"c"]}"""));
    }

    [Fact]
    public void Object_id_strings_are_case_insensitive()
    {
        Assert.True(M($$"""{"_id":"{{Id1.ToUpperInvariant()}}"}""", $$"""{"_id":"{{Id1}}"}"""));
    }

    [Fact]
    public void Null_matches_missing_and_null()
    {
        Assert.True(M("""{"f":null}""", "{}"));
        Assert.True(M("""{"f":null}""", """{"f":null}"""));
        Assert.False(M("""{"f":null}""", """{"f":0}"""));
        Assert.True(M("""{"f":null}""", """{"f":[1,null]}"""));
        Assert.True(M("""{"f":{"$ne":null}}""", """{"f":0}"""));
        Assert.False(M("""{"f":{"$ne":null}}""", "{}"));
        Assert.True(M("""{"f":{"$in":[null,1]}}""", "{}"));
        Assert.False(M("""{"f":{"$nin":[null,1]}}""", "{}"));
        Assert.True(M("""{"f":{"$gte":null}}""", "{}"));
        Assert.False(M("""{"f":{"$gt":null}}""", "{}"));
    }

    [Fact]
    public void Ne_in_nin()
    {
        Assert.True(M("""{"a":{"$ne":1}}""", """{"a":2}"""));
        Assert.True(M("""{"a":{"$ne":1}}""", "{}"));
        Assert.False(M("""{"a":{"$ne":1}}""", """{"a":[2,1]}"""));
        Assert.True(M("""{"a":{"$in":[1,"x"]}}""", """{"a":"x"}"""));
        Assert.True(M("""{"a":{"$in":[1,"x"]}}""", """{"a":["y",1]}"""));
        Assert.False(M("""{"a":{"$in":[]}}""", """{"a":1}"""));
        Assert.True(M("""{"a":{"$nin":[1,2]}}""", """{"a":3}"""));
        Assert.True(M("""{"a":{"$nin":[1,2]}}""", "{}"));
        Assert.False(M("""{"a":{"$nin":[1,2]}}""", """{"a":[3,2]}"""));
    }

    [Fact]
    public void In_with_many_strings_uses_set()
    {
        var ids = Enumerable.Range(0, 50).Select(i => $"\"id{i}\"");
        var f = WhereFilter.Parse($$$"""{"name":{"$in":[{{{string.Join(",", ids)}}}]}}""");
        Assert.True(f.Matches(Doc("""{"name":"id42"}""")));
        Assert.True(f.Matches(Doc("""{"name":["zz","id7"]}""")));
        Assert.False(f.Matches(Doc("""{"name":"id50"}""")));
        Assert.False(f.Matches(Doc("""{"name":42}""")));
        Assert.True(f.Matches(new JsonObject { ["name"] = "id3" }));
    }

    [Fact]
    public void Comparisons_on_numbers()
    {
        Assert.True(M("""{"a":{"$gt":1}}""", """{"a":2}"""));
        Assert.False(M("""{"a":{"$gt":2}}""", """{"a":2}"""));
        Assert.True(M("""{"a":{"$gte":2}}""", """{"a":2.0}"""));
        Assert.True(M("""{"a":{"$lt":2.5}}""", """{"a":2}"""));
        Assert.True(M("""{"a":{"$lte":-1}}""", """{"a":-1}"""));
        Assert.True(M("""{"a":{"$gte":1,"$lte":3}}""", """{"a":3}"""));
        Assert.False(M("""{"a":{"$gte":1,"$lte":3}}""", """{"a":4}"""));
        Assert.True(M("""{"a":{"$gt":5}}""", """{"a":[1,7]}"""));
        // Type brackets: numbers never compare with strings.
        Assert.False(M("""{"a":{"$gt":1}}""", """{"a":"2"}"""));
        Assert.False(M("""{"a":{"$lt":"z"}}""", """{"a":1}"""));
        Assert.False(M("""{"a":{"$gt":1}}""", "{}"));
    }

    [Fact]
    public void Comparisons_on_strings_are_bytewise()
    {
        Assert.True(M("""{"name":{"$lt":"a"}}""", """{"name":"Z"}"""));
        Assert.True(M("""{"name":{"$gt":"A"}}""", """{"name":"N"}"""));
        Assert.False(M("""{"name":{"$gt":"a"}}""", """{"name":"B"}"""));
        Assert.True(M("""{"name":{"$gt":"z"}}""", """{"name":"é"}"""));
        Assert.True(M("""{"name":{"$gt":"\uffff"}}""", """{"name":"😀"}"""));
        Assert.True(WhereFilter.Parse("""{"name":{"$gt":"\uffff"}}""").Matches(new JsonObject { ["name"] = "😀" }));
        Assert.True(M("""{"name":{"$gte":"ab"}}""", """{"name":"ab"}"""));
        Assert.False(M("""{"name":{"$gt":"ab"}}""", """{"name":"a"}"""));
        Assert.True(M("""{"name":{"$lt":"b"}}""", """{"name":"a\"q"}"""));
    }

    [Fact]
    public void Dates_are_coerced_and_compared_as_dates()
    {
        const string doc = """{"_updated":"Tue, 25 Aug 2015 14:10:02 GMT","name":"Tue, 25 Aug 2015 14:10:02 GMT","n":5,"bad":"yesterday"}""";
        Assert.True(M("""{"_updated":{"$gte":"Tue, 25 Aug 2015 14:10:02 GMT"}}""", doc));
        Assert.True(M("""{"_updated":{"$gt":"Mon, 24 Aug 2015 23:59:59 GMT"}}""", doc));
        Assert.False(M("""{"_updated":{"$gt":"Tue, 25 Aug 2015 14:10:02 GMT"}}""", doc));
        // Byte-wise "Wed" > "Tue" but as dates 2014 < 2015.
        Assert.True(M("""{"_updated":{"$gt":"Wed, 25 Jun 2014 00:00:00 GMT"}}""", doc));
        Assert.True(M("""{"_updated":"Tue, 25 Aug 2015 14:10:02 GMT"}""", doc));
        // Python strptime leniency: case, single digits.
        Assert.True(M("""{"_updated":"tue, 25 aug 2015 14:10:2 gmt"}""", doc));
        Assert.False(M("""{"n":{"$gt":"Mon, 24 Aug 2015 23:59:59 GMT"}}""", doc));
        Assert.False(M("""{"bad":{"$lt":"Mon, 24 Aug 2015 23:59:59 GMT"}}""", doc));
        // A non-date string stays a string.
        Assert.True(M("""{"bad":{"$gt":"x"}}""", doc));
        Assert.True(M("""{"bad":"yesterday"}""", doc));
        Assert.True(M("""{"_updated":{"$in":["Tue, 25 Aug 2015 14:10:02 GMT"]}}""", doc));
    }

    [Fact]
    public void Regex_and_options()
    {
        Assert.True(M("""{"name":{"$regex":".*ost.*"}}""", """{"name":"host1"}"""));
        Assert.False(M("""{"name":{"$regex":"^ost"}}""", """{"name":"host1"}"""));
        Assert.True(M("""{"name":{"$regex":"^HOST","$options":"i"}}""", """{"name":"host1"}"""));
        Assert.True(M("""{"name":{"$options":"i","$regex":"^HOST"}}""", """{"name":"host1"}"""));
        Assert.True(M("""{"name":{"$regex":"^(?!_internal).*"}}""", """{"name":"web"}"""));
        Assert.False(M("""{"name":{"$regex":"^(?!_internal).*"}}""", """{"name":"_internal_host_up"}"""));
        Assert.True(M("""{"name":{"$regex":"^(?P<x>a)(?P=x)$"}}""", """{"name":"aa"}"""));
        Assert.True(M("""{"tags":{"$regex":"^b"}}""", """{"tags":["a","bc"]}"""));
        Assert.False(M("""{"n":{"$regex":"1"}}""", """{"n":1}"""));
        Assert.False(M("""{"n":{"$regex":"1"}}""", "{}"));
        Assert.True(M("""{"name":{"$regex":"é\"x"}}""", """{"name":"\u00e9\"x"}"""));
        Assert.True(M("""{"name":{"$not":{"$regex":"^_"}}}""", """{"name":"web"}"""));
        Assert.True(M("""{"name":{"$not":{"$regex":"^_"}}}""", "{}"));
        var longName = new string('x', 1000) + "end";
        Assert.True(M("""{"name":{"$regex":"end$"}}""", $$"""{"name":"{{longName}}"}"""));
    }

    [Fact]
    public void Logical_operators()
    {
        const string doc = """{"a":1,"b":2}""";
        Assert.True(M("""{"$or":[{"a":5},{"b":2}]}""", doc));
        Assert.False(M("""{"$or":[{"a":5},{"b":5}]}""", doc));
        Assert.True(M("""{"$and":[{"a":1},{"b":2}]}""", doc));
        Assert.False(M("""{"$and":[{"a":1},{"b":5}]}""", doc));
        Assert.True(M("""{"$nor":[{"a":5},{"b":5}]}""", doc));
        Assert.False(M("""{"$nor":[{"a":1},{"b":5}]}""", doc));
        Assert.True(M("""{"a":1,"$or":[{"b":2},{"c":3}]}""", doc));
        Assert.True(M("""{"a":{"$not":{"$gt":1}}}""", doc));
        Assert.False(M("""{"a":{"$not":{"$gte":1}}}""", doc));
        Assert.True(M("""{"$and":[{"$or":[{"a":1},{"a":2}]},{"$nor":[{"b":3}]}]}""", doc));
    }

    [Fact]
    public void Exists_size_all_elemMatch_type_mod()
    {
        Assert.True(M("""{"a":{"$exists":true}}""", """{"a":null}"""));
        Assert.False(M("""{"a":{"$exists":true}}""", "{}"));
        Assert.True(M("""{"a":{"$exists":false}}""", "{}"));
        Assert.True(M("""{"a":{"$exists":0}}""", "{}"));
        Assert.True(M("""{"a":{"$size":2}}""", """{"a":[1,2]}"""));
        Assert.False(M("""{"a":{"$size":2}}""", """{"a":[1]}"""));
        Assert.True(M("""{"a":{"$all":["x","y"]}}""", """{"a":["y","z","x"]}"""));
        Assert.False(M("""{"a":{"$all":["x","y"]}}""", """{"a":["y"]}"""));
        Assert.False(M("""{"a":{"$all":[]}}""", """{"a":["y"]}"""));
        Assert.True(M("""{"r":{"$elemMatch":{"$gte":80,"$lt":85}}}""", """{"r":[70,82,90]}"""));
        Assert.False(M("""{"r":{"$elemMatch":{"$gte":80,"$lt":85}}}""", """{"r":[70,90]}"""));
        Assert.True(M("""{"r":{"$elemMatch":{"k":"a","v":{"$gt":1}}}}""", """{"r":[{"k":"a","v":1},{"k":"a","v":2}]}"""));
        Assert.False(M("""{"r":{"$elemMatch":{"k":"a","v":{"$gt":1}}}}""", """{"r":[{"k":"a","v":1},{"k":"b","v":2}]}"""));
        Assert.True(M("""{"a":{"$type":"string"}}""", """{"a":"x"}"""));
        Assert.True(M("""{"a":{"$type":2}}""", """{"a":"x"}"""));
        Assert.False(M("""{"a":{"$type":"string"}}""", """{"a":1}"""));
        Assert.True(M("""{"a":{"$type":"number"}}""", """{"a":1.5}"""));
        Assert.True(M("""{"a":{"$type":"array"}}""", """{"a":[]}"""));
        Assert.True(M("""{"a":{"$mod":[4,1]}}""", """{"a":9}"""));
        Assert.False(M("""{"a":{"$mod":[4,1]}}""", """{"a":8}"""));
    }

    [Fact]
    public void Nested_paths()
    {
        const string doc = """{"customs":{"_OS":"linux","_N":3},"ls_perf_data":"x","items":[{"k":"a","v":1},{"k":"b"}],"arr":[10,20]}""";
        Assert.True(M("""{"customs._OS":"linux"}""", doc));
        Assert.False(M("""{"customs._OS":"windows"}""", doc));
        Assert.True(M("""{"customs._N":{"$gte":3}}""", doc));
        Assert.True(M("""{"customs._MISSING":null}""", doc));
        Assert.True(M("""{"customs":{"_OS":"linux","_N":3}}""", doc));
        Assert.False(M("""{"customs":{"_N":3,"_OS":"linux"}}""", doc)); // Mongo: embedded document equality is order-sensitive
        Assert.True(M("""{"items.k":"b"}""", doc));
        Assert.True(M("""{"items.v":null}""", doc));
        Assert.True(M("""{"items.v":{"$exists":true}}""", doc));
        Assert.False(M("""{"items.w":{"$exists":true}}""", doc));
        Assert.True(M("""{"items.0.k":"a"}""", doc));
        Assert.False(M("""{"items.1.k":"a"}""", doc));
        Assert.True(M("""{"arr.1":20}""", doc));
        Assert.True(M("""{"ls_perf_data.x":null}""", doc));
        Assert.True(M("""{"nope.deeper":null}""", doc));
    }

    [Fact]
    public void Python_expression_fallback()
    {
        const string doc = """{"name":"x","a":1,"b":3,"customs":{"_K":"v"},"ok":true,"_id":"5a1b2c3d4e5f6a7b8c9d0e1f"}""";
        Assert.True(M("""name == "x" """, doc));
        Assert.True(M("name == 'x'", doc));
        Assert.False(M("""name == "y" """, doc));
        Assert.True(M("a == 1 and b != 2", doc));
        Assert.False(M("a == 1 and b != 3", doc));
        Assert.True(M("a == 5 or b >= 3", doc));
        Assert.True(M("a < 2 and (b > 10 or name == 'x')", doc));
        Assert.True(M("customs._K == 'v'", doc));
        Assert.True(M("ok == True", doc));
        Assert.True(M("missing == None", doc));
        Assert.True(M("a > -1", doc));
        Assert.True(M("_id == ObjectId('5a1b2c3d4e5f6a7b8c9d0e1f')", doc));
        Assert.True(M("_u == datetime(2015, 8, 25, 14, 10, 2)", """{"_u":"Tue, 25 Aug 2015 14:10:02 GMT"}"""));
        Assert.True(M("name == x", doc)); // Eve's visitor reads a bare name on the right as its text
        Assert.True(M("a == 1; b == 3", doc));
    }

    [Fact]
    public void Top_level_equalities_for_indexes()
    {
        var f = WhereFilter.Parse($$$"""{"name":"h","_id":"{{{Id1.ToUpperInvariant()}}}","n":{"$gt":1},"$and":[{"realm":"r"},{"$or":[{"x":1},{"y":2}]}],"$or":[{"z":1}],"d":"Tue, 25 Aug 2015 14:10:02 GMT","nul":null,"obj":{"a":1}}""");
        var eq = f.TopLevelEqualities.Select(e => (e.Field, e.Value?.ToJsonString())).ToList();
        Assert.Equal([("name", "\"h\""), ("_id", $"\"{Id1}\""), ("realm", "\"r\"")], eq);

        var rights = WhereFilter.Parse("""{"_realm":{"$in":["r1","r2"]},"_is_template":false}""");
        var both = f.And(rights);
        Assert.Equal(4, both.TopLevelEqualities.Count);
        Assert.Same(rights, WhereFilter.Parse(null).And(rights));
        Assert.Same(rights, rights.And(WhereFilter.All));
    }

    [Fact]
    public void And_combines_filters()
    {
        var client = WhereFilter.Parse("""{"name":{"$regex":"^web"}}""");
        var rights = WhereFilter.Parse("""{"_realm":{"$in":["r1"]}}""");
        var f = client.And(rights);
        Assert.True(f.Matches(Doc("""{"name":"web1","_realm":"r1"}""")));
        Assert.False(f.Matches(Doc("""{"name":"web1","_realm":"r2"}""")));
        Assert.False(f.Matches(Doc("""{"name":"db1","_realm":"r1"}""")));
    }

    [Fact]
    public void Where_is_refused()
    {
        var e = Assert.Throws<QueryException>(() => WhereFilter.Parse("""{"$where":"this.a == 1"}"""));
        Assert.Equal("Query contains operators banned in MONGO_QUERY_BLACKLIST", e.Message);
        Assert.Throws<QueryException>(() => WhereFilter.Parse("""{"$or":[{"$where":"1"}]}"""));
    }

    [Fact]
    public void Unknown_operators_are_refused()
    {
        var e = Assert.Throws<QueryException>(() => WhereFilter.Parse("""{"a":{"$foo":1}}"""));
        Assert.Equal("Query contains unknown or unsupported operators: $foo", e.Message);
        Assert.Throws<QueryException>(() => WhereFilter.Parse("""{"$foo":[{"a":1}]}"""));
        // Eve 0.7's operator list has no $eq.
        Assert.Throws<QueryException>(() => WhereFilter.Parse("""{"a":{"$eq":1}}"""));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("5")]
    [InlineData("\"name\"")]
    [InlineData("null")]
    [InlineData(" ")]
    [InlineData("name = 'x'")]
    [InlineData("name == ")]
    [InlineData("a in [1,2]")]
    [InlineData("not a == 1")]
    [InlineData("1 < a < 3")]
    [InlineData("a == 1 and b")]
    [InlineData("foo(1) == 2")]
    [InlineData("'unterminated == 1")]
    [InlineData("a == 1)")]
    [InlineData("((a == 1)")]
    [InlineData("\u0000")]
    [InlineData("{\"a\":1}{")]
    public void Unparsable_where(string where)
    {
        var e = Assert.Throws<QueryException>(() => WhereFilter.Parse(where));
        Assert.Equal("Unable to parse `where` clause", e.Message);
    }

    [Theory]
    [InlineData("""{"a":{"$in":1}}""")]
    [InlineData("""{"a":{"$nin":"x"}}""")]
    [InlineData("""{"a":{"$all":{}}}""")]
    [InlineData("""{"a":{"$size":-1}}""")]
    [InlineData("""{"a":{"$size":1.5}}""")]
    [InlineData("""{"a":{"$size":"2"}}""")]
    [InlineData("""{"a":{"$regex":1}}""")]
    [InlineData("""{"a":{"$regex":"("}}""")]
    [InlineData("""{"a":{"$regex":"a","$options":"q"}}""")]
    [InlineData("""{"a":{"$options":"i"}}""")]
    [InlineData("""{"a":{"$not":1}}""")]
    [InlineData("""{"a":{"$not":{}}}""")]
    [InlineData("""{"a":{"$not":{"b":1}}}""")]
    [InlineData("""{"a":{"$elemMatch":1}}""")]
    [InlineData("""{"a":{"$type":"nope"}}""")]
    [InlineData("""{"a":{"$type":true}}""")]
    [InlineData("""{"a":{"$mod":[0,1]}}""")]
    [InlineData("""{"a":{"$mod":[1]}}""")]
    [InlineData("""{"a":{"$mod":["a","b"]}}""")]
    [InlineData("""{"a":{"$gt":1,"b":2}}""")]
    [InlineData("""{"$or":[]}""")]
    [InlineData("""{"$or":{}}""")]
    [InlineData("""{"$and":[1]}""")]
    [InlineData("""{"$nor":"x"}""")]
    [InlineData("""{"$not":{"a":1}}""")]
    [InlineData("""{"$text":{"$search":"x"}}""")]
    [InlineData("""{"a":{"$near":[1,2]}}""")]
    [InlineData("""{"a":{"$in":[{"$gt":1}]}}""")]
    [InlineData("""{"":1}""")]
    [InlineData("""{"a..b":1}""")]
    public void Malformed_operators_are_client_errors(string where)
    {
        Assert.Throws<QueryException>(() => WhereFilter.Parse(where));
    }

    [Fact]
    public void Deeply_nested_input_is_a_client_error()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"$and\":[", 200)) + "{}" + string.Concat(Enumerable.Repeat("]}", 200));
        Assert.Throws<QueryException>(() => WhereFilter.Parse(deep));
        var parens = new string('(', 5000) + "a == 1" + new string(')', 5000);
        Assert.Throws<QueryException>(() => WhereFilter.Parse(parens));
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Query;

namespace Alignak.Tests.Query;

/// <summary>Whatever a client sends, the engine answers with a result or a <see cref="QueryException"/>.</summary>
public class GarbageInputTests
{
    private static readonly string[] Seeds =
    [
        """{"name":"x"}""", """{"a":{"$gt":1,"$lt":"Tue, 25 Aug 2015 14:10:02 GMT"}}""", """{"$or":[{"a":1},{"b":{"$in":[1,2]}}]}""",
        """{"a":{"$regex":"^x","$options":"i"}}""", """{"a.b.0":{"$elemMatch":{"c":{"$exists":true}}}}""",
        """{"a":{"$not":{"$size":2}},"b":{"$all":[1]},"c":{"$type":"string"},"d":{"$mod":[2,0]}}""",
        "name == 'x' and (a >= -1.5 or b != None)", "datetime(2015, 1, 1) == x", """[("name", 1), ("_id", -1)]""",
        "-name,_id", """{"name":1,"customs._K":0}""",
    ];

    private const string Alphabet = "{}[]()\"':,.$-+_ 0123456789aeinrx=<>!\\#\n\u00e9\ud83d\ude00";

    private static readonly JsonObject[] Docs =
    [
        JsonNode.Parse("""{"name":"x","a":[1,{"b":[{"c":null}]}],"b":"Tue, 25 Aug 2015 14:10:02 GMT","c":{"d":[[]]},"d":true}""")!.AsObject(),
        JsonNode.Parse("{}")!.AsObject(),
        new JsonObject { ["name"] = "y", ["a"] = 2.5, ["b"] = new JsonArray(1, "x", null, new JsonObject()), ["d"] = 7L },
    ];

    public static IEnumerable<string> Inputs()
    {
        var random = new Random(1234);
        foreach (var seed in Seeds)
        {
            yield return seed;
            for (var i = 0; i < 150; i++)
            {
                var sb = new StringBuilder(seed);
                var edits = random.Next(1, 4);
                for (var e = 0; e < edits && sb.Length > 0; e++)
                {
                    var pos = random.Next(sb.Length);
                    switch (random.Next(3))
                    {
                        case 0: sb.Remove(pos, 1); break;
                        case 1: sb.Insert(pos, Alphabet[random.Next(Alphabet.Length)]); break;
                        default: sb[pos] = Alphabet[random.Next(Alphabet.Length)]; break;
                    }
                }

                yield return sb.ToString();
            }
        }

        for (var i = 0; i < 500; i++)
        {
            var length = random.Next(1, 30);
            var sb = new StringBuilder();
            for (var k = 0; k < length; k++)
            {
                sb.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            yield return sb.ToString();
        }
    }

    [Fact]
    public void Only_query_exceptions_escape()
    {
        var count = 0;
        foreach (var input in Inputs())
        {
            count++;
            Check(input, () =>
            {
                var f = WhereFilter.Parse(input);
                foreach (var d in Docs)
                {
                    f.Matches(d);
                }
            });
            Check(input, () =>
            {
                var s = SortSpec.Parse(input);
                s?.Sort(Docs);
            });
            Check(input, () =>
            {
                var p = Projection.Parse(input);
                foreach (var d in Docs)
                {
                    p?.Apply(d);
                }
            });
            var (max, page) = Paging.Resolve(input, input, 25, 50);
            Assert.InRange(max, 1, 50);
            Assert.True(page >= 1);
        }

        Assert.True(count > 1000);
    }

    private static void Check(string input, Action action)
    {
        try
        {
            action();
        }
        catch (QueryException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name} for input {input}: {e.Message}");
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Actors.Query;

/// <summary>
/// MongoDB's BSON comparison order over JSON values: MinKey &lt; null (and missing) &lt; numbers &lt; strings &lt;
/// objects &lt; arrays &lt; BinData &lt; ObjectId &lt; booleans &lt; dates &lt; Timestamp &lt; regex &lt; MaxKey.
/// JSON has no ObjectId or date type: stored ids and RFC 1123 dates are strings and compare as strings here
/// (<see cref="SortSpec"/> turns configured date fields into dates).
/// Strings compare byte-wise in UTF-8 (upper case before lower case), numbers numerically whatever their CLR type,
/// objects member by member (value type, then name, then value), arrays element by element, shorter first.
/// </summary>
public static class MongoOrder
{
    internal const int RankEmptyArray = 0; // sort keys only: an empty array sorts below null
    internal const int RankNull = 1;
    internal const int RankNumber = 2;
    internal const int RankString = 3;
    internal const int RankObject = 4;
    internal const int RankArray = 5;
    internal const int RankBoolean = 8;
    internal const int RankDate = 9;

    internal static int Rank(JsonNode? node) => QueryJson.Kind(node) switch
    {
        JsonValueKind.Number => RankNumber,
        JsonValueKind.String => RankString,
        JsonValueKind.Object => RankObject,
        JsonValueKind.Array => RankArray,
        JsonValueKind.True or JsonValueKind.False => RankBoolean,
        _ => RankNull,
    };

    /// <summary>Compares two values (null standing for a missing field or JSON null) in MongoDB order.</summary>
    public static int Compare(JsonNode? a, JsonNode? b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb)
        {
            return ra < rb ? -1 : 1;
        }

        return CompareSameRank(ra, a, b);
    }

    internal static int CompareSameRank(int rank, JsonNode? a, JsonNode? b)
    {
        switch (rank)
        {
            case RankNumber:
                QueryJson.TryGetNumber(a, out var x);
                QueryJson.TryGetNumber(b, out var y);
                return x.CompareTo(y);
            case RankString:
                return QueryJson.CompareStrings(a!, b!);
            case RankBoolean:
                var ba = a!.GetValueKind() == JsonValueKind.True;
                var bb = b!.GetValueKind() == JsonValueKind.True;
                return ba == bb ? 0 : ba ? 1 : -1;
            case RankObject:
                return CompareObjects((JsonObject)a!, (JsonObject)b!);
            case RankArray:
                return CompareArrays((JsonArray)a!, (JsonArray)b!);
            default:
                return 0;
        }
    }

    private static int CompareObjects(JsonObject a, JsonObject b)
    {
        var n = Math.Min(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var pa = a.GetAt(i);
            var pb = b.GetAt(i);
            int ra = Rank(pa.Value), rb = Rank(pb.Value);
            if (ra != rb)
            {
                return ra < rb ? -1 : 1;
            }

            var c = QueryJson.CompareCodePoints(pa.Key, pb.Key);
            if (c != 0)
            {
                return c;
            }

            c = CompareSameRank(ra, pa.Value, pb.Value);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    private static int CompareArrays(JsonArray a, JsonArray b)
    {
        var n = Math.Min(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var c = Compare(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    /// <summary>Mongo equality: same type bracket and equal (1 == 1.0; objects member order matters).</summary>
    internal static bool ValueEquals(JsonNode? a, JsonNode? b) => Compare(a, b) == 0;
}

using System.Security.Cryptography;

namespace Alignak.Actors.Documents;

/// <summary>
/// Mongo-style 24-hex identifiers: 4 bytes of seconds, 5 bytes per process, 3 bytes counter.
/// Clients sort on <c>_id</c> to get insertion order, so ids from one process never go backwards.
/// </summary>
public static class DocumentIds
{
    private static readonly byte[] ProcessPart = RandomNumberGenerator.GetBytes(5);
    private static readonly Lock Gate = new();
    private static long _lastSeconds;
    private static int _counter;

    public static string NewId() => NewId(DateTimeOffset.UtcNow);

    /// <summary>The ids in a list field (<c>_tree_parents</c>, <c>_all_children</c>, …); none when it is not a list.</summary>
    public static IEnumerable<string> In(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonArray array ? array.Select(n => (string?)n).OfType<string>() : [];

    public static string NewId(DateTimeOffset now)
    {
        long seconds;
        int counter;
        lock (Gate)
        {
            seconds = Math.Max(now.ToUnixTimeSeconds(), _lastSeconds);
            if (seconds > _lastSeconds)
                _counter = RandomNumberGenerator.GetInt32(0, 1 << 22);
            else if (++_counter > 0xFFFFFF)
            {
                seconds++;
                _counter = 0;
            }
            _lastSeconds = seconds;
            counter = _counter;
        }
        Span<byte> bytes = stackalloc byte[12];
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        ProcessPart.CopyTo(bytes[4..]);
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>An id as this backend makes and stores them: 24 lowercase hex digits.</summary>
    public static bool IsValid(string? id) => HasObjectIdShape(id, lowercaseOnly: true);

    /// <summary>24 hex digits in either case, as a client may write an ObjectId (in a query or a relation).</summary>
    public static bool IsObjectId(string? s) => HasObjectIdShape(s, lowercaseOnly: false);

    private static bool HasObjectIdShape(string? s, bool lowercaseOnly)
    {
        if (s is null || s.Length != 24) return false;
        foreach (var c in s)
            if (lowercaseOnly ? !char.IsAsciiHexDigitLower(c) : !char.IsAsciiHexDigit(c)) return false;
        return true;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Actors.Documents;

/// <summary>Content ETags: SHA-1 of the document's JSON with keys sorted, as Eve computes them.</summary>
public static class ETags
{
    public static string Compute(JsonObject document)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteSorted(writer, document, topLevel: true);
        return Convert.ToHexStringLower(SHA1.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node, bool topLevel = false)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (topLevel && key is "_etag" or "_links") continue;
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// A log row's ETag and its stored JSON, serialized once: a SHA-1 of the document's JSON as written (no key
    /// sort, no second pass), then <c>_etag</c> appended to the same JSON. Log rows are written by the thousand
    /// per second; their ETags only need to change with their content (If-Match), not to match Eve's.
    /// </summary>
    public static string Stamp(JsonObject document)
    {
        document.Remove("_etag");
        var (stored, etag) = Stamp(document, static (writer, d) => d.WriteTo(writer));
        document["_etag"] = etag;
        return stored;
    }

    /// <summary>
    /// The same for a row written field by field by <paramref name="write"/> (one JSON object, no <c>_etag</c>):
    /// no document model in between. Returns the stored JSON and its ETag.
    /// </summary>
    public static (string Stored, string Etag) Stamp<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = StampBuffer ??= new System.Buffers.ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = StampWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        write(writer, state);
        writer.Flush();
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(buffer.WrittenSpan, hash);
        var etag = Convert.ToHexStringLower(hash);
        // The same JSON with the ETag as last field, decoded once into the string it is stored as.
        var separator = buffer.WrittenCount > 2 ? ",\"_etag\":\"" : "\"_etag\":\"";
        var bodyChars = Encoding.UTF8.GetCharCount(buffer.WrittenSpan[..^1]);
        var stored = string.Create(bodyChars + separator.Length + etag.Length + 2, (separator, etag), static (chars, tail) =>
        {
            var written = Encoding.UTF8.GetChars(StampBuffer!.WrittenSpan[..^1], chars);
            tail.separator.CopyTo(chars[written..]);
            tail.etag.CopyTo(chars[(written + tail.separator.Length)..]);
            "\"}".CopyTo(chars[^2..]);
        });
        // A rare large row (a long output) must not keep a large buffer alive on its thread (the writer holds it too).
        if (buffer.Capacity > MaxKeptBuffer) (StampBuffer, StampWriter) = (null, null);
        return (stored, etag);
    }

    private const int MaxKeptBuffer = 64 * 1024;

    // Per thread: log rows are stamped by the thousand per second, each would otherwise grow its own buffer.
    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? StampBuffer;
    [ThreadStatic] private static Utf8JsonWriter? StampWriter;

    /// <summary>
    /// Eve's optimistic concurrency for a write to <paramref name="stored"/>: If-Match is required (428) and must be
    /// its current ETag (412); null when the write may go on.
    /// </summary>
    public static WriteStatus? StaleIfMatch(JsonObject stored, string? ifMatch) =>
        string.IsNullOrWhiteSpace(ifMatch) ? WriteStatus.PreconditionRequired
        : Normalize(ifMatch) != (string?)stored["_etag"] ? WriteStatus.PreconditionFailed
        : null;

    /// <summary>Accepts the quoted and weak forms clients send in If-Match.</summary>
    public static string Normalize(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Trim('"');
    }
}

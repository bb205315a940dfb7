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
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer)) document.WriteTo(writer);
        var json = buffer.WrittenSpan;
        var etag = Convert.ToHexStringLower(SHA1.HashData(json));
        document["_etag"] = etag;
        var body = Encoding.UTF8.GetString(json[..^1]);
        return string.Concat(body, body.Length > 1 ? ",\"_etag\":\"" : "\"_etag\":\"", etag, "\"}");
    }

    /// <summary>Accepts the quoted and weak forms clients send in If-Match.</summary>
    public static string Normalize(string header)
    {
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Trim('"');
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alignak.Http.Push;

/// <summary>A batch as one SignalR argument: each message's shared body spliced into its envelope.</summary>
[JsonConverter(typeof(Converter))]
internal sealed class PushBatch(List<PushEntry> entries)
{
    private readonly List<PushEntry> _entries = entries;

    internal sealed class Converter : JsonConverter<PushBatch>
    {
        public override PushBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("push batches are only sent");

        public override void Write(Utf8JsonWriter writer, PushBatch value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var entry in value._entries) entry.Message.WriteEnvelope(writer, entry.Subscription.EnvelopePrefix, entry.Seq!.Value);
            writer.WriteEndArray();
        }
    }
}

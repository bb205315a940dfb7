using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Http.Push;

/// <summary>The message types of the live push contract (docs/live-push.md).</summary>
public static class PushTypes
{
    public const string State = "state";
    public const string Acknowledgement = "acknowledgement";
    public const string Downtime = "downtime";
    public const string Document = "document";
    public const string LiveSynthesis = ResourceNames.LiveSynthesis;
    public const string History = ResourceNames.History;
    public const string Resync = "resync";
}

/// <summary>
/// One change as pushed: the body every subscriber gets (serialized once, shared), and what routing and the rights
/// filter read (the item's realm, host, service, and the document the rights are checked on).
/// </summary>
public sealed class PushMessage
{
    /// <summary>The contract version every message carries as <c>v</c>.</summary>
    public const int Version = 1;

    private byte[]? _utf8;

    public required string Type { get; init; }
    public required string Resource { get; init; }
    public string? Id { get; init; }
    public string? RealmId { get; init; }
    public string? HostId { get; init; }
    public string? ServiceId { get; init; }
    /// <summary>The document whose <c>_realm</c>, <c>_sub_realm</c> and <c>_users_read</c> decide who may see this.</summary>
    public JsonObject? RightsDocument { get; init; }
    /// <summary>What clients get (without the envelope's <c>v</c>, <c>subscription</c> and <c>seq</c>).</summary>
    public required JsonObject Body { get; init; }

    /// <summary>Only state messages merge: a later one for the same item carries the earlier one's changed fields too.</summary>
    public bool Coalescable => Type == PushTypes.State;

    /// <summary>
    /// The host or service (<c>resource/id</c>) a message is about, a history event included: per item, messages
    /// are never reordered, and a state message is never merged across another message of its item.
    /// </summary>
    public string? ItemKey { get; init; }

    public byte[] Utf8 => _utf8 ??= JsonSerializer.SerializeToUtf8Bytes(Body);

    /// <summary>This state message and a later one as one: the later values, and every field either changed.</summary>
    public PushMessage MergedWith(PushMessage later)
    {
        var body = later.Body.DeepClone().AsObject();
        var fields = Body["fields"]!.DeepClone().AsObject();
        foreach (var (name, value) in later.Body["fields"]!.AsObject()) fields[name] = value?.DeepClone();
        body["fields"] = fields;
        return new PushMessage
        {
            Type = later.Type, Resource = later.Resource, Id = later.Id, RealmId = later.RealmId, HostId = later.HostId,
            ServiceId = later.ServiceId, RightsDocument = later.RightsDocument, ItemKey = later.ItemKey, Body = body,
        };
    }

    public static PushMessage Resync(string reason) => new()
    {
        Type = PushTypes.Resync,
        Resource = "",
        Body = new JsonObject
        {
            ["type"] = PushTypes.Resync, ["reason"] = reason, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        },
    };

    /// <summary>
    /// The envelope as sent: <paramref name="prefix"/> (<c>{"v":1,"subscription":"…","seq":</c>), the number, then
    /// the body's members. Built from the shared body bytes, so a message reaching many subscribers is serialized once.
    /// </summary>
    public void WriteEnvelope(Utf8JsonWriter writer, ReadOnlySpan<byte> prefix, long seq)
    {
        // The body is an object with at least "type": continue it after the envelope's members.
        var body = Utf8.AsSpan(1);
        var rented = ArrayPool<byte>.Shared.Rent(prefix.Length + 21 + body.Length);
        try
        {
            prefix.CopyTo(rented);
            var length = prefix.Length;
            Utf8Formatter.TryFormat(seq, rented.AsSpan(length), out var digits);
            length += digits;
            rented[length++] = (byte)',';
            body.CopyTo(rented.AsSpan(length));
            writer.WriteRawValue(rented.AsSpan(0, length + body.Length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The start of every envelope of one subscription (its id is hex: nothing to escape).</summary>
    public static byte[] EnvelopePrefix(string subscription) =>
        Encoding.UTF8.GetBytes($$"""{"v":{{Version}},"subscription":"{{subscription}}","seq":""");
}

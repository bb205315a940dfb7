using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Alignak.Actors.Live;

/// <summary>
/// JSON for the live engine's events, snapshots and messages, named by type name rather than CLR type (STACK.md
/// P9): journals stay readable when code moves. Renaming a type listed here needs a manifest alias.
/// </summary>
public sealed class LiveSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 7041;

    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Dictionary<string, Type> Types = typeof(ILiveMessage).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && (typeof(ILiveMessage).IsAssignableFrom(t) || t == typeof(LiveState)))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    public override int Identifier => Id;

    public override string Manifest(object o) => o.GetType().Name;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        Types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options)!
            : throw new System.Runtime.Serialization.SerializationException($"Unknown live-state message type '{manifest}'");
}

using System.Runtime.Serialization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Alignak.Actors.Messaging;

/// <summary>
/// System.Text.Json for our messages, each named by its type's short name (the manifest) rather than its CLR type
/// (STACK.md P9): journals stay readable and nodes of one cluster understand each other when code moves. Akka's
/// default (Newtonsoft with CLR type names) cannot build the read-only collections a collection expression makes,
/// so every message that may cross nodes or be persisted goes through a subclass of this. Renaming a listed type
/// needs a manifest alias.
/// </summary>
public abstract class JsonMessageSerializer : SerializerWithStringManifest
{
    /// <summary>
    /// Relaxed escaping: these bytes only travel between our nodes and into our journal, never into HTML, so text
    /// that is not ASCII stays UTF-8 and the quotes of an embedded JSON text cost one byte each, not six.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Dictionary<string, Type> _types;
    private readonly string _area;

    /// <param name="area">Named in the error for a manifest this serializer does not know.</param>
    /// <param name="types">Every type it serializes; two with one short name are refused here.</param>
    protected JsonMessageSerializer(ExtendedActorSystem system, string area, IEnumerable<Type> types) : base(system)
    {
        _area = area;
        _types = types.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The types this serializer reads back, by manifest.</summary>
    public IReadOnlyCollection<Type> Types => _types.Values;

    /// <summary>The concrete types of <paramref name="marker"/>'s assembly that implement it.</summary>
    public static IEnumerable<Type> ConcreteTypes(Type marker) =>
        marker.Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && marker.IsAssignableFrom(t));

    public override string Manifest(object o) =>
        _types.ContainsKey(o.GetType().Name) ? o.GetType().Name
            : throw new SerializationException($"{o.GetType()} is not a {_area} message");

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        _types.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options)!
            : throw new SerializationException($"Unknown {_area} message type '{manifest}'");
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Live;
using Alignak.Actors.Query;

namespace Alignak.Actors.Documents;

/// <summary>
/// The read side's form of a stored document: immutable, compact, shared by every reader. Its field names are
/// a <see cref="Shape"/> shared by every document written with the same fields in the same order; its values
/// are nodes that documents share when they repeat (schema defaults, a realm, a command: see
/// <see cref="FieldTable"/>), so a service of ~190 fields costs about its references and its own few values.
/// A host's or service's live state is kept beside it, never copied into it: a check result replaces the small
/// state, and the state's fields and the document's ETag are made only when someone reads them.
/// Values are nodes with a parent (attaching one elsewhere throws): readers clone what they keep.
/// </summary>
public sealed class StoredDocument : IDocumentFields, IEnumerable<KeyValuePair<string, JsonNode?>>
{
    private readonly Shape _shape;
    /// <summary>Every value in the shape's order, or (with <see cref="_positions"/>) only those that differ from the shape's first document.</summary>
    private readonly JsonNode?[] _values;
    /// <summary>The sorted positions of <see cref="_values"/> when sparse; null when <see cref="_values"/> has them all.</summary>
    private readonly ushort[]? _positions;
    /// <summary>Holds the document's own (not shared) values, so they have a parent.</summary>
    private readonly JsonArray? _own;
    private string? _liveEtag;
    private JsonNode? _liveEtagNode;

    private StoredDocument(Shape shape, JsonNode?[] values, ushort[]? positions, JsonArray? own, LiveState? live)
    {
        _shape = shape;
        _values = values;
        _positions = positions;
        _own = own;
        Live = live;
    }

    /// <summary>The live state shown in the document's <c>ls_*</c> fields (hosts and services that have one).</summary>
    public LiveState? Live { get; }

    private Shape Fields => Live is null ? _shape : _shape.WithLive(Live.Kind);

    public int Count => Fields.Names.Length;

    public JsonNode? this[string name] => TryGetPropertyValue(name, out var value) ? value : null;

    public bool ContainsKey(string name) => Fields.PositionOf(name) >= 0;

    public bool TryGetPropertyValue(string name, out JsonNode? value)
    {
        var position = Fields.PositionOf(name);
        if (position < 0)
        {
            value = null;
            return false;
        }
        value = ValueAt(position);
        return true;
    }

    /// <summary>The field at a position of the document's order.</summary>
    public KeyValuePair<string, JsonNode?> GetAt(int position) => new(Fields.Names[position], ValueAt(position));

    private JsonNode? ValueAt(int position)
    {
        if (Live is { } live)
        {
            var name = _shape.WithLive(live.Kind).Names[position];
            // Made for each read, never kept: a document kept the whole live JSON of every item once read (2.4 KB each).
            if (LiveFields.IsModelled(live.Kind, name)) return LiveFields.Read(live, name);
            if (name == "_etag" && _shape.PositionOf("_etag") is var at and >= 0 && Stored(at) is JsonValue) return LiveEtagNode();
            if (position >= _shape.Names.Length) return null;
        }
        return Stored(position);
    }

    /// <summary>The stored value at a position of the shape.</summary>
    private JsonNode? Stored(int position)
    {
        if (_positions is null) return _values[position];
        var index = Array.BinarySearch(_positions, (ushort)position);
        return index >= 0 ? _values[index] : _shape.Common[position];
    }

    private JsonNode LiveEtagNode()
    {
        if (_liveEtagNode is { } known) return known;
        var holder = new JsonArray(JsonValue.Create(Etag));
        Interlocked.CompareExchange(ref _liveEtagNode, holder[0], null);
        return _liveEtagNode!;
    }

    /// <summary>
    /// The ETag: the stored one, or for an item with a live state a hash of the stored ETag and the live fields, so
    /// conditional GETs see every change, If-Match stays exact, and a restart changes nothing.
    /// </summary>
    public string? Etag
    {
        get
        {
            var stored = ConfigurationEtag;
            if (Live is null || stored is null) return stored;
            return _liveEtag ??= Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(stored + LiveFields.ToJson(Live).ToJsonString())));
        }
    }

    /// <summary>The ETag of the configuration alone, which only the resource's writer changes.</summary>
    public string? ConfigurationEtag =>
        _shape.PositionOf("_etag") is var at and >= 0 && Stored(at) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>The same configuration with another live state (nothing is copied).</summary>
    public StoredDocument WithLive(LiveState live) => new(_shape, _values, _positions, _own, live);

    /// <summary>A mutable copy, the caller's own (the write side's working copy).</summary>
    public JsonObject ToJsonObject()
    {
        var copy = new JsonObject();
        foreach (var (name, value) in this) copy[name] = value?.DeepClone();
        return copy;
    }

    /// <summary>A mutable copy, as <see cref="JsonNode.DeepClone"/> gives for a stored JsonObject.</summary>
    public JsonObject DeepClone() => ToJsonObject();

    public string ToJsonString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer)) WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the document field by field (names pre-encoded), then <paramref name="links"/> inside it.</summary>
    public void WriteTo(Utf8JsonWriter writer, Action<Utf8JsonWriter>? links = null)
    {
        var fields = Fields;
        writer.WriteStartObject();
        for (var i = 0; i < fields.Names.Length; i++)
        {
            writer.WritePropertyName(fields.Encoded[i]);
            if (ValueAt(i) is { } value) value.WriteTo(writer);
            else writer.WriteNullValue();
        }
        links?.Invoke(writer);
        writer.WriteEndObject();
    }

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator()
    {
        var count = Count;
        for (var i = 0; i < count; i++) yield return GetAt(i);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A document of <paramref name="table"/>'s resource from its stored JSON.</summary>
    public static StoredDocument Parse(FieldTable table, string json, LiveState? live = null)
    {
        using var parsed = JsonDocument.Parse(json);
        return From(table, parsed.RootElement, live);
    }

    private static StoredDocument From(FieldTable table, JsonElement root, LiveState? live)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ArgumentException("A stored document is a JSON object.");
        var names = new List<string>();
        var values = new List<JsonNode?>();
        List<(int Position, string Raw)>? unique = null;
        lock (table.Gate)
        {
            foreach (var property in root.EnumerateObject())
            {
                names.Add(property.Name);
                if (table.Shared(property.Name, property.Value, out var shared, out var raw)) values.Add(shared);
                else
                {
                    (unique ??= []).Add((values.Count, raw));
                    values.Add(null);
                }
            }
        }
        JsonArray? own = null;
        if (unique is not null)
        {
            // The document's own values in one small JSON document of their own (exact size), read as nodes the
            // way a parsed document's are: numbers convert to any numeric type, as everywhere else.
            using var parsed = JsonDocument.Parse("[" + string.Join(',', unique.Select(u => u.Raw)) + "]");
            own = JsonArray.Create(parsed.RootElement.Clone())!;
            for (var i = 0; i < unique.Count; i++) values[unique[i].Position] = own[i];
        }
        var shape = table.ShapeOf([.. names], values);
        return Sparse(shape, values, out var positions) is { } differing
            ? new StoredDocument(shape, differing, positions, own, live)
            : new StoredDocument(shape, [.. values], null, own, live);
    }

    /// <summary>
    /// The values that differ from the shape's common ones (documents made alike differ in a few fields: their id,
    /// name, dates and ETag), or null when so many differ that the whole row is smaller.
    /// </summary>
    private static JsonNode?[]? Sparse(Shape shape, List<JsonNode?> values, out ushort[]? positions)
    {
        positions = null;
        if (values.Count > ushort.MaxValue) return null;
        var differing = 0;
        for (var i = 0; i < values.Count; i++)
            if (!ReferenceEquals(values[i], shape.Common[i])) differing++;
        // A sparse slot costs a reference and a position (10 bytes), a dense one a reference (8).
        if (differing * 10 >= values.Count * 8) return null;
        positions = new ushort[differing];
        var kept = new JsonNode?[differing];
        for (int i = 0, k = 0; i < values.Count; i++)
        {
            if (ReferenceEquals(values[i], shape.Common[i])) continue;
            positions[k] = (ushort)i;
            kept[k++] = values[i];
        }
        return kept;
    }
}

/// <summary>
/// The field names of a resource's documents and the values they share. Values that repeat (up to
/// <see cref="MaxSharedPerField"/> distinct ones per field, each under <see cref="MaxSharedLength"/> characters of
/// JSON) are one node for every document; shapes (a document's field names in order) are kept once each.
/// </summary>
public sealed class FieldTable
{
    public const int MaxSharedPerField = 256;
    public const int MaxSharedLength = 512;

    private readonly Dictionary<string, Dictionary<string, JsonNode?>> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonArray> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shape> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Held while a document's values are looked up and its shape is found.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>The shared node of a value (null is always shared); false when the value is the document's own.</summary>
    internal bool Shared(string field, JsonElement value, out JsonNode? shared, out string raw)
    {
        shared = null;
        raw = "";
        if (value.ValueKind == JsonValueKind.Null) return true;
        raw = value.GetRawText();
        if (!_shared.TryGetValue(field, out var known))
        {
            _shared[field] = known = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            _holders[field] = new JsonArray();
        }
        if (known.TryGetValue(raw, out shared)) return true;
        if (raw.Length > MaxSharedLength || known.Count >= MaxSharedPerField) return false;
        shared = JsonNode.Parse(raw);
        _holders[field].Add(shared);
        known[raw] = shared;
        return true;
    }

    /// <summary>
    /// The shape of these names, shared with every document that has the same; a new shape takes
    /// <paramref name="values"/> (its first document's) as its common values.
    /// </summary>
    internal Shape ShapeOf(string[] names, IReadOnlyList<JsonNode?> values)
    {
        var key = string.Join('\0', names);
        lock (Gate)
        {
            if (_shapes.TryGetValue(key, out var shape)) return shape;
            for (var i = 0; i < names.Length; i++)
            {
                if (_names.TryGetValue(names[i], out var name)) names[i] = name;
                else _names[names[i]] = names[i];
            }
            return _shapes[key] = new Shape(names, [.. values]);
        }
    }
}

/// <summary>A document's field names in order, with their encoded forms and positions.</summary>
public sealed class Shape
{
    private readonly Dictionary<string, int> _positions;
    private Shape? _hostLive, _serviceLive;

    internal Shape(string[] names, JsonNode?[]? common = null)
    {
        Names = names;
        Common = common ?? new JsonNode?[names.Length];
        Encoded = names.Select(n => JsonEncodedText.Encode(n)).ToArray();
        _positions = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++) _positions.TryAdd(names[i], i);
    }

    public string[] Names { get; }
    /// <summary>The values a sparse document of this shape has unless it says otherwise.</summary>
    internal JsonNode?[] Common { get; }
    internal JsonEncodedText[] Encoded { get; }

    public int PositionOf(string name) => _positions.TryGetValue(name, out var position) ? position : -1;

    /// <summary>These names and, after them, the live fields of <paramref name="kind"/> the document lacks.</summary>
    internal Shape WithLive(EntityKind kind)
    {
        ref var cached = ref kind == EntityKind.Host ? ref _hostLive : ref _serviceLive;
        if (cached is not null) return cached;
        var missing = LiveFields.Names(kind).Where(n => !_positions.ContainsKey(n)).ToArray();
        var shape = missing.Length == 0 ? this : new Shape([.. Names, .. missing]);
        Interlocked.CompareExchange(ref cached, shape, null);
        return cached;
    }
}

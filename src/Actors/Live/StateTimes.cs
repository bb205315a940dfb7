using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alignak.Actors.Live;

/// <summary>
/// The last time of each state (<c>ls_last_time_&lt;state&gt;</c>) by lower-case state name: a handful of pairs in
/// one array, sorted by name, replaced whole on a change. An immutable sorted dictionary cost about 330 bytes per
/// item in nodes; this costs its array (about 100). Written in JSON as an object, as the dictionary was.
/// </summary>
[JsonConverter(typeof(StateTimesConverter))]
public readonly struct StateTimes : IReadOnlyDictionary<string, long>, IEquatable<StateTimes>
{
    private readonly KeyValuePair<string, long>[]? _pairs;

    private StateTimes(KeyValuePair<string, long>[] pairs) => _pairs = pairs;

    public static StateTimes Empty => default;

    private ReadOnlySpan<KeyValuePair<string, long>> Pairs => _pairs;

    public int Count => Pairs.Length;

    public long this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => (_pairs ?? []).Select(p => p.Key);

    public IEnumerable<long> Values => (_pairs ?? []).Select(p => p.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, out long value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? Pairs[index].Value : 0;
        return index >= 0;
    }

    public long GetValueOrDefault(string key) => TryGetValue(key, out var value) ? value : 0;

    /// <summary>These times with <paramref name="key"/>'s set (the key kept as given: pass a shared state name).</summary>
    public StateTimes SetItem(string key, long value)
    {
        var pairs = Pairs;
        var index = IndexOf(key);
        if (index >= 0)
        {
            if (pairs[index].Value == value) return this;
            var changed = pairs.ToArray();
            changed[index] = new(pairs[index].Key, value);
            return new StateTimes(changed);
        }
        var insertAt = ~index;
        var grown = new KeyValuePair<string, long>[pairs.Length + 1];
        pairs[..insertAt].CopyTo(grown);
        grown[insertAt] = new(key, value);
        pairs[insertAt..].CopyTo(grown.AsSpan(insertAt + 1));
        return new StateTimes(grown);
    }

    /// <summary>The same times keyed by <paramref name="name"/>'s results (the times themselves when nothing changes).</summary>
    public StateTimes WithKeys(Func<string, string> name)
    {
        var pairs = Pairs;
        for (var i = 0; i < pairs.Length; i++)
        {
            if (ReferenceEquals(pairs[i].Key, name(pairs[i].Key))) continue;
            var renamed = pairs.ToArray();
            for (var j = i; j < renamed.Length; j++) renamed[j] = new(name(renamed[j].Key), renamed[j].Value);
            return new StateTimes(renamed);
        }
        return this;
    }

    /// <summary>Binary search by ordinal name: the index, or the complement of where it would go.</summary>
    private int IndexOf(string key)
    {
        var pairs = Pairs;
        int low = 0, high = pairs.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(pairs[middle].Key, key);
            if (order == 0) return middle;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return ~low;
    }

    public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, long>>)(_pairs ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(StateTimes other) => Pairs.SequenceEqual(other.Pairs);

    public override bool Equals(object? obj) => obj is StateTimes other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var pair in Pairs)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value);
        }
        return hash.ToHashCode();
    }

    private sealed class StateTimesConverter : JsonConverter<StateTimes>
    {
        public override StateTimes Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return Empty;
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("State times are a JSON object.");
            var times = Empty;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                // The state's init accessor shares the names.
                var name = reader.GetString()!;
                reader.Read();
                times = times.SetItem(name, reader.GetInt64());
            }
            return times;
        }

        public override void Write(Utf8JsonWriter writer, StateTimes value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, time) in value.Pairs) writer.WriteNumber(name, time);
            writer.WriteEndObject();
        }
    }
}

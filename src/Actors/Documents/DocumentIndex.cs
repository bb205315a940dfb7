using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Live;

namespace Alignak.Actors.Documents;

/// <summary>
/// Every configuration document of this node, in memory, in insertion (id) order. Reads never
/// touch the database. Documents are never mutated once stored: a change replaces the object.
/// </summary>
public sealed class DocumentIndex
{
    private readonly Dictionary<string, ResourceCollection> _collections = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Fields kept in a value → ids lookup, because clients and hooks filter on them most.</summary>
    public static readonly IReadOnlySet<string> IndexedFields =
        new HashSet<string>(StringComparer.Ordinal) { "name", "token", "_realm", "_parent", "host", "user", "ls_state" };

    public ResourceCollection Collection(string resource)
    {
        lock (_gate)
        {
            if (!_collections.TryGetValue(resource, out var collection))
                _collections[resource] = collection = new ResourceCollection(resource, this);
            return collection;
        }
    }

    public void Apply(IEnumerable<DocumentChange> changes)
    {
        foreach (var group in changes.GroupBy(c => c.Resource))
            Collection(group.Key).Apply(group);
    }

    /// <summary>A host's or service's new live state, merged into its document (a later revision wins).</summary>
    public void ApplyLive(LiveChange change) => Collection(change.Resource).ApplyLive(change);

    /// <summary>Called for every document change, under the collection's write lock (keep handlers short).</summary>
    public event Action<IndexChange>? Changed;

    internal void OnChanged(IndexChange change) => Changed?.Invoke(change);
}

/// <summary>
/// One document change as the index applied it: before and after (null when created or deleted), and the live
/// change when it came from an entity rather than a configuration write.
/// </summary>
public sealed record IndexChange(string Resource, JsonObject? Before, JsonObject? After, LiveChange? Live = null);

public sealed class ResourceCollection(string resource, DocumentIndex owner)
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private readonly SortedList<string, Entry> _items = new(StringComparer.Ordinal);
    // The same entries by id, for constant-time lookups (the sorted list keeps order and positions).
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _deleted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, IdSet>> _lookups = new(StringComparer.Ordinal);

    /// <summary>Document orders by one field, computed by a read and kept until a write changes that field.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonObject[]> _orders = new(StringComparer.Ordinal);

    public string Resource { get; } = resource;

    /// <summary>
    /// A document and the UTF-8 JSON it was read from (the same bytes back its values), for rendering as is.
    /// <paramref name="ConfigEtag"/>: the stored document's ETag, before a live state was merged in.
    /// <paramref name="Config"/>: the stored document as parsed (immutable, shared): a live change builds its new
    /// document over it instead of deep-cloning the current one (a clone copies every value into its own JsonDocument).
    /// </summary>
    private sealed class Entry(JsonObject document, byte[]? utf8, long revision, string? configEtag, System.Text.Json.JsonElement config)
    {
        private byte[]? _utf8 = utf8;

        public JsonObject Document { get; } = document;
        public long Revision { get; } = revision;
        public string? ConfigEtag { get; } = configEtag;
        public System.Text.Json.JsonElement Config { get; } = config;

        /// <summary>
        /// Rendered on first read after a live-state change, so a check result does not pay for it; readers racing
        /// here render the same bytes.
        /// </summary>
        public byte[] Utf8 => _utf8 ??= System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Document);
    }

    /// <summary>Hosts' and services' latest live state: it wins over the live fields of the stored document.</summary>
    private readonly Dictionary<string, (long Revision, JsonObject Fields)> _live = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _items.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public JsonObject? Get(string id)
    {
        _lock.EnterReadLock();
        try { return _byId.TryGetValue(id, out var entry) ? entry.Document : null; }
        finally { _lock.ExitReadLock(); }
    }

    public bool Contains(string id) => Get(id) is not null;

    /// <summary>A document and the revision of its configuration, read together; null when there is none.</summary>
    public (JsonObject Document, long Revision)? GetWithRevision(string id)
    {
        _lock.EnterReadLock();
        try { return _byId.TryGetValue(id, out var entry) ? (entry.Document, entry.Revision) : null; }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Runs a read under the collection's read lock, over a consistent view.</summary>
    public T Read<T>(Func<View, T> read)
    {
        _lock.EnterReadLock();
        try { return read(new View(this)); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The ids whose indexed <paramref name="field"/> equals <paramref name="value"/>, in id order.</summary>
    public IReadOnlyList<string> IdsWhere(string field, string value) =>
        Read(view => view.IdsWhere(field, value)?.ToArray() ?? []);

    /// <summary>The first document (in id order) with both values: walks the smaller of the two lookups.</summary>
    public JsonObject? FindWhere(string field, string value, string otherField, string otherValue) =>
        IdsWhereBoth(field, value, otherField, otherValue).FirstOrDefault() is { } id ? Get(id) : null;

    /// <summary>The ids (in id order) with both values of two looked-up fields.</summary>
    public IReadOnlyList<string> IdsWhereBoth(string field, string value, string otherField, string otherValue) => Read(view =>
    {
        if (view.IdsWhere(field, value) is not { } first || view.IdsWhere(otherField, otherValue) is not { } second) return [];
        var (walk, check) = first.Count <= second.Count ? (first, second) : (second, first);
        return (IReadOnlyList<string>)walk.Where(check.Contains).ToList();
    });

    public JsonObject? FindByName(string name)
    {
        var ids = IdsWhere("name", name);
        return ids.Count > 0 ? Get(ids[0]) : null;
    }

    internal void Apply(IEnumerable<DocumentChange> changes)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var change in changes)
                ApplyOne(change);
        }
        finally { _lock.ExitWriteLock(); }
    }

    private void ApplyOne(DocumentChange change)
    {
        var current = _byId.GetValueOrDefault(change.Id);
        var known = current is not null;
        if (current is not null && current.Revision >= change.Revision) return;
        if (_deleted.TryGetValue(change.Id, out var deletedAt) && deletedAt >= change.Revision) return;

        // An insert or a delete changes every order; an update only those of the fields it changes (below).
        if (!known || change.Json is null) _orders.Clear();
        if (change.Json is null)
        {
            if (current is not null) Unindex(change.Id, current.Document);
            _items.Remove(change.Id);
            _byId.Remove(change.Id);
            _live.Remove(change.Id);
            _deleted[change.Id] = change.Revision;
            owner.OnChanged(new IndexChange(Resource, current?.Document, null));
            return;
        }
        byte[]? utf8 = Encoding.UTF8.GetBytes(change.Json);
        var config = System.Text.Json.JsonDocument.Parse(utf8).RootElement;
        var document = JsonObject.Create(config)!;
        var configEtag = document["_etag"]?.GetValue<string>();
        if (_live.TryGetValue(change.Id, out var live))
        {
            Overlay(document, configEtag, live.Fields);
            utf8 = null;
        }
        Store(change.Id, current, new Entry(document, utf8, change.Revision, configEtag, config));
    }

    internal void ApplyLive(LiveChange change)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_live.TryGetValue(change.Id, out var known) && known.Revision >= change.Revision) return;
            if (_deleted.ContainsKey(change.Id)) return;
            var fields = LiveFields.ToJson(change.State);
            _live[change.Id] = (change.Revision, fields);
            if (!_byId.TryGetValue(change.Id, out var current)) return;
            // Every live field is set again: the stored document with the new live state is the whole new document.
            var document = JsonObject.Create(current.Config)!;
            Overlay(document, current.ConfigEtag, fields);
            Store(change.Id, current, new Entry(document, null, current.Revision, current.ConfigEtag, current.Config), change);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// The document with the live fields set. Its ETag follows the live state too (a hash of the stored ETag and
    /// the live fields), so conditional GETs see every change, If-Match stays exact, and a restart changes nothing.
    /// </summary>
    private static void Overlay(JsonObject document, string? configEtag, JsonObject fields)
    {
        foreach (var (name, value) in fields) document[name] = value?.DeepClone();
        if (configEtag is not null)
            document["_etag"] = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(configEtag + fields.ToJsonString())));
    }

    private void Store(string id, Entry? before, Entry entry, LiveChange? live = null)
    {
        // A parsed JsonObject builds its property table on first read; do it here, not in the first query.
        _ = entry.Document.Count;
        _items[id] = _byId[id] = entry;
        Reindex(id, before?.Document, entry.Document);
        if (before is { } previous)
            foreach (var field in _orders.Keys)
                if (!JsonNode.DeepEquals(previous.Document[field], entry.Document[field])) _orders.TryRemove(field, out _);
        owner.OnChanged(new IndexChange(Resource, before?.Document, entry.Document, live));
    }

    /// <summary>Moves the id between lookups only for the indexed fields whose value changed (a live change: ls_state at most).</summary>
    private void Reindex(string id, JsonObject? before, JsonObject document)
    {
        foreach (var field in DocumentIndex.IndexedFields)
        {
            var was = before is null ? null : LookupKey(before, field);
            if (LookupKey(document, field) is not { } key)
            {
                if (was is not null) Unlink(id, field, was);
                continue;
            }
            if (was == key) continue;
            if (was is not null) Unlink(id, field, was);
            if (!_lookups.TryGetValue(field, out var byValue))
                _lookups[field] = byValue = new Dictionary<string, IdSet>(StringComparer.Ordinal);
            if (!byValue.TryGetValue(key, out var ids))
                byValue[key] = ids = new IdSet();
            ids.Add(id);
        }
    }

    private void Unindex(string id, JsonObject document)
    {
        foreach (var field in DocumentIndex.IndexedFields)
            if (LookupKey(document, field) is { } key) Unlink(id, field, key);
    }

    private void Unlink(string id, string field, string key)
    {
        if (_lookups.TryGetValue(field, out var byValue) && byValue.TryGetValue(key, out var ids))
        {
            ids.Remove(id);
            if (ids.Count == 0) byValue.Remove(key);
        }
    }

    private static string? LookupKey(JsonObject document, string field) =>
        document.TryGetPropertyValue(field, out var node) && node is JsonValue value
            && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A read-only view valid inside <see cref="Read{T}"/>.</summary>
    public readonly struct View
    {
        private readonly ResourceCollection _owner;
        internal View(ResourceCollection owner) => _owner = owner;

        public int Count => _owner._items.Count;
        public JsonObject At(int position) => _owner._items.GetValueAtIndex(position).Document;
        public string IdAt(int position) => _owner._items.GetKeyAtIndex(position);
        public JsonObject? Get(string id) => _owner._byId.TryGetValue(id, out var e) ? e.Document : null;

        /// <summary>The stored JSON of a document, exactly as it was written (never to be modified).</summary>
        public byte[]? Utf8(string id) => _owner._byId.TryGetValue(id, out var e) ? e.Utf8 : null;

        public IEnumerable<JsonObject> All()
        {
            var items = _owner._items;
            for (var i = 0; i < items.Count; i++) yield return items.GetValueAtIndex(i).Document;
        }

        /// <summary>
        /// Every document ordered by <paramref name="field"/> (ascending, as <paramref name="sort"/> orders them),
        /// computed once and reused until a write changes that field.
        /// </summary>
        public IReadOnlyList<JsonObject> OrderedBy(string field, Func<IEnumerable<JsonObject>, List<JsonObject>> sort)
        {
            var view = this;
            return _owner._orders.GetOrAdd(field, _ => sort(view.All()).ToArray());
        }

        /// <summary>Null when the field has no lookup; an empty set when nothing has that value.</summary>
        public IdSet? IdsWhere(string field, string value)
        {
            if (!DocumentIndex.IndexedFields.Contains(field)) return null;
            return _owner._lookups.TryGetValue(field, out var byValue) && byValue.TryGetValue(value, out var ids)
                ? ids
                : IdSet.Empty;
        }
    }
}

/// <summary>The ids having one value of an indexed field: in id (insertion) order, with constant-time membership.</summary>
public sealed class IdSet : IReadOnlyCollection<string>
{
    public static readonly IdSet Empty = new();

    private readonly SortedSet<string> _ordered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public int Count => _ordered.Count;

    public bool Contains(string id) => _members.Contains(id);

    internal void Add(string id)
    {
        _ordered.Add(id);
        _members.Add(id);
    }

    internal void Remove(string id)
    {
        _ordered.Remove(id);
        _members.Remove(id);
    }

    public IEnumerator<string> GetEnumerator() => _ordered.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

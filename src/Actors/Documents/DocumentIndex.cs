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
public sealed record IndexChange(string Resource, StoredDocument? Before, StoredDocument? After, LiveChange? Live = null);

public sealed class ResourceCollection(string resource, DocumentIndex owner)
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.SupportsRecursion);
    private readonly SortedList<string, Entry> _items = new(StringComparer.Ordinal);
    // The same entries by id, for constant-time lookups (the sorted list keeps order and positions).
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _deleted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, IdSet>> _lookups = new(StringComparer.Ordinal);
    private readonly FieldTable _fields = new();

    /// <summary>Document orders by one field, computed by a read and kept until a write changes that field.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StoredDocument[]> _orders = new(StringComparer.Ordinal);

    public string Resource { get; } = resource;

    /// <summary>A document and the revision of its configuration (a live change keeps the revision).</summary>
    private sealed record Entry(StoredDocument Document, long Revision);

    /// <summary>Hosts' and services' latest live state: it wins over the live fields of the stored document.</summary>
    private readonly Dictionary<string, (long Revision, LiveState State)> _live = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _items.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public StoredDocument? Get(string id)
    {
        _lock.EnterReadLock();
        try { return _byId.TryGetValue(id, out var entry) ? entry.Document : null; }
        finally { _lock.ExitReadLock(); }
    }

    public bool Contains(string id) => Get(id) is not null;

    /// <summary>A document and the revision of its configuration, read together; null when there is none.</summary>
    public (StoredDocument Document, long Revision)? GetWithRevision(string id)
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
    public StoredDocument? FindWhere(string field, string value, string otherField, string otherValue) =>
        IdsWhereBoth(field, value, otherField, otherValue).FirstOrDefault() is { } id ? Get(id) : null;

    /// <summary>The ids (in id order) with both values of two looked-up fields.</summary>
    public IReadOnlyList<string> IdsWhereBoth(string field, string value, string otherField, string otherValue) => Read(view =>
    {
        if (view.IdsWhere(field, value) is not { } first || view.IdsWhere(otherField, otherValue) is not { } second) return [];
        var (walk, check) = first.Count <= second.Count ? (first, second) : (second, first);
        return (IReadOnlyList<string>)walk.Where(check.Contains).ToList();
    });

    public StoredDocument? FindByName(string name)
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
        var live = _live.TryGetValue(change.Id, out var state) ? state.State : null;
        var document = StoredDocument.Parse(_fields, change.Json, live);
        Store(change.Id, current, new Entry(document, change.Revision), null);
    }

    internal void ApplyLive(LiveChange change)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_live.TryGetValue(change.Id, out var known) && known.Revision >= change.Revision) return;
            if (_deleted.ContainsKey(change.Id)) return;
            _live[change.Id] = (change.Revision, change.State);
            if (!_byId.TryGetValue(change.Id, out var current)) return;
            // The configuration is shared as it is; only the small live state beside it is new.
            Store(change.Id, current, new Entry(current.Document.WithLive(change.State), current.Revision), change);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <param name="live">The entity's change, when only the live state changed: its fields and the ETag are what changed.</param>
    private void Store(string id, Entry? before, Entry entry, LiveChange? live)
    {
        _items[id] = _byId[id] = entry;
        Reindex(id, before?.Document, entry.Document);
        if (before is { } previous && !_orders.IsEmpty)
        {
            if (live is not null)
            {
                foreach (var (field, _) in live.Fields) _orders.TryRemove(field, out _);
                _orders.TryRemove("_etag", out _);
            }
            else
                foreach (var field in _orders.Keys)
                    if (!JsonNode.DeepEquals(previous.Document[field], entry.Document[field])) _orders.TryRemove(field, out _);
        }
        owner.OnChanged(new IndexChange(Resource, before?.Document, entry.Document, live));
    }

    /// <summary>Moves the id between lookups only for the indexed fields whose value changed (a live change: ls_state at most).</summary>
    private void Reindex(string id, StoredDocument? before, StoredDocument document)
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

    private void Unindex(string id, StoredDocument document)
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

    /// <summary>A looked-up field's text; a live state's <c>ls_state</c> is read from the state (its fields are made on read).</summary>
    private static string? LookupKey(StoredDocument document, string field)
    {
        if (field == "ls_state" && document.Live is { } live) return live.State;
        return document.TryGetPropertyValue(field, out var node) && node is JsonValue value
            && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>A read-only view valid inside <see cref="Read{T}"/>.</summary>
    public readonly struct View
    {
        private readonly ResourceCollection _owner;
        internal View(ResourceCollection owner) => _owner = owner;

        public int Count => _owner._items.Count;
        public StoredDocument At(int position) => _owner._items.GetValueAtIndex(position).Document;
        public string IdAt(int position) => _owner._items.GetKeyAtIndex(position);
        public StoredDocument? Get(string id) => _owner._byId.TryGetValue(id, out var e) ? e.Document : null;

        public IEnumerable<StoredDocument> All()
        {
            var items = _owner._items;
            for (var i = 0; i < items.Count; i++) yield return items.GetValueAtIndex(i).Document;
        }

        /// <summary>
        /// Every document ordered by <paramref name="field"/> (ascending, as <paramref name="sort"/> orders them),
        /// computed once and reused until a write changes that field.
        /// </summary>
        public IReadOnlyList<StoredDocument> OrderedBy(string field, Func<IEnumerable<StoredDocument>, List<StoredDocument>> sort)
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

using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;

namespace Alignak.Actors.Documents;

/// <summary>
/// Decides a write: validation, the original's hooks and the resulting document changes.
/// Pure over the index (nothing is written here), so the writer actor only persists and publishes.
/// </summary>
public sealed class WritePlanner(DocumentIndex index)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public const string PostedItemsMessage = "The request body must be a JSON object or a list of objects";

    /// <summary>What a POST may carry: one object, or a non-empty list of objects (Eve's bulk insert); null otherwise.</summary>
    public static List<JsonObject>? PostedItems(JsonNode? body) => body switch
    {
        JsonObject single => [single],
        JsonArray { Count: > 0 } array when array.All(e => e is JsonObject) => array.Select(e => e!.AsObject()).ToList(),
        _ => null,
    };

    public WriteResult Plan(IResourceCommand command) => command switch
    {
        CreateDocuments c => new Batch(index, c.Resource, c.CallerId).Create(c),
        PatchDocument p => new Batch(index, p.Resource, p.CallerId).Patch(p),
        ReplaceDocument r => new Batch(index, r.Resource, r.CallerId).Replace(r),
        DeleteDocument d => new Batch(index, d.Resource, d.CallerId).Delete(d),
        DeleteAllDocuments a => new Batch(index, a.Resource, a.CallerId).DeleteAll(a),
        _ => WriteResult.Fail(WriteStatus.BadRequest, $"unknown command {command.GetType().Name}"),
    };

    /// <summary>The documents one write touches, staged so that several hooks compose.</summary>
    private sealed class Batch(DocumentIndex index, string resource, string? callerId) : IRelationLookup, IWriteContext
    {
        public string? CallerId => callerId;

        // The caller's rights, checked on what the write would store; none for server-side writes and super-admins.
        private readonly UserRights? _rights = callerId is not null && index.Collection(ResourceNames.User).Get(callerId) is { } caller
            && UserRights.For(caller, index) is { SuperAdmin: false } rights ? rights : null;

        /// <summary>The caller's refusal of a document of the written resource as this write leaves it; null when allowed.</summary>
        private WriteResult? Refused(JsonObject? stored, JsonObject written) =>
            _rights?.RefuseWrite(resource, stored, written) is { } refusal ? WriteResult.Fail(refusal) : null;

        private readonly ResourceSchema _schema = Schemas.Find(resource)
            ?? throw new ArgumentException($"unknown resource '{resource}'", nameof(resource));
        // Staged documents per resource (null = deleted), so that hooks' look-ups scan only their resource.
        private readonly Dictionary<string, Dictionary<string, JsonObject?>> _staged = new(StringComparer.Ordinal);
        private readonly List<(string Resource, string Id)> _order = [];
        private readonly DateTimeOffset _now = Rfc1123.Now();

        public string Now => Rfc1123.Format(_now);

        // ---- staging ------------------------------------------------------------------------

        // The revision of each stored document this write read, for the store's compare-and-set.
        private readonly Dictionary<(string, string), long> _read = [];

        private JsonObject? Current(string res, string id) =>
            Staged(res).TryGetValue(id, out var staged) ? staged : Stored(res, id);

        // Stored documents as this write's working copies (each made once): hooks read and edit JSON objects.
        private readonly Dictionary<(string, string), JsonObject> _copies = [];

        /// <summary>If-Match against the ETag the command names: the whole one, or the configuration's (<see cref="IConditionalCommand"/>).</summary>
        private WriteStatus? Stale(IConditionalCommand command, JsonObject stored) =>
            !command.LiveChecked ? ETags.StaleIfMatch(stored, command.IfMatch)
            : command.IfMatch == index.Collection(resource).Get(command.Id)?.ConfigurationEtag ? null
            : WriteStatus.PreconditionFailed;

        private JsonObject? Stored(string res, string id)
        {
            if (_copies.TryGetValue((res, id), out var copy)) return copy;
            if (index.Collection(res).GetWithRevision(id) is not var (document, revision)) return null;
            _read.TryAdd((res, id), revision);
            return _copies[(res, id)] = document.ToJsonObject();
        }

        private Dictionary<string, JsonObject?> Staged(string res)
        {
            if (!_staged.TryGetValue(res, out var documents))
                _staged[res] = documents = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
            return documents;
        }

        /// <summary>A private copy of a stored document, to change it within this write.</summary>
        private JsonObject? Editable(string res, string id)
        {
            if (Staged(res).TryGetValue(id, out var staged)) return staged;
            var stored = Stored(res, id);
            if (stored is null) return null;
            var copy = stored.DeepClone().AsObject();
            Stage(res, id, copy);
            return copy;
        }

        private void Stage(string res, string id, JsonObject? document)
        {
            var documents = Staged(res);
            if (!documents.ContainsKey(id)) _order.Add((res, id));
            documents[id] = document;
        }

        private IReadOnlyList<DocumentChange> Changes() =>
            _order.Select(key =>
            {
                var document = _staged[key.Resource][key.Id];
                // A document staged without being read (a collection delete) is checked against the index's revision now.
                var basedOn = _read.TryGetValue(key, out var read) ? read
                    : index.Collection(key.Resource).GetWithRevision(key.Id)?.Revision ?? DocumentChange.Absent;
                return new DocumentChange(key.Resource, key.Id, Revisions.Next(), document?.ToJsonString(Compact), basedOn);
            }).ToList();

        /// <summary>Marks a server-side change of a stored document: new <c>_updated</c> and ETag.</summary>
        private void Touch(JsonObject document)
        {
            document["_updated"] = Now;
            document["_etag"] = ETags.Compute(document);
        }

        // ---- IRelationLookup (the validator sees staged documents too) --------------------

        public bool Exists(string res, string id) => Current(res, id) is not null;

        public bool IsTaken(string res, string field, JsonNode value, string? exceptId)
        {
            var staged = Staged(res);
            foreach (var (id, document) in staged)
                if (id != exceptId && document is not null && Same(document[field], value))
                    return true;
            var collection = index.Collection(res);
            return collection.Read(view =>
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text) && view.IdsWhere(field, text) is { } ids)
                    return ids.Any(id => id != exceptId && !staged.ContainsKey(id));
                for (var i = 0; i < view.Count; i++)
                {
                    var id = view.IdAt(i);
                    if (id != exceptId && !staged.ContainsKey(id) && Same(view.At(i)[field], value)) return true;
                }
                return false;
            });
        }

        private static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

        // ---- POST -------------------------------------------------------------------------

        public WriteResult Create(CreateDocuments command)
        {
            JsonNode? body;
            try { body = JsonNode.Parse(command.Json); }
            catch (JsonException) { return WriteResult.Fail(WriteStatus.BadRequest, "The request body is not valid JSON"); }

            var batch = body is JsonArray;
            if (PostedItems(body) is not { } items)
                return WriteResult.Fail(WriteStatus.BadRequest, PostedItemsMessage);

            var outcomes = new List<ItemOutcome>();
            var inserted = new List<JsonObject>();
            foreach (var item in items)
            {
                var document = item.DeepClone().AsObject();
                if (Templates.RefuseFormat(resource, document) is { } badTemplate)
                    return WriteResult.Fail(WriteStatus.Refused, badTemplate);
                DocumentValidator.Serialize(_schema, document);
                if ((Hooks.BeforeValidateInsert(resource, document, this)
                     ?? DocumentValidator.ValidateInsert(_schema, document, this)) is { } issues)
                {
                    outcomes.Add(new ItemOutcome(null, null, null, null, issues.ToJsonString(Compact)));
                    continue;
                }
                DocumentValidator.ApplyDefaults(_schema, document);
                if (Hooks.RefuseInsert(resource, document, this) is { } refusal)
                    return WriteResult.Fail(WriteStatus.Refused, refusal);
                var id = DocumentIds.NewId(_now);
                document["_id"] = id;
                Hooks.OnInsert(resource, document, this);
                document["_created"] = Now;
                document["_updated"] = Now;
                document["_etag"] = ETags.Compute(document);
                Stage(resource, id, document);
                inserted.Add(document);
                outcomes.Add(new ItemOutcome(id, Now, Now, (string)document["_etag"]!, null));
            }

            if (outcomes.Any(o => !o.IsValid))
                return new WriteResult(WriteStatus.Invalid, outcomes, [], Batch: batch);

            foreach (var document in inserted)
                Hooks.AfterInsert(resource, document, this);
            foreach (var document in inserted)
                if (Refused(null, Current(resource, (string)document["_id"]!)!) is { } refused) return refused;
            // Hooks may have changed an inserted document after its ETag was taken.
            var finalOutcomes = inserted.Select(d => Outcome(Current(resource, (string)d["_id"]!)!)).ToList();
            return new WriteResult(WriteStatus.Created, finalOutcomes, Changes(), Batch: batch);
        }

        private static ItemOutcome Outcome(JsonObject d) =>
            new((string?)d["_id"], (string?)d["_created"], (string?)d["_updated"], (string?)d["_etag"], null);

        /// <summary>Creates a document of another resource as a server-side insert (defaults, meta fields).</summary>
        public JsonObject InsertInternal(string res, JsonObject document)
        {
            var schema = Schemas.Find(res) ?? throw new ArgumentException($"unknown resource '{res}'", nameof(res));
            DocumentValidator.ApplyDefaults(schema, document);
            var id = DocumentIds.NewId(_now);
            document["_id"] = id;
            document["_created"] = Now;
            document["_updated"] = Now;
            document["_etag"] = ETags.Compute(document);
            Stage(res, id, document);
            return document;
        }

        // ---- PATCH ------------------------------------------------------------------------

        public WriteResult Patch(PatchDocument command)
        {
            var stored = Current(resource, command.Id);
            if (stored is null) return WriteResult.Fail(WriteStatus.NotFound);
            if (command.Mode == PatchMode.Client && Stale(command, stored) is { } stale)
                return WriteResult.Fail(stale);
            if (ParseObject(command.Json) is not { } changes)
                return WriteResult.Fail(WriteStatus.BadRequest, "The request body must be a JSON object");

            if (command.Mode == PatchMode.Client && Hooks.RefusePatch(resource, stored, changes, this) is { } refusal)
                return WriteResult.Fail(WriteStatus.Refused, refusal);
            DocumentValidator.Serialize(_schema, changes);
            Hooks.BeforeValidatePatch(resource, changes);

            var merged = stored.DeepClone().AsObject();
            foreach (var (key, value) in changes)
                merged[key] = MergeField(key, merged[key], value);

            if (command.Mode != PatchMode.Raw
                && DocumentValidator.ValidateUpdate(_schema, changes, merged, command.Id, this) is { } issues)
                return new WriteResult(WriteStatus.Invalid, [new ItemOutcome(command.Id, null, null, null, issues.ToJsonString(Compact))], []);

            var (hookRefusal, hookIssues) = Hooks.OnPatch(resource, stored, merged, changes, this);
            if (hookRefusal is not null)
                return WriteResult.Fail(WriteStatus.Refused, hookRefusal);
            if (hookIssues is not null)
                return new WriteResult(WriteStatus.Invalid, [new ItemOutcome(command.Id, null, null, null, hookIssues.ToJsonString(Compact))], []);

            if (command.Mode != PatchMode.Raw)
            {
                if (!Hooks.KeepsUpdated(resource, changes)) merged["_updated"] = Now;
                merged["_etag"] = ETags.Compute(merged);
            }
            Stage(resource, command.Id, merged);
            Hooks.AfterPatch(resource, stored, merged, changes, this);
            if (Refused(stored, Current(resource, command.Id)!) is { } refused) return refused;
            return new WriteResult(WriteStatus.Updated, [Outcome(Current(resource, command.Id)!)], Changes());
        }

        private static JsonObject? ParseObject(string json)
        {
            try { return JsonNode.Parse(json) as JsonObject; }
            catch (JsonException) { return null; }
        }

        /// <summary>Dict fields are deep-merged as Eve does (keys cannot be removed by PATCH); others replaced.</summary>
        private JsonNode? MergeField(string field, JsonNode? current, JsonNode? patch)
        {
            var isDict = _schema.Fields.TryGetValue(field, out var f) ? f.Type == "dict" : _schema.AllowUnknown;
            return isDict && current is JsonObject target && patch is JsonObject source
                ? DeepMerge(target, source)
                : patch?.DeepClone();
        }

        private static JsonObject DeepMerge(JsonObject target, JsonObject source)
        {
            var result = target.DeepClone().AsObject();
            foreach (var (key, value) in source)
                result[key] = result[key] is JsonObject inner && value is JsonObject innerPatch
                    ? DeepMerge(inner, innerPatch)
                    : value?.DeepClone();
            return result;
        }

        // ---- PUT --------------------------------------------------------------------------

        public WriteResult Replace(ReplaceDocument command)
        {
            var stored = Current(resource, command.Id);
            if (stored is not null && Stale(command, stored) is { } stale)
                return WriteResult.Fail(stale);
            if (ParseObject(command.Json) is not { } document)
                return WriteResult.Fail(WriteStatus.BadRequest, "The request body must be a JSON object");

            DocumentValidator.Serialize(_schema, document);
            if (DocumentValidator.ValidateReplace(_schema, document, command.Id, this) is { } issues)
                return new WriteResult(WriteStatus.Invalid, [new ItemOutcome(command.Id, null, null, null, issues.ToJsonString(Compact))], []);
            DocumentValidator.ApplyDefaults(_schema, document);
            document["_id"] = command.Id;
            Hooks.OnInsert(resource, document, this);
            document["_created"] = (string?)stored?["_created"] ?? Now;
            document["_updated"] = Now;
            document["_etag"] = ETags.Compute(document);
            Stage(resource, command.Id, document);
            if (Refused(stored, document) is { } refused) return refused;
            return new WriteResult(stored is null ? WriteStatus.Created : WriteStatus.Updated, [Outcome(document)], Changes());
        }

        // ---- DELETE -----------------------------------------------------------------------

        public WriteResult Delete(DeleteDocument command)
        {
            var stored = Current(resource, command.Id);
            if (stored is null) return WriteResult.Fail(WriteStatus.NotFound);
            if (Stale(command, stored) is { } stale)
                return WriteResult.Fail(stale);
            if (DefaultElements.IsProtected(resource, (string?)stored["name"]))
                return WriteResult.Fail(WriteStatus.Refused, "This item is a default item and is protected");
            if (resource == ResourceNames.User && command.Id == command.CallerId)
                return WriteResult.Fail(WriteStatus.Refused, "You cannot delete the user your are logged with!");
            if (Hooks.RefuseDelete(resource, stored) is { } status)
                return WriteResult.Fail(status);

            Remove(resource, command.Id);
            return new WriteResult(WriteStatus.Deleted, [], Changes());
        }

        /// <summary>Removes a document and runs its delete hooks (cascades).</summary>
        public void Remove(string res, string id)
        {
            var stored = Current(res, id);
            if (stored is null) return;
            Hooks.BeforeDelete(res, stored, this);
            Stage(res, id, null);
            Hooks.AfterDelete(res, stored, this);
        }

        public WriteResult DeleteAll(DeleteAllDocuments command)
        {
            var only = command.OnlyIds is null ? null : new HashSet<string>(command.OnlyIds, StringComparer.Ordinal);
            var ids = index.Collection(resource).Read(view =>
                view.All()
                    .Where(d => !DefaultElements.IsProtected(resource, (string?)d["name"]))
                    .Select(d => (string)d["_id"]!)
                    .Where(id => !(resource == ResourceNames.User && id == command.CallerId))
                    .Where(id => only is null || only.Contains(id))
                    .ToList());
            // No per-item hooks on a collection DELETE, as the original.
            foreach (var id in ids) Stage(resource, id, null);
            Hooks.AfterDeleteAll(resource, this);
            return new WriteResult(WriteStatus.Deleted, [], Changes());
        }

        // ---- helpers for hooks ------------------------------------------------------------

        public JsonObject? Find(string res, string id) => Current(res, id);

        public JsonObject? Edit(string res, string id) => Editable(res, id);

        public void Updated(JsonObject document) => Touch(document);

        public JsonObject? FindByName(string res, string name)
        {
            foreach (var document in Staged(res).Values)
                if (document is not null && (string?)document["name"] == name) return document;
            return index.Collection(res).FindByName(name) is { } found ? Current(res, (string)found["_id"]!) : null;
        }

        public IReadOnlyList<string> IdsContaining(string res, string field, string value)
        {
            static bool Holds(JsonNode? values, string value) =>
                values is JsonArray list && list.Any(n => n is JsonValue v && v.TryGetValue<string>(out var s) && s == value);
            var ids = new SortedSet<string>(index.Collection(res).Read(view =>
                view.All().Where(d => Holds(d[field], value)).Select(d => (string)d["_id"]!).ToList()), StringComparer.Ordinal);
            foreach (var (id, document) in Staged(res))
            {
                if (Holds(document?[field], value)) ids.Add(id);
                else ids.Remove(id);
            }
            return ids.ToList();
        }

        public bool AnyWhere(string res, string field, string value, string otherField, string otherValue)
        {
            var staged = Staged(res);
            foreach (var document in staged.Values)
                if (document is not null && (string?)document[field] == value && (string?)document[otherField] == otherValue) return true;
            // Stored ones count unless this write changed them (then their staged version was checked above).
            return index.Collection(res).IdsWhereBoth(field, value, otherField, otherValue).Any(id => !staged.ContainsKey(id));
        }

        public IReadOnlyList<string> IdsWhere(string res, string field, string value)
        {
            var ids = new SortedSet<string>(index.Collection(res).IdsWhere(field, value), StringComparer.Ordinal);
            foreach (var (id, document) in Staged(res))
            {
                if (document is not null && (string?)document[field] == value) ids.Add(id);
                else ids.Remove(id);
            }
            return ids.ToList();
        }
    }
}

namespace Alignak.Actors.Documents;

/// <summary>
/// Every message of the documents' writers that may cross nodes (a command, its reply, a publication); serialized with
/// stable names (<see cref="DocumentSerializer"/>).
/// </summary>
public interface IDocumentMessage;

/// <summary>A write to one resource; routed to that resource's writer.</summary>
public interface IResourceCommand : IDocumentMessage
{
    string Resource { get; }
}

/// <summary>POST of one document (a JSON object) or a batch (a JSON array).</summary>
public sealed record CreateDocuments(string Resource, string Json, string? CallerId) : IResourceCommand;

public enum PatchMode
{
    /// <summary>A client's PATCH: If-Match required, client-forbidden fields refused.</summary>
    Client,
    /// <summary>A server-side change: no ETag check; <c>_updated</c> and <c>_etag</c> follow.</summary>
    Internal,
    /// <summary>A server-side change that leaves <c>_updated</c> and <c>_etag</c> as they were (token on login).</summary>
    Raw,
}

/// <summary>A PATCH; <paramref name="CallerId"/> is the user whose rights the result must respect (null: a server-side change).</summary>
public sealed record PatchDocument(string Resource, string Id, string Json, string? IfMatch, PatchMode Mode = PatchMode.Client,
    string? CallerId = null) : IConditionalCommand
{
    public bool LiveChecked { get; init; }

    public IConditionalCommand CheckedAgainst(string configurationEtag) => this with { IfMatch = configurationEtag, LiveChecked = true };
}

/// <summary>PUT: the whole document replaced; an unknown id creates it (Eve's upsert).</summary>
public sealed record ReplaceDocument(string Resource, string Id, string Json, string? IfMatch, string? CallerId) : IConditionalCommand
{
    public bool LiveChecked { get; init; }

    public IConditionalCommand CheckedAgainst(string configurationEtag) => this with { IfMatch = configurationEtag, LiveChecked = true };
}

public sealed record DeleteDocument(string Resource, string Id, string? IfMatch, string? CallerId) : IConditionalCommand
{
    public bool LiveChecked { get; init; }

    public IConditionalCommand CheckedAgainst(string configurationEtag) => this with { IfMatch = configurationEtag, LiveChecked = true };
}

/// <summary>
/// A write to one document under If-Match. An item's ETag covers its live state, which reaches each node a moment
/// apart, so the edge that served the ETag checks it and sends the configuration's own ETag instead
/// (<see cref="LiveChecked"/>): the writer alone changes that one, so its check stays exact on any node.
/// </summary>
public interface IConditionalCommand : IResourceCommand
{
    string Id { get; }

    string? IfMatch { get; }

    bool LiveChecked { get; }

    /// <summary>This command with If-Match checked by the edge: the writer checks <paramref name="configurationEtag"/>.</summary>
    IConditionalCommand CheckedAgainst(string configurationEtag);
}

/// <summary>DELETE of a collection. <paramref name="OnlyIds"/> narrows it to what the caller may delete.</summary>
public sealed record DeleteAllDocuments(string Resource, string? CallerId, IReadOnlyList<string>? OnlyIds = null)
    : IResourceCommand;

public enum WriteStatus
{
    Created,
    Updated,
    Deleted,
    /// <summary>422: validation issues per item.</summary>
    Invalid,
    /// <summary>400: the body is not what the route takes.</summary>
    BadRequest,
    NotFound,
    /// <summary>428: If-Match missing.</summary>
    PreconditionRequired,
    /// <summary>412 with the JSON envelope: stale ETag.</summary>
    PreconditionFailed,
    /// <summary>412 with a plain-text body: a hook refused the change (the original's abort texts).</summary>
    Refused,
    /// <summary>401: the caller holds no right for this write where it would put the item.</summary>
    Unauthorized,
    /// <summary>403: a write that only a super-admin (or the user itself) may make.</summary>
    Forbidden,
    /// <summary>409: e.g. a realm that still has children.</summary>
    Conflict,
    /// <summary>503: the database did not take the write; nothing was changed.</summary>
    Unavailable,
    /// <summary>413: a document, or the write itself, is larger than one node may pass to another.</summary>
    TooLarge,
}

/// <summary>What happened to one posted or written item: its meta fields, or its issues (JSON text).</summary>
public sealed record ItemOutcome(string? Id, string? Created, string? Updated, string? ETag, string? IssuesJson) : IDocumentMessage
{
    public bool IsValid => IssuesJson is null;
}

public sealed record WriteResult(
    WriteStatus Status,
    IReadOnlyList<ItemOutcome> Items,
    IReadOnlyList<DocumentChange> Changes,
    string? Message = null,
    bool Batch = false) : IDocumentMessage
{
    public static WriteResult Fail(WriteStatus status, string? message = null) => new(status, [], [], message);

    public static WriteResult Fail(Security.WriteRefusal refusal) =>
        Fail(refusal.IsForbidden ? WriteStatus.Forbidden : WriteStatus.Unauthorized, refusal.Message);
}

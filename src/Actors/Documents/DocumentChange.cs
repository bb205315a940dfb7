namespace Alignak.Actors.Documents;

/// <summary>
/// One accepted change of a configuration document: the new JSON body, or null when deleted.
/// A later revision wins, so a late publication never overwrites a newer state. <paramref name="BasedOn"/> is the
/// revision of the document the write read (<see cref="Absent"/>: it did not exist): the store commits the change
/// only if that is still the stored one, so two writers that changed one document at once cannot both win.
/// </summary>
public sealed record DocumentChange(string Resource, string Id, long Revision, string? Json, long BasedOn = DocumentChange.Unchecked)
    : IDocumentMessage
{
    /// <summary>Written whatever is stored (changes that no write planned: loads, live state).</summary>
    public const long Unchecked = -1;

    /// <summary>The write found no such document.</summary>
    public const long Absent = 0;

    public bool IsDelete => Json is null;
}

/// <summary>A change's document was changed by another write since it was read: nothing was written, plan again.</summary>
public sealed class DocumentConflictException(string resource, string id)
    : Exception($"{resource}/{id} was changed by another write meanwhile");

/// <summary>The durable home of configuration documents (one row per document).</summary>
public interface IDocumentStore
{
    Task<IReadOnlyList<DocumentChange>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Writes all changes in one transaction; returns once they are durable.</summary>
    Task CommitAsync(IReadOnlyList<DocumentChange> changes, CancellationToken cancellationToken);
}

/// <summary>Revisions: UTC ticks, strictly increasing within a process, comparable across nodes.</summary>
public static class Revisions
{
    private static long _last;

    public static long Next()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _last);
            var next = Math.Max(last + 1, DateTime.UtcNow.Ticks);
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return next;
        }
    }
}

namespace Alignak.Actors.Documents;

/// <summary>
/// One accepted change of a configuration document: the new JSON body, or null when deleted.
/// A later revision wins, so a late publication never overwrites a newer state.
/// </summary>
public sealed record DocumentChange(string Resource, string Id, long Revision, string? Json)
{
    public bool IsDelete => Json is null;
}

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

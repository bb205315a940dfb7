namespace Alignak.Import.Config;

/// <summary>Where a definition or a directive was read: shown with every problem.</summary>
public sealed record SourceLocation(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>What a problem means for the run, and so for the exit code (README, exit codes).</summary>
public enum ProblemKind
{
    /// <summary>A file that cannot be read or parsed (missing <c>}</c>, a line outside any grammar): nothing is written, exit 3.</summary>
    Syntax,
    /// <summary>A name that names nothing, a template loop, a bad value: the rest is imported, exit 4.</summary>
    Unresolved,
    /// <summary>A definition without the name its type needs: it is skipped, exit 6.</summary>
    NoName,
    /// <summary>A write the backend refused: exit 5.</summary>
    Refused,
    /// <summary>Reported, does not change the exit code (a duplicate definition, an ignored directive).</summary>
    Warning,
}

public sealed record Problem(ProblemKind Kind, SourceLocation? Where, string Message)
{
    public override string ToString() => Where is null ? Message : $"{Where}: {Message}";
}

/// <summary>Every problem of a run, collected rather than stopping at the first one.</summary>
public sealed class ProblemList
{
    private readonly List<Problem> _items = [];
    private readonly HashSet<string> _seen = [];

    public IReadOnlyList<Problem> Items => _items;

    public void Add(ProblemKind kind, SourceLocation? where, string message)
    {
        var problem = new Problem(kind, where, message);
        if (_seen.Add(problem.Kind + problem.ToString())) _items.Add(problem);
    }

    public bool Any(ProblemKind kind) => _items.Exists(p => p.Kind == kind);
}

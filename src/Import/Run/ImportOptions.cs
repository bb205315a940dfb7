namespace Alignak.Import.Run;

public sealed record ImportOptions
{
    public IReadOnlyList<string> Files { get; init; } = [];
    public Uri Backend { get; init; } = new("http://127.0.0.1:5000");
    public string Username { get; init; } = "admin";
    public string Password { get; init; } = "admin";
    public bool Delete { get; init; }
    public bool Update { get; init; }
    public bool Duplicate { get; init; }
    public bool Check { get; init; }
    public int Verbosity { get; init; } = 1; // 0 quiet, 1 normal, 2 -v, 3 -2
    /// <summary>Documents per bulk POST.</summary>
    public int BatchSize { get; init; } = 250;
}

/// <summary>The exit codes (README): those of the original, plus 3 for a configuration that cannot be read.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int AccessDenied = 2;
    public const int BadConfiguration = 3;
    public const int Unresolved = 4;
    public const int Refused = 5;
    public const int NoName = 6;
    public const int BadCommandLine = 64;
}

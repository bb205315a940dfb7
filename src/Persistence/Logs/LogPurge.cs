namespace Alignak.Persistence.Logs;

/// <summary>The retention of history and logcheckresult: rows older than N days go (N = 0 keeps everything).</summary>
public static class LogPurge
{
    public static async Task<int> RunAsync(SqlLogStore store, int retentionDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (retentionDays <= 0) return 0;
        var before = now.AddDays(-retentionDays).ToUnixTimeSeconds();
        var removed = 0;
        foreach (var resource in new[] { "history", "logcheckresult" })
            removed += await store.PurgeAsync(resource, before, cancellationToken);
        return removed;
    }
}

using System.Collections;
using Alignak.Persistence;
using Microsoft.Extensions.Configuration;

namespace Alignak.Http.Settings;

/// <summary>
/// Reads settings as the original does: the file named by ALIGNAK_BACKEND_CONFIGURATION_FILE or the
/// first of the usual places, JSON with comments; then ALIGNAK_BACKEND_&lt;KEY&gt; variables win.
/// Keys that no longer apply are accepted and reported as ignored; a bad value of a key we use is an error.
/// Both places are configuration providers; <see cref="BackendSettings"/> is bound from what they hold.
/// </summary>
public static class SettingsLoader
{
    public const string FileVariable = "ALIGNAK_BACKEND_CONFIGURATION_FILE";
    private const string VariablePrefix = "ALIGNAK_BACKEND_";

    public static readonly string[] SearchPaths =
    [
        "/usr/local/etc/alignak-backend/settings.json",
        "/etc/alignak-backend/settings.json",
        "./etc/alignak-backend/settings.json",
        "./etc/settings.json",
        "../etc/settings.json",
        "./settings.json",
    ];

    /// <summary>Original keys that have no meaning here (MongoDB, Python logging, rate limits).</summary>
    private static readonly HashSet<string> Ignored =
    [
        "MONGO_URI", "MONGO_HOST", "MONGO_PORT", "MONGO_DBNAME", "MONGO_USERNAME", "MONGO_PASSWORD",
        "MONGO_QUERY_BLACKLIST", "LOGGER", "LOGGER_CONFIGURATION", "RATE_LIMIT_GET", "RATE_LIMIT_POST",
        "RATE_LIMIT_PATCH", "RATE_LIMIT_DELETE", "UWSGI_FILE",
    ];

    public static IReadOnlyCollection<string> KnownKeys => SettingRules.Keys;

    internal static bool IsIgnored(string key) => Ignored.Contains(key);

    /// <summary>Loads and checks the settings; <paramref name="notes"/> collects what was ignored.</summary>
    public static BackendSettings Load(IDictionary environment, List<string> notes)
    {
        var problems = new List<string>();
        var file = FindFile(environment, problems);

        // In order of precedence, lowest first.
        var sources = new List<SettingsProvider>();
        if (file is not null) sources.Add(new SettingsFileProvider(file));
        sources.Add(new SettingsVariablesProvider(environment, VariablePrefix, FileVariable));
        var builder = new ConfigurationBuilder();
        foreach (var source in sources) builder.Add(source);
        var configuration = builder.Build();
        foreach (var source in sources)
        {
            problems.AddRange(source.Problems);
            notes.AddRange(source.Notes);
        }

        // Configuration merges lists item by item; a list a later source sets replaces the earlier one whole.
        for (var i = 0; i < sources.Count; i++)
            foreach (var key in sources.Skip(i + 1).SelectMany(s => s.Keys))
                sources[i].Forget(key);

        var settings = new BackendSettings { SourceFile = file is null ? null : Path.GetFullPath(file) };
        foreach (var key in sources.SelectMany(s => s.Keys).Where(SettingRules.IsList))
            SettingRules.ClearList(settings, key);
        configuration.Bind(settings);

        if (settings.PaginationDefault > settings.PaginationLimit)
            problems.Add($"PAGINATION_DEFAULT ({settings.PaginationDefault}) is larger than PAGINATION_LIMIT ({settings.PaginationLimit})");
        if (settings.DatabaseProvider == DatabaseProvider.PostgreSql && settings.Database is null)
            problems.Add("DATABASE: a connection string is required with DATABASE_PROVIDER postgresql");
        if (settings.DatabaseProvider == DatabaseProvider.Sqlite && settings.ClusterSeedNodes.Count > 0)
            problems.Add("CLUSTER_SEED_NODES: a cluster of several nodes needs DATABASE_PROVIDER postgresql (a SQLite file serves one node only)");
        if (problems.Count == 0)
        {
            try { _ = settings.DatabaseOptions; }
            catch (ArgumentException e) { problems.Add(e.Message); }
        }

        if (problems.Count > 0) throw new SettingsException(problems);
        return settings;
    }

    private static string? FindFile(IDictionary environment, List<string> problems)
    {
        if (environment[FileVariable] is string named && named.Length > 0)
        {
            if (File.Exists(named)) return named;
            problems.Add($"{FileVariable} names '{named}', which does not exist");
            return null;
        }
        return SearchPaths.FirstOrDefault(File.Exists);
    }
}

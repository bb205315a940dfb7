using System.Collections;
using System.Globalization;
using System.Text.Json;
using Alignak.Persistence;

namespace Alignak.Http.Settings;

/// <summary>
/// Reads settings as the original does: the file named by ALIGNAK_BACKEND_CONFIGURATION_FILE or the
/// first of the usual places, JSON with comments; then ALIGNAK_BACKEND_&lt;KEY&gt; variables win.
/// Keys that no longer apply are accepted and reported as ignored; a bad value of a key we use is an error.
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

    private delegate void Setter(BackendSettings settings, JsonElement value);

    private static readonly Dictionary<string, Setter> Keys = new(StringComparer.Ordinal)
    {
        ["DEBUG"] = (s, v) => s.Debug = Bool(v),
        ["HOST"] = (s, v) => s.Host = String(v, allowNull: true) ?? "",
        ["PORT"] = (s, v) => s.Port = Int(v, 0, 65535),
        ["SERVER_NAME"] = (s, v) => s.ServerName = String(v, allowNull: true),
        ["X_DOMAINS"] = (s, v) => s.XDomains = StringList(v),
        ["X_HEADERS"] = (s, v) => s.XHeaders = StringList(v),
        ["PAGINATION_LIMIT"] = (s, v) => s.PaginationLimit = Int(v, 1, int.MaxValue),
        ["PAGINATION_DEFAULT"] = (s, v) => s.PaginationDefault = Int(v, 1, int.MaxValue),
        ["IP_CRON"] = (s, v) => s.IpCron = StringList(v),
        ["ALIGNAK_URL"] = (s, v) => s.AlignakUrl = String(v, allowNull: true) ?? "",
        ["SCHEDULER_ALIGNAK_ACTIVE"] = (s, v) => s.SchedulerAlignakActive = Bool(v),
        ["SCHEDULER_ALIGNAK_PERIOD"] = (s, v) => s.SchedulerAlignakPeriod = Int(v, 1, int.MaxValue),
        ["SCHEDULER_TIMESERIES_ACTIVE"] = (s, v) => s.SchedulerTimeseriesActive = Bool(v),
        ["SCHEDULER_TIMESERIES_PERIOD"] = (s, v) => s.SchedulerTimeseriesPeriod = Int(v, 1, int.MaxValue),
        ["SCHEDULER_TIMESERIES_LIMIT"] = (s, v) => s.SchedulerTimeseriesLimit = Int(v, 1, int.MaxValue),
        ["SCHEDULER_GRAFANA_ACTIVE"] = (s, v) => s.SchedulerGrafanaActive = Bool(v),
        ["SCHEDULER_GRAFANA_PERIOD"] = (s, v) => s.SchedulerGrafanaPeriod = Int(v, 1, int.MaxValue),
        ["SCHEDULER_LIVESYNTHESIS_HISTORY"] = (s, v) => s.SchedulerLivesynthesisHistory = Int(v, 0, int.MaxValue),
        ["SCHEDULER_TIMEZONE"] = (s, v) => s.SchedulerTimezone = String(v, allowNull: false)!,
        ["GRAFANA_DATASOURCE"] = (s, v) => s.GrafanaDatasource = Bool(v),
        ["GRAFANA_DATASOURCE_QUERIES"] = (s, v) => s.GrafanaDatasourceQueries = String(v, allowNull: false)!,
        ["GRAFANA_DATASOURCE_TABLES"] = (s, v) => s.GrafanaDatasourceTables = String(v, allowNull: false)!,
        ["DATABASE"] = (s, v) => s.Database = String(v, allowNull: true) is { Length: > 0 } cs ? cs : null,
        ["DATABASE_PROVIDER"] = (s, v) => s.DatabaseProvider = (String(v, allowNull: false) ?? "").ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgresql" or "postgres" => DatabaseProvider.PostgreSql,
            var other => throw new FormatException($"must be sqlite or postgresql, not '{other}'"),
        },
        ["CLUSTER_HOST"] = (s, v) => s.ClusterHost = String(v, allowNull: false)!,
        ["CLUSTER_PORT"] = (s, v) => s.ClusterPort = Int(v, 0, 65535),
        ["CLUSTER_SEED_NODES"] = (s, v) => s.ClusterSeedNodes = StringList(v),
        ["ACTIONS_APPLY_IMMEDIATELY"] = (s, v) => s.ActionsApplyImmediately = Bool(v),
        ["LOGS_RETENTION_DAYS"] = (s, v) => s.LogsRetentionDays = Int(v, 0, 36500),
        ["MAX_REQUEST_BODY_SIZE"] = (s, v) => s.MaxRequestBodySize = Int(v, 1024, int.MaxValue),
        ["PASSWORD_HASH_ITERATIONS"] = (s, v) => s.PasswordHashIterations = Int(v, 1, int.MaxValue),
        ["LOGIN_FAILURES_PER_NAME"] = (s, v) => s.LoginFailuresPerName = Int(v, 1, 1_000_000),
        ["LOGIN_FAILURES_PER_ADDRESS"] = (s, v) => s.LoginFailuresPerAddress = Int(v, 1, 1_000_000),
        ["LIVE_PUSH_BACKLOG"] = (s, v) => s.LivePushBacklog = Int(v, 10, 10_000_000),
        ["LIVE_PUSH_REPLAY"] = (s, v) => s.LivePushReplay = Int(v, 0, 1_000_000),
        ["LIVE_PUSH_RESUME_SECONDS"] = (s, v) => s.LivePushResumeSeconds = Int(v, 0, 86_400),
        ["TIMESERIES_RETENTION_LIMIT"] = (s, v) => s.TimeseriesRetentionLimit = Int(v, 1, int.MaxValue),
        ["TIMESERIES_QUEUE_SIZE"] = (s, v) => s.TimeseriesQueueSize = Int(v, 1, int.MaxValue),
        ["TIMESERIES_BATCH_SIZE"] = (s, v) => s.TimeseriesBatchSize = Int(v, 1, int.MaxValue),
        ["TIMESERIES_BATCH_MILLISECONDS"] = (s, v) => s.TimeseriesBatchMilliseconds = Int(v, 1, int.MaxValue),
        ["TIMESERIES_TIMEOUT"] = (s, v) => s.TimeseriesTimeout = Int(v, 1, 3600),
        ["METRICS"] = (s, v) => s.Metrics = Bool(v),
        ["LOG_FORMAT"] = (s, v) => s.LogFormat = (String(v, allowNull: false) ?? "").ToLowerInvariant() switch
        {
            "text" => LogFormat.Text,
            "json" => LogFormat.Json,
            var other => throw new FormatException($"must be text or json, not '{other}'"),
        },
        ["ACCESS_LOG"] = (s, v) => s.AccessLog = Bool(v),
    };

    public static IReadOnlyCollection<string> KnownKeys => Keys.Keys;

    /// <summary>Loads and checks the settings; <paramref name="notes"/> collects what was ignored.</summary>
    public static BackendSettings Load(IDictionary environment, List<string> notes)
    {
        var settings = new BackendSettings();
        var problems = new List<string>();

        var file = FindFile(environment, problems);
        if (file is not null)
        {
            settings.SourceFile = Path.GetFullPath(file);
            ApplyFile(settings, file, problems, notes);
        }

        foreach (DictionaryEntry entry in environment)
        {
            var name = (string)entry.Key;
            if (!name.StartsWith(VariablePrefix, StringComparison.Ordinal) || name == FileVariable) continue;
            var key = name[VariablePrefix.Length..];
            if (Ignored.Contains(key) || !Keys.ContainsKey(key))
            {
                notes.Add($"{name} is ignored: this server has no use for {key}");
                continue;
            }
            Apply(settings, key, FromVariable((string?)entry.Value ?? ""), problems, $"{name}");
        }

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

    private static void ApplyFile(BackendSettings settings, string file, List<string> problems, List<string> notes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{file} cannot be read as JSON: {e.Message}");
            return;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{file} must hold a JSON object");
                return;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (Ignored.Contains(property.Name))
                    notes.Add($"{property.Name} is ignored: this server has no use for it");
                else if (!Keys.ContainsKey(property.Name))
                    notes.Add($"{property.Name} is not a setting of this server and is ignored");
                else
                    Apply(settings, property.Name, property.Value.Clone(), problems, $"{property.Name} in {file}");
            }
        }
    }

    private static void Apply(BackendSettings settings, string key, JsonElement value, List<string> problems, string where)
    {
        try { Keys[key](settings, value); }
        catch (FormatException e) { problems.Add($"{where}: {e.Message}"); }
    }

    /// <summary>A variable's text: JSON when it parses as JSON (true, 5000, ["a"]), else a plain string.</summary>
    private static JsonElement FromVariable(string text)
    {
        try
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }

    private static bool Bool(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
        _ => throw new FormatException($"must be true or false, not {v.GetRawText()}"),
    };

    private static int Int(JsonElement v, int min, int max)
    {
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetInt32(out var n) ? n : (int?)null,
            JsonValueKind.String => int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
            _ => null,
        };
        if (ok is not { } value) throw new FormatException($"must be a whole number, not {v.GetRawText()}");
        if (value < min || value > max) throw new FormatException($"must be between {min} and {max}, not {value}");
        return value;
    }

    private static string? String(JsonElement v, bool allowNull) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null when allowNull => null,
        _ => throw new FormatException($"must be a string, not {v.GetRawText()}"),
    };

    /// <summary>A list of strings; a single string is a one-element list (or comma-separated in a variable).</summary>
    private static IReadOnlyList<string> StringList(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Array => v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new FormatException($"must be a list of strings, not {v.GetRawText()}")).ToList(),
        JsonValueKind.String => v.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        JsonValueKind.Null => [],
        _ => throw new FormatException($"must be a list of strings, not {v.GetRawText()}"),
    };
}

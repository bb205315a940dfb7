using Alignak.Persistence;

namespace Alignak.Http.Settings;

/// <summary>
/// The settings this server uses, under the original's key names where one exists
/// (settings.json, overridden by ALIGNAK_BACKEND_&lt;KEY&gt; variables).
/// </summary>
public sealed class BackendSettings
{
    public bool Debug { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 5000;
    public string? ServerName { get; set; }
    public IReadOnlyList<string> XDomains { get; set; } = ["*"];
    public IReadOnlyList<string> XHeaders { get; set; } =
        ["Authorization", "If-Match", "X-HTTP-Method-Override", "Content-Type", "Cache-Control", "Pragma", "Options"];
    public int PaginationLimit { get; set; } = 50;
    public int PaginationDefault { get; set; } = 25;
    public IReadOnlyList<string> IpCron { get; set; } = [];
    public string AlignakUrl { get; set; } = "";
    public bool SchedulerAlignakActive { get; set; } = true;
    public int SchedulerAlignakPeriod { get; set; } = 300;
    public bool SchedulerTimeseriesActive { get; set; }
    public int SchedulerTimeseriesPeriod { get; set; } = 10;
    public int SchedulerTimeseriesLimit { get; set; } = 100;
    public bool SchedulerGrafanaActive { get; set; }
    public int SchedulerGrafanaPeriod { get; set; } = 120;
    public int SchedulerLivesynthesisHistory { get; set; }
    public string SchedulerTimezone { get; set; } = "Etc/GMT";
    public bool GrafanaDatasource { get; set; } = true;
    public string GrafanaDatasourceQueries { get; set; } = "grafana_queries.json";
    public string GrafanaDatasourceTables { get; set; } = "grafana_tables.json";

    // Our own keys.
    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;
    public string? Database { get; set; }
    public string ClusterHost { get; set; } = "127.0.0.1";
    public int ClusterPort { get; set; }
    public IReadOnlyList<string> ClusterSeedNodes { get; set; } = [];
    public long MaxRequestBodySize { get; set; } = 16 * 1024 * 1024;
    public int LogsRetentionDays { get; set; }
    /// <summary>
    /// Off (the original): an action resource only records the request until Alignak's scheduler processes it.
    /// On (a backend without Alignak): the entity acknowledges, schedules the downtime or records the forced check
    /// at once, and the action is marked processed.
    /// </summary>
    public bool ActionsApplyImmediately { get; set; }
    public int PasswordHashIterations { get; set; } = Actors.Security.PasswordHasher.DefaultIterations;
    /// <summary>Live push: how many changes a client may fall behind the stream before it is told to resync.</summary>
    public int LivePushBacklog { get; set; } = 10_000;

    /// <summary>Failed logins in a row for one user name before each further attempt is slowed down.</summary>
    public int LoginFailuresPerName { get; set; } = 5;

    /// <summary>Failed logins in a row from one address (any names) before each further attempt is slowed down.</summary>
    public int LoginFailuresPerAddress { get; set; } = 30;
    /// <summary>Live push: messages kept per subscription for a client that reconnects and resumes.</summary>
    public int LivePushReplay { get; set; } = 1000;
    /// <summary>Live push: how long a disconnected client's subscriptions wait to be resumed.</summary>
    public int LivePushResumeSeconds { get; set; } = 120;
    /// <summary>Points parked per time-series database while it is down; past it the oldest are dropped (counted, logged).</summary>
    public int TimeseriesRetentionLimit { get; set; } = 100_000;
    /// <summary>Check results waiting for the time-series pipeline; past it new ones are dropped (counted, logged).</summary>
    public int TimeseriesQueueSize { get; set; } = 10_000;
    /// <summary>Points per batch to the time-series databases, sent at the latest after TIMESERIES_BATCH_MILLISECONDS.</summary>
    public int TimeseriesBatchSize { get; set; } = 5_000;
    public int TimeseriesBatchMilliseconds { get; set; } = 1_000;
    /// <summary>Seconds one write to a time-series database may take (connect and send).</summary>
    public int TimeseriesTimeout { get; set; } = 5;

    /// <summary>Serve Prometheus metrics at /metrics.</summary>
    public bool Metrics { get; set; } = true;
    /// <summary>Console logs as text lines or as one JSON object per line (for log shippers).</summary>
    public LogFormat LogFormat { get; set; } = LogFormat.Text;
    /// <summary>One log line per request: method, path (no query string), status, duration, user.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Where the settings came from, for the start-up log.</summary>
    public string? SourceFile { get; set; }

    /// <summary>Checked by the loader: PostgreSQL always names its DATABASE.</summary>
    public DatabaseOptions DatabaseOptions =>
        Persistence.DatabaseOptions.Create(DatabaseProvider, Database ?? Persistence.DatabaseOptions.DefaultSqlite);

    /// <summary>The original binds every interface when HOST is empty.</summary>
    public string ListenAddress => string.IsNullOrWhiteSpace(Host) ? "0.0.0.0" : Host;
}

public enum LogFormat
{
    Text,
    Json,
}

public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

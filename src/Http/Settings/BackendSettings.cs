using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Alignak.Persistence;
using Microsoft.Extensions.Configuration;

namespace Alignak.Http.Settings;

/// <summary>
/// The settings this server uses, under the original's key names where one exists
/// (settings.json, overridden by ALIGNAK_BACKEND_&lt;KEY&gt; variables). Each key is bound from configuration by its
/// <see cref="ConfigurationKeyNameAttribute"/>; its type, <see cref="RangeAttribute"/> and nullability are what
/// <see cref="SettingsLoader"/> checks a value against (a null is accepted where the setter takes one).
/// </summary>
public sealed class BackendSettings
{
    [ConfigurationKeyName("DEBUG")]
    public bool Debug { get; set; }
    [ConfigurationKeyName("HOST"), AllowNull]
    public string Host { get; set => field = value ?? ""; } = "127.0.0.1";
    [ConfigurationKeyName("PORT"), Range(0, 65535)]
    public int Port { get; set; } = 5000;
    [ConfigurationKeyName("SERVER_NAME")]
    public string? ServerName { get; set; }
    [ConfigurationKeyName("X_DOMAINS")]
    public IReadOnlyList<string> XDomains { get; set; } = ["*"];
    [ConfigurationKeyName("X_HEADERS")]
    public IReadOnlyList<string> XHeaders { get; set; } =
        ["Authorization", "If-Match", "X-HTTP-Method-Override", "Content-Type", "Cache-Control", "Pragma", "Options"];
    [ConfigurationKeyName("PAGINATION_LIMIT"), Range(1, int.MaxValue)]
    public int PaginationLimit { get; set; } = 50;
    [ConfigurationKeyName("PAGINATION_DEFAULT"), Range(1, int.MaxValue)]
    public int PaginationDefault { get; set; } = 25;
    [ConfigurationKeyName("IP_CRON")]
    public IReadOnlyList<string> IpCron { get; set; } = [];
    [ConfigurationKeyName("ALIGNAK_URL"), AllowNull]
    public string AlignakUrl { get; set => field = value ?? ""; } = "";
    [ConfigurationKeyName("SCHEDULER_ALIGNAK_ACTIVE")]
    public bool SchedulerAlignakActive { get; set; } = true;
    [ConfigurationKeyName("SCHEDULER_ALIGNAK_PERIOD"), Range(1, int.MaxValue)]
    public int SchedulerAlignakPeriod { get; set; } = 300;
    [ConfigurationKeyName("SCHEDULER_TIMESERIES_ACTIVE")]
    public bool SchedulerTimeseriesActive { get; set; }
    [ConfigurationKeyName("SCHEDULER_TIMESERIES_PERIOD"), Range(1, int.MaxValue)]
    public int SchedulerTimeseriesPeriod { get; set; } = 10;
    [ConfigurationKeyName("SCHEDULER_TIMESERIES_LIMIT"), Range(1, int.MaxValue)]
    public int SchedulerTimeseriesLimit { get; set; } = 100;
    [ConfigurationKeyName("SCHEDULER_GRAFANA_ACTIVE")]
    public bool SchedulerGrafanaActive { get; set; }
    [ConfigurationKeyName("SCHEDULER_GRAFANA_PERIOD"), Range(1, int.MaxValue)]
    public int SchedulerGrafanaPeriod { get; set; } = 120;
    [ConfigurationKeyName("SCHEDULER_LIVESYNTHESIS_HISTORY"), Range(0, int.MaxValue)]
    public int SchedulerLivesynthesisHistory { get; set; }
    [ConfigurationKeyName("SCHEDULER_TIMEZONE")]
    public string SchedulerTimezone { get; set; } = "Etc/GMT";
    [ConfigurationKeyName("GRAFANA_DATASOURCE")]
    public bool GrafanaDatasource { get; set; } = true;
    [ConfigurationKeyName("GRAFANA_DATASOURCE_QUERIES")]
    public string GrafanaDatasourceQueries { get; set; } = "grafana_queries.json";
    [ConfigurationKeyName("GRAFANA_DATASOURCE_TABLES")]
    public string GrafanaDatasourceTables { get; set; } = "grafana_tables.json";

    // Our own keys.
    [ConfigurationKeyName("DATABASE_PROVIDER"), SettingAlias("postgres", nameof(DatabaseProvider.PostgreSql))]
    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;
    [ConfigurationKeyName("DATABASE")]
    public string? Database { get; set => field = string.IsNullOrEmpty(value) ? null : value; }
    [ConfigurationKeyName("CLUSTER_HOST")]
    public string ClusterHost { get; set; } = "127.0.0.1";
    [ConfigurationKeyName("CLUSTER_PORT"), Range(0, 65535)]
    public int ClusterPort { get; set; }
    [ConfigurationKeyName("CLUSTER_SEED_NODES")]
    public IReadOnlyList<string> ClusterSeedNodes { get; set; } = [];
    [ConfigurationKeyName("MAX_REQUEST_BODY_SIZE"), Range(1024, int.MaxValue)]
    public long MaxRequestBodySize { get; set; } = 16 * 1024 * 1024;
    [ConfigurationKeyName("LOGS_RETENTION_DAYS"), Range(0, 36500)]
    public int LogsRetentionDays { get; set; }
    /// <summary>
    /// Off (the original): an action resource only records the request until Alignak's scheduler processes it.
    /// On (a backend without Alignak): the entity acknowledges, schedules the downtime or records the forced check
    /// at once, and the action is marked processed.
    /// </summary>
    [ConfigurationKeyName("ACTIONS_APPLY_IMMEDIATELY")]
    public bool ActionsApplyImmediately { get; set; }
    [ConfigurationKeyName("PASSWORD_HASH_ITERATIONS"), Range(1, int.MaxValue)]
    public int PasswordHashIterations { get; set; } = Actors.Security.PasswordHasher.DefaultIterations;
    /// <summary>Live push: how many changes a client may fall behind the stream before it is told to resync.</summary>
    [ConfigurationKeyName("LIVE_PUSH_BACKLOG"), Range(10, 10_000_000)]
    public int LivePushBacklog { get; set; } = 10_000;

    /// <summary>Failed logins in a row for one user name before each further attempt is slowed down.</summary>
    [ConfigurationKeyName("LOGIN_FAILURES_PER_NAME"), Range(1, 1_000_000)]
    public int LoginFailuresPerName { get; set; } = 5;

    /// <summary>Failed logins in a row from one address (any names) before each further attempt is slowed down.</summary>
    [ConfigurationKeyName("LOGIN_FAILURES_PER_ADDRESS"), Range(1, 1_000_000)]
    public int LoginFailuresPerAddress { get; set; } = 30;
    /// <summary>Live push: messages kept per subscription for a client that reconnects and resumes.</summary>
    [ConfigurationKeyName("LIVE_PUSH_REPLAY"), Range(0, 1_000_000)]
    public int LivePushReplay { get; set; } = 1000;
    /// <summary>Live push: how long a disconnected client's subscriptions wait to be resumed.</summary>
    [ConfigurationKeyName("LIVE_PUSH_RESUME_SECONDS"), Range(0, 86_400)]
    public int LivePushResumeSeconds { get; set; } = 120;
    /// <summary>Points parked per time-series database while it is down; past it the oldest are dropped (counted, logged).</summary>
    [ConfigurationKeyName("TIMESERIES_RETENTION_LIMIT"), Range(1, int.MaxValue)]
    public int TimeseriesRetentionLimit { get; set; } = 100_000;
    /// <summary>Check results waiting for the time-series pipeline; past it new ones are dropped (counted, logged).</summary>
    [ConfigurationKeyName("TIMESERIES_QUEUE_SIZE"), Range(1, int.MaxValue)]
    public int TimeseriesQueueSize { get; set; } = 10_000;
    /// <summary>Points per batch to the time-series databases, sent at the latest after TIMESERIES_BATCH_MILLISECONDS.</summary>
    [ConfigurationKeyName("TIMESERIES_BATCH_SIZE"), Range(1, int.MaxValue)]
    public int TimeseriesBatchSize { get; set; } = 5_000;
    [ConfigurationKeyName("TIMESERIES_BATCH_MILLISECONDS"), Range(1, int.MaxValue)]
    public int TimeseriesBatchMilliseconds { get; set; } = 1_000;
    /// <summary>Seconds one write to a time-series database may take (connect and send).</summary>
    [ConfigurationKeyName("TIMESERIES_TIMEOUT"), Range(1, 3600)]
    public int TimeseriesTimeout { get; set; } = 5;

    /// <summary>Serve Prometheus metrics at /metrics.</summary>
    [ConfigurationKeyName("METRICS")]
    public bool Metrics { get; set; } = true;
    /// <summary>Console logs as text lines or as one JSON object per line (for log shippers).</summary>
    [ConfigurationKeyName("LOG_FORMAT")]
    public LogFormat LogFormat { get; set; } = LogFormat.Text;
    /// <summary>One log line per request: method, path (no query string), status, duration, user.</summary>
    [ConfigurationKeyName("ACCESS_LOG")]
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

/// <summary>Another word a setting accepts for one of its enum values.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class SettingAliasAttribute(string alias, string value) : Attribute
{
    public string Alias { get; } = alias;
    public string Value { get; } = value;
}

public sealed class SettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid settings:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

namespace Alignak.Actors.Resources;

/// <summary>
/// The name of every resource (its route, its schema file, its documents' resource): one spelling for code that
/// picks a collection or a rule by resource. Field names that happen to match (a service's <c>host</c>) stay literal.
/// </summary>
public static class ResourceNames
{
    public const string ActionAcknowledge = "actionacknowledge";
    public const string ActionDowntime = "actiondowntime";
    public const string ActionForceCheck = "actionforcecheck";
    public const string Alignak = "alignak";
    public const string AlignakNotifications = "alignak_notifications";
    public const string AlignakDaemon = "alignakdaemon";
    public const string AlignakRetention = "alignakretention";
    public const string Command = "command";
    public const string Grafana = "grafana";
    public const string Graphite = "graphite";
    public const string History = "history";
    public const string Host = "host";
    public const string HostDependency = "hostdependency";
    public const string HostEscalation = "hostescalation";
    public const string HostGroup = "hostgroup";
    public const string InfluxDb = "influxdb";
    public const string LiveSynthesis = "livesynthesis";
    public const string LiveSynthesisRetention = "livesynthesisretention";
    public const string LogCheckResult = "logcheckresult";
    public const string Realm = "realm";
    public const string Service = "service";
    public const string ServiceDependency = "servicedependency";
    public const string ServiceEscalation = "serviceescalation";
    public const string ServiceGroup = "servicegroup";
    public const string Statsd = "statsd";
    public const string TimePeriod = "timeperiod";
    public const string TimeSeriesRetention = "timeseriesretention";
    public const string User = "user";
    public const string UserGroup = "usergroup";
    public const string UserRestrictRole = "userrestrictrole";
}

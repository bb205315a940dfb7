using System.Text.Json;
using System.Text.Json.Nodes;
using Alignak.Actors.Query;
using Alignak.Actors.Resources;
using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>A table query Grafana may ask for by name: the resource it reads and the documents it keeps.</summary>
public sealed record NamedQuery(string Endpoint, WhereFilter Filter);

/// <summary>
/// What the SimpleJSON datasource serves (API.md 2.16): named table queries (the built-in <c>Hosts</c> and
/// <c>Services</c> plus GRAFANA_DATASOURCE_QUERIES) and the columns of each resource's table
/// (GRAFANA_DATASOURCE_TABLES). A file that is not found leaves the defaults the original shipped in its etc/;
/// a file that is found but malformed stops the start-up, as any bad setting does.
/// </summary>
public sealed class DatasourceConfig
{
    /// <summary>Where the original looked for a file named without a folder.</summary>
    public static readonly string[] SearchFolders =
        ["/usr/local/etc/alignak-backend/", "/etc/alignak-backend/", "etc/alignak-backend/", "./etc/", "../etc/", "./"];

    /// <summary>The resources a table may come from.</summary>
    public static readonly string[] Endpoints = [ResourceNames.Host, ResourceNames.Service];

    private static readonly WhereFilter NotTemplates = WhereFilter.Parse("""{"_is_template": false}""");

    // The content of the original's etc/grafana_queries.json and etc/grafana_tables.json.
    private const string DefaultQueries = """
        {
          "Hosts problems": {"endpoint": "host", "query": {"_overall_state_id": {"$gt": 2}, "_is_template": false}},
          "Hosts up": {"endpoint": "host", "query": {"ls_state_id": 0, "_is_template": false}},
          "Hosts down": {"endpoint": "host", "query": {"ls_state_id": {"$in": [1, 2]}, "_is_template": false}},
          "Hosts unreachable": {"endpoint": "host", "query": {"ls_state_id": {"$gt": 2}, "_is_template": false}},
          "Services problems": {"endpoint": "service", "query": {"_overall_state_id": {"$gt": 2}, "_is_template": false}},
          "Services ok": {"endpoint": "service", "query": {"ls_state_id": 0, "_is_template": false}},
          "Services warning": {"endpoint": "service", "query": {"ls_state_id": 1, "_is_template": false}},
          "Services critical": {"endpoint": "service", "query": {"ls_state_id": 2, "_is_template": false}},
          "Services unreachable": {"endpoint": "service", "query": {"ls_state_id": {"$gt": 2}, "_is_template": false}}
        }
        """;

    private const string DefaultTables = """
        {
          "host": ["name", "alias", "business_impact", "tags", "active_checks_enabled", "passive_checks_enabled",
                   "_overall_state_id", "ls_state", "ls_state_id", "ls_state_type", "ls_last_check",
                   "ls_acknowledged", "ls_downtimed", "ls_grafana_panelid"],
          "service": ["host", "name", "alias", "business_impact", "tags", "active_checks_enabled", "passive_checks_enabled",
                      "_overall_state_id", "ls_state", "ls_state_id", "ls_state_type", "ls_last_check",
                      "ls_acknowledged", "ls_downtimed", "ls_grafana_panelid"]
        }
        """;

    public IReadOnlyDictionary<string, NamedQuery> Queries { get; }

    /// <summary>Per endpoint, the fields of its table, in column order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Tables { get; }

    /// <summary>Which file each part came from (null: the defaults), for the start-up log.</summary>
    public string? QueriesFile { get; }
    public string? TablesFile { get; }

    private DatasourceConfig(IReadOnlyDictionary<string, NamedQuery> queries, IReadOnlyDictionary<string, IReadOnlyList<string>> tables,
        string? queriesFile, string? tablesFile)
    {
        Queries = queries;
        Tables = tables;
        QueriesFile = queriesFile;
        TablesFile = tablesFile;
    }

    public static DatasourceConfig Load(BackendSettings settings)
    {
        var queriesFile = Find(settings.GrafanaDatasourceQueries);
        var tablesFile = Find(settings.GrafanaDatasourceTables);
        var queries = new Dictionary<string, NamedQuery>(StringComparer.Ordinal)
        {
            ["Hosts"] = new(ResourceNames.Host, NotTemplates),
            ["Services"] = new(ResourceNames.Service, NotTemplates),
        };
        foreach (var (name, query) in ParseQueries(Read(queriesFile, DefaultQueries), queriesFile ?? "the default queries"))
            queries[name] = query;
        return new DatasourceConfig(queries, ParseTables(Read(tablesFile, DefaultTables), tablesFile ?? "the default tables"),
            queriesFile, tablesFile);
    }

    /// <summary>The file as named (a path), else the first of the original's folders holding it.</summary>
    private static string? Find(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (File.Exists(name)) return Path.GetFullPath(name);
        if (Path.IsPathRooted(name)) return null;
        return SearchFolders.Select(folder => Path.Combine(folder, name)).Where(File.Exists).Select(Path.GetFullPath).FirstOrDefault();
    }

    private static JsonObject Read(string? file, string defaults)
    {
        var text = file is null ? defaults : File.ReadAllText(file);
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                as JsonObject ?? throw Invalid(file, "it must hold a JSON object");
        }
        catch (JsonException e)
        {
            throw Invalid(file, e.Message);
        }
    }

    private static IEnumerable<(string, NamedQuery)> ParseQueries(JsonObject file, string source)
    {
        foreach (var (name, entry) in file)
        {
            if (entry is not JsonObject { } definition || (string?)(definition["endpoint"] as JsonValue) is not { } endpoint
                || !Endpoints.Contains(endpoint) || definition["query"] is not JsonObject where)
                throw Invalid(source, $"query '{name}' needs an endpoint (host or service) and a query object");
            WhereFilter filter;
            try { filter = WhereFilter.Parse(where.ToJsonString()); }
            catch (QueryException e) { throw Invalid(source, $"query '{name}': {e.Message}"); }
            yield return (name, new NamedQuery(endpoint, filter));
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ParseTables(JsonObject file, string source)
    {
        var tables = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var endpoint in Endpoints)
        {
            var schema = Schemas.Find(endpoint)!;
            var columns = file[endpoint] switch
            {
                null => [],
                JsonArray list when list.All(c => c is JsonValue v && v.TryGetValue<string>(out _)) => list.Select(c => (string)c!).ToList(),
                _ => throw Invalid(source, $"'{endpoint}' must be a list of field names"),
            };
            if (columns.FirstOrDefault(c => schema.Field(c) is null) is { } unknown)
                throw Invalid(source, $"'{unknown}' is not a field of {endpoint}");
            tables[endpoint] = columns;
        }
        return tables;
    }

    private static SettingsException Invalid(string? source, string problem) =>
        new([$"Grafana datasource configuration ({source ?? "defaults"}): {problem}"]);
}

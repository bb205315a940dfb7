using System.Text.Json.Nodes;
using Alignak.Http.OpenApi;
using Alignak.Http.Settings;

namespace Alignak.Http.Grafana;

/// <summary>The Grafana routes in the OpenAPI document: the datasource's when it is on, and the dashboards job.</summary>
public static class GrafanaOpenApi
{
    public const string Tag = "grafana";

    public static void AddPaths(JsonObject paths, JsonArray tags, BackendSettings settings)
    {
        tags.Add(new JsonObject { ["name"] = Tag, ["description"] = "Grafana: the backend as a SimpleJSON datasource, and dashboards per host." });
        if (settings.GrafanaDatasource)
        {
            paths["/search"] = Post("grafana_search", "Names of the table queries",
                "Sorted names of the named queries (`Hosts`, `Services` and those of GRAFANA_DATASOURCE_QUERIES); a non-empty target finds none.",
                Object(new JsonObject { ["target"] = Str("Empty (or absent) to list the queries.") }),
                Array(Str("A query name.")), notFound: false);
            paths["/query"] = Post("grafana_query", "A table for one target",
                "One target: a query name, or `endpoint:field:value` (host or service; a value `/re/` matches a regular expression). "
                + "Columns as GRAFANA_DATASOURCE_TABLES lists them; not filtered by user rights.",
                Object(new JsonObject
                {
                    ["targets"] = Array(Object(new JsonObject { ["refId"] = Str("Grafana's reference."), ["target"] = Str("The query.") })),
                }),
                Array(Object(new JsonObject
                {
                    ["type"] = Str("Always `table`."),
                    ["columns"] = Array(Object(new JsonObject { ["text"] = Str("The field's title."), ["type"] = Str("The field's type.") })),
                    ["rows"] = Array(new JsonObject { ["type"] = "array", ["items"] = new JsonObject() }),
                })), notFound: true);
            paths["/annotations"] = Post("grafana_annotations", "Annotations from the history or the live state",
                "`history:<event type>:<host or {h1,h2}>[:<services>]` within `range`, or `livestate:<any>:<hosts>`. "
                + "`time` is an HTTP date, as the original sent it.",
                Object(new JsonObject
                {
                    ["range"] = Object(new JsonObject { ["from"] = Str("ISO 8601 or RFC 1123 date."), ["to"] = Str("ISO 8601 or RFC 1123 date.") }),
                    ["annotation"] = Object(new JsonObject { ["query"] = Str("The annotation query.") }),
                }),
                Array(Object(new JsonObject
                {
                    ["annotation"] = new JsonObject { ["description"] = "The request's annotation, as sent." },
                    ["time"] = Str("HTTP date."),
                    ["title"] = Str("`host[/service] - message`, or the host's alias."),
                    ["tags"] = Array(Str("Event type, or the host's tags.")),
                    ["text"] = Str("The message, or `host: STATE (TYPE) - output`."),
                })), notFound: true);
        }

        paths["/cron_grafana"] = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["tags"] = new JsonArray(Tag),
                ["operationId"] = "cron_grafana",
                ["summary"] = "Create the Grafana datasources and dashboards",
                ["description"] = "For each grafana item: its datasources checked and created, a dashboard posted per host that has "
                    + "perfdata and none yet (every host with `forcegenerate`); hosts and services get `ls_grafana` and `ls_grafana_panelid`. "
                    + "Callers must be listed in IP_CRON when it is set.",
                ["security"] = new JsonArray(),
                ["parameters"] = new JsonArray(new JsonObject
                {
                    ["name"] = "forcegenerate", ["in"] = "query", ["required"] = false, ["allowEmptyValue"] = true,
                    ["description"] = "Present: regenerate every dashboard.", ["schema"] = new JsonObject { ["type"] = "string" },
                }),
                ["responses"] = new JsonObject
                {
                    ["200"] = Json("Per grafana name: whether it answered and the dashboards created (`host` or `host/service`).",
                        new JsonObject
                        {
                            ["type"] = "object",
                            ["additionalProperties"] = Object(new JsonObject
                            {
                                ["connection"] = new JsonObject { ["type"] = "boolean" },
                                ["created_dashboards"] = Array(Str("A host name, or host/service.")),
                            }),
                        }),
                    ["412"] = new JsonObject
                    {
                        ["description"] = "The caller is not in IP_CRON.",
                        ["content"] = new JsonObject
                        {
                            ["text/html"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["example"] = CronEndpoint.DeniedMessage } },
                        },
                    },
                },
            },
        };
    }

    private static JsonObject Post(string id, string summary, string description, JsonObject body, JsonObject result, bool notFound)
    {
        var responses = new JsonObject { ["200"] = Json("The answer Grafana expects.", result) };
        if (notFound) responses["404"] = Json("The target or query is not understood: the message says why.", FieldSchemas.Ref("EveError"));
        responses["400"] = Json("The body is not JSON.", FieldSchemas.Ref("EveError"));
        return new JsonObject
        {
            ["post"] = new JsonObject
            {
                ["tags"] = new JsonArray(Tag),
                ["operationId"] = id,
                ["summary"] = summary,
                ["description"] = description,
                ["security"] = new JsonArray(),
                ["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Content(body) },
                ["responses"] = responses,
            },
        };
    }

    private static JsonObject Json(string description, JsonObject schema) => new() { ["description"] = description, ["content"] = Content(schema) };

    private static JsonObject Content(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Object(JsonObject properties) => new() { ["type"] = "object", ["properties"] = properties };

    private static JsonObject Array(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Str(string description) => new() { ["type"] = "string", ["description"] = description };
}

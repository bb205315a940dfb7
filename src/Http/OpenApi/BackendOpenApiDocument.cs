using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Actors.Security;
using Alignak.Http.Endpoints;
using Alignak.Http.Settings;
using static Alignak.Http.OpenApi.FieldSchemas;

namespace Alignak.Http.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document of the API, written from the resource schemas. The resource routes are generic
/// (<c>/{resource}</c>, <c>/{resource}/{id}</c>), so endpoint metadata could not tell which resources exist,
/// which methods each allows or what its documents hold: every resource gets its own paths here instead.
/// </summary>
public static class BackendOpenApiDocument
{
    public const string OpenApiVersion = "3.1.0";

    public static JsonObject Build(BackendSettings settings)
    {
        var paths = new JsonObject();
        AddSystemPaths(paths);
        var schemas = EveComponents.Schemas();
        var tags = new JsonArray(
            new JsonObject { ["name"] = "auth", ["description"] = "Tokens." },
            new JsonObject { ["name"] = "backend", ["description"] = "The backend itself." },
            new JsonObject { ["name"] = "live", ["description"] = "Live state: native check results." });
        foreach (var schema in Schemas.Routable)
        {
            tags.Add(new JsonObject
            {
                ["name"] = schema.Name,
                ["description"] = $"Collection: {string.Join(", ", schema.ResourceMethods)}; item: {string.Join(", ", schema.ItemMethods)}.",
            });
            paths["/" + schema.Name] = CollectionPath(schema);
            paths["/" + schema.Name + "/{id}"] = ItemPath(schema);
            schemas[schema.Name] = Document(schema);
            schemas[CreateName(schema)] = Create(schema);
        }
        Grafana.GrafanaOpenApi.AddPaths(paths, tags, settings);

        return new JsonObject
        {
            ["openapi"] = OpenApiVersion,
            ["info"] = new JsonObject
            {
                ["title"] = "Alignak backend API",
                ["version"] = SystemEndpoints.ApiVersion,
                ["description"] = Description,
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["security"] = new JsonArray(new JsonObject { [EveComponents.SecurityScheme] = new JsonArray() }),
            ["tags"] = tags,
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["parameters"] = EveComponents.Parameters(settings),
                ["headers"] = EveComponents.Headers(),
                ["responses"] = EveComponents.Responses(),
                ["securitySchemes"] = EveComponents.SecuritySchemes(),
            },
        };
    }

    private const string Description =
        "A wire-compatible re-implementation of the Alignak backend's Eve REST API.\n\n"
        + "* **Authentication**: `POST /login` returns a token; every other call sends it as the Basic user name, "
        + "with an empty password.\n"
        + "* **Concurrency**: PATCH, PUT and DELETE of a document need its current `_etag` in `If-Match` (428 without it, "
        + "412 when it changed).\n"
        + "* **Reading**: collections page with `max_results` and `page` and filter with `where` (Mongo syntax); "
        + "`embedded` replaces relation ids by the documents they point to.\n"
        + "* Each resource allows only the methods listed under it: any other method answers 405.\n"
        + "* `X-HTTP-Method-Override` is honoured; OPTIONS (CORS pre-flight) needs no token.";

    // ---- resource paths ---------------------------------------------------------------------

    private static bool Allows(IReadOnlyList<string> methods, string method) =>
        methods.Contains(method, StringComparer.OrdinalIgnoreCase);

    private static JsonObject CollectionPath(ResourceSchema schema)
    {
        var name = schema.Name;
        var path = new JsonObject
        {
            ["description"] = $"The `{name}` collection. Methods not listed here answer 405.",
        };
        if (Allows(schema.ResourceMethods, "GET"))
        {
            path["get"] = Operation(schema, $"list_{name}", $"List {name} documents",
                "One page of the documents matching `where`, in `sort` order.",
                QueryParameters("where", "sort", "projection", "embedded", "max_results", "page", "pretty"),
                new JsonObject
                {
                    ["200"] = new JsonObject
                    {
                        ["description"] = "One page of documents.",
                        ["headers"] = Headers("X-Total-Count", "Last-Modified"),
                        ["content"] = Json(new JsonObject
                        {
                            ["allOf"] = new JsonArray(Ref("EveCollection"), new JsonObject
                            {
                                ["properties"] = new JsonObject
                                {
                                    ["_items"] = new JsonObject { ["type"] = "array", ["items"] = Ref(name) },
                                },
                            }),
                        }),
                    },
                    ["400"] = Response("BadRequest"),
                    ["401"] = Response("Unauthorized"),
                });
            path["head"] = Operation(schema, $"head_{name}", $"Headers of the {name} list",
                "As GET, without the body.",
                QueryParameters("where", "sort", "projection", "embedded", "max_results", "page"),
                new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "The headers of the GET answer.", ["headers"] = Headers("X-Total-Count", "Last-Modified") },
                    ["400"] = Response("BadRequest"),
                    ["401"] = Response("Unauthorized"),
                });
        }
        if (Allows(schema.ResourceMethods, "POST"))
        {
            var op = Operation(schema, $"create_{name}", $"Create {name} documents",
                "One document, or a list of them (nothing is created when one is invalid). JSON, form and multipart bodies are accepted.",
                [],
                WriteResponses(schema, new JsonObject
                {
                    ["201"] = new JsonObject
                    {
                        ["description"] = "Created: the meta fields of the new document, or of each one for a list.",
                        ["content"] = Json(new JsonObject { ["oneOf"] = new JsonArray(Ref("EveWriteResult"), Ref("EveBulkWriteResult")) }),
                    },
                    ["400"] = Response("BadRequest"),
                }, "409", "412", "422", "503"));
            op["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = Json(new JsonObject
                {
                    ["oneOf"] = new JsonArray(Ref(CreateName(schema)),
                        new JsonObject { ["type"] = "array", ["items"] = Ref(CreateName(schema)) }),
                }),
            };
            path["post"] = op;
        }
        if (Allows(schema.ResourceMethods, "DELETE"))
            path["delete"] = Operation(schema, $"delete_all_{name}", $"Delete every {name} document",
                "Deletes every document this user may delete; the server's default documents are kept. No If-Match.",
                [],
                WriteResponses(schema, new JsonObject { ["204"] = Response("Deleted") }, "409", "412", "503"));
        return path;
    }

    private static JsonObject ItemPath(ResourceSchema schema)
    {
        var name = schema.Name;
        var path = new JsonObject
        {
            ["description"] = $"One `{name}` document. Methods not listed here answer 405.",
            ["parameters"] = new JsonArray(ParameterRef("id")),
        };
        if (Allows(schema.ItemMethods, "GET"))
        {
            var notModified = new JsonObject
            {
                ["304"] = Response("NotModified"),
                ["400"] = Response("BadRequest"),
                ["401"] = Response("Unauthorized"),
                ["404"] = Response("NotFound"),
            };
            var ok = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "The document.",
                    ["headers"] = Headers("ETag", "Last-Modified"),
                    ["content"] = Json(Ref(name)),
                },
            };
            foreach (var (code, response) in notModified) ok[code] = response!.DeepClone();
            path["get"] = Operation(schema, $"get_{name}", $"Get one {name} document", null,
                QueryParameters("projection", "embedded", "pretty", "If-None-Match", "If-Modified-Since"), ok);
            var head = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "The headers of the GET answer.", ["headers"] = Headers("ETag", "Last-Modified") },
            };
            foreach (var (code, response) in notModified) head[code] = response!.DeepClone();
            path["head"] = Operation(schema, $"head_{name}_item", $"Headers of one {name} document", "As GET, without the body.",
                QueryParameters("projection", "embedded", "If-None-Match", "If-Modified-Since"), head);
        }
        if (Allows(schema.ItemMethods, "PATCH"))
        {
            var op = Operation(schema, $"update_{name}", $"Update one {name} document",
                "Changes the fields sent; dict fields are merged into the stored ones, lists are replaced.",
                [ParameterRef("If-Match")],
                WriteResponses(schema, new JsonObject
                {
                    ["200"] = WriteResult("Updated: the new meta fields."),
                    ["400"] = Response("BadRequest"),
                    ["404"] = Response("NotFound"),
                }, "409", "412", "422", "428", "503"));
            op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(Ref(name)) };
            path["patch"] = op;
        }
        if (Allows(schema.ItemMethods, "PUT"))
        {
            var op = Operation(schema, $"replace_{name}", $"Replace one {name} document",
                "Replaces the whole document; an unknown id creates it.",
                [ParameterRef("If-Match")],
                WriteResponses(schema, new JsonObject
                {
                    ["200"] = WriteResult("Replaced: the new meta fields."),
                    ["201"] = WriteResult("Created with this id."),
                    ["400"] = Response("BadRequest"),
                    ["404"] = Response("NotFound"),
                }, "409", "412", "422", "428", "503"));
            op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = Json(Ref(CreateName(schema))) };
            path["put"] = op;
        }
        if (Allows(schema.ItemMethods, "DELETE"))
            path["delete"] = Operation(schema, $"delete_{name}", $"Delete one {name} document", null,
                [ParameterRef("If-Match")],
                WriteResponses(schema, new JsonObject
                {
                    ["204"] = Response("Deleted"),
                    ["404"] = Response("NotFound"),
                }, "409", "412", "428", "503"));
        return path;
    }

    private static readonly Dictionary<string, string> ResponseNames = new()
    {
        ["409"] = "Conflict",
        ["412"] = "PreconditionFailed",
        ["422"] = "ValidationFailed",
        ["428"] = "PreconditionRequired",
        ["503"] = "ServiceUnavailable",
    };

    /// <summary>A write's responses: its own, then 401, 403 on the action resources, and the given failures, by code.</summary>
    private static JsonObject WriteResponses(ResourceSchema schema, JsonObject own, params string[] failures)
    {
        own["401"] = Response("Unauthorized");
        if (UserRights.IsAction(schema.Name)) own["403"] = Response("Forbidden");
        foreach (var code in failures) own[code] = Response(ResponseNames[code]);
        var sorted = new JsonObject();
        foreach (var (code, response) in own.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList())
        {
            own.Remove(code);
            sorted[code] = response;
        }
        return sorted;
    }

    private static JsonObject WriteResult(string description) => new()
    {
        ["description"] = description,
        ["content"] = Json(Ref("EveWriteResult")),
    };

    private static JsonObject Operation(ResourceSchema? schema, string id, string summary, string? description,
        IEnumerable<JsonNode> parameters, JsonObject responses)
    {
        var op = new JsonObject
        {
            ["tags"] = new JsonArray(schema?.Name ?? "backend"),
            ["operationId"] = id,
            ["summary"] = summary,
        };
        if (description is not null) op["description"] = description;
        var list = new JsonArray(parameters.ToArray());
        if (list.Count > 0) op["parameters"] = list;
        op["responses"] = responses;
        return op;
    }

    private static IEnumerable<JsonNode> QueryParameters(params string[] names) => names.Select(ParameterRef);

    private static JsonObject ParameterRef(string name) => new() { ["$ref"] = "#/components/parameters/" + name };

    private static JsonObject Response(string name) => new() { ["$ref"] = "#/components/responses/" + name };

    private static JsonObject Headers(params string[] names)
    {
        var headers = new JsonObject();
        foreach (var name in names) headers[name] = new JsonObject { ["$ref"] = "#/components/headers/" + name };
        return headers;
    }

    private static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    // ---- the plain routes ----------------------------------------------------------------------

    private static void AddSystemPaths(JsonObject paths)
    {
        JsonObject Public(JsonObject op)
        {
            op["security"] = new JsonArray();
            return op;
        }

        var login = Public(Operation(null, "login", "Get a token",
            "Checks the user name and password and returns the user's token (a new one with `action=generate` or when the user has none).",
            [],
            new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "The token.", ["content"] = Json(Ref("Token")) },
                ["401"] = new JsonObject
                {
                    ["description"] = "No body, missing or empty credentials, or wrong ones.",
                    ["content"] = Json(Ref("EveError")),
                },
            }));
        login["tags"] = new JsonArray("auth");
        login["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = Ref("LoginRequest") },
                ["application/x-www-form-urlencoded"] = new JsonObject { ["schema"] = Ref("LoginRequest") },
            },
        };
        paths["/login"] = new JsonObject { ["post"] = login };

        var logout = Public(Operation(null, "logout", "Log out",
            "Kept for the original's clients: does nothing (the token stays valid).", [],
            new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "Always `ok`.",
                    ["content"] = new JsonObject
                    {
                        ["text/plain"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["example"] = "ok" } },
                    },
                },
            }));
        logout["tags"] = new JsonArray("auth");
        paths["/logout"] = new JsonObject { ["post"] = logout };

        paths["/version"] = new JsonObject
        {
            ["get"] = Public(Operation(null, "version", "API version", null, [],
                new JsonObject { ["200"] = new JsonObject { ["description"] = "The version.", ["content"] = Json(Ref("Version")) } })),
        };
        paths["/backendconfig"] = new JsonObject
        {
            ["get"] = Public(Operation(null, "backendconfig", "Paging settings", null, [],
                new JsonObject { ["200"] = new JsonObject { ["description"] = "The paging limits.", ["content"] = Json(Ref("BackendConfig")) } })),
        };
        paths["/checkresult"] = new JsonObject { ["post"] = CheckResultOperation() };

        var homeResponses = new JsonObject
        {
            ["200"] = new JsonObject { ["description"] = "A link to each resource.", ["content"] = Json(Ref("Home")) },
            ["401"] = Response("Unauthorized"),
        };
        paths["/"] = new JsonObject
        {
            ["get"] = Operation(null, "home", "List the resources", null, [], homeResponses),
            ["head"] = Operation(null, "home_head", "Headers of the resource list", null, [], new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "The headers of the GET answer." },
                ["401"] = Response("Unauthorized"),
            }),
        };
    }

    /// <summary>Native check-result ingestion (not in the original API: the engine applies Nagios semantics itself).</summary>
    private static JsonObject CheckResultOperation()
    {
        static JsonObject Field(string type, string description) => new() { ["type"] = type, ["description"] = description };
        var result = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("exit_status"),
            ["properties"] = new JsonObject
            {
                ["host"] = Field("string", "The host's id (or give host_name)."),
                ["host_name"] = Field("string", "The host's name."),
                ["service"] = Field("string", "The service's id (or give service_name); neither: a host check result."),
                ["service_name"] = Field("string", "The service's name on that host."),
                ["exit_status"] = Field("integer", "Plugin exit status: 0 OK/UP, 1 WARNING (UP for a host), 2 CRITICAL/DOWN, 3 UNKNOWN (DOWN for a host), 4 UNREACHABLE."),
                ["output"] = Field("string", "First line of the plugin output."),
                ["long_output"] = Field("string", "The other lines."),
                ["perf_data"] = Field("string", "Performance data (Nagios format)."),
                ["check_time"] = Field("integer", "When the check ran (Unix seconds); default now; at most 600 s in the future."),
                ["latency"] = Field("number", "Seconds, 0 or more."),
                ["execution_time"] = Field("number", "Seconds, 0 or more."),
                ["passive_check"] = Field("boolean", "Default true."),
            },
        };
        var applied = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["_status"] = Field("string", "OK."),
                ["_id"] = Field("string", "The stored logcheckresult."),
                ["applied"] = Field("boolean", "False when the result was older than the item's last check (stored, not applied)."),
                ["ls_state"] = Field("string", "The item's state after the result."),
                ["ls_state_type"] = Field("string", "SOFT or HARD."),
                ["ls_state_id"] = Field("integer", "State id."),
                ["ls_current_attempt"] = Field("integer", "Attempt, against max_check_attempts."),
                ["ls_acknowledged"] = Field("boolean", "Acknowledged after the result."),
                ["ls_downtimed"] = Field("boolean", "In a downtime."),
                ["_overall_state_id"] = Field("integer", "0..5, as the original computes it."),
            },
        };
        var op = Operation(null, "checkresult", "Post check results",
            "One check result or a list of them (a batch is validated whole: one bad item and nothing is applied, 422 with an issue per item). "
            + "The engine applies Nagios semantics: attempts against `max_check_attempts`, SOFT/HARD, last state changes, "
            + "acknowledgement removal on recovery, downtimes; the result is stored as a `logcheckresult` with its `check.result` history event. "
            + "Needs the right to create `logcheckresult`; hosts the user cannot read are unknown to it.",
            [],
            new JsonObject
            {
                ["201"] = new JsonObject
                {
                    ["description"] = "Applied and durable: one item, or `{_status, _items}` for a list.",
                    ["content"] = Json(new JsonObject { ["oneOf"] = new JsonArray(applied, new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject { ["_status"] = Field("string", "OK."), ["_items"] = new JsonObject { ["type"] = "array", ["items"] = applied.DeepClone() } },
                    }) }),
                },
                ["400"] = Response("BadRequest"),
                ["401"] = Response("Unauthorized"),
                ["422"] = Response("ValidationFailed"),
                ["503"] = Response("ServiceUnavailable"),
            });
        op["tags"] = new JsonArray("live");
        op["requestBody"] = new JsonObject
        {
            ["required"] = true,
            ["content"] = Json(new JsonObject { ["oneOf"] = new JsonArray(result, new JsonObject { ["type"] = "array", ["items"] = result.DeepClone() }) }),
        };
        return op;
    }
}

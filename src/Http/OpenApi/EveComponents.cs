using System.Text.Json.Nodes;
using Alignak.Http.Endpoints;
using Alignak.Http.Eve;
using Alignak.Http.Settings;
using static Alignak.Http.OpenApi.FieldSchemas;

namespace Alignak.Http.OpenApi;

/// <summary>
/// The shared parts of the document: Eve's envelopes, its query parameters and headers, and one response per
/// status code the routes answer. Names start with a capital letter; resource names never do.
/// </summary>
public static class EveComponents
{
    public const string SecurityScheme = "tokenAuth";

    private static JsonObject Str(string? description = null, string? example = null)
    {
        var s = new JsonObject { ["type"] = "string" };
        if (description is not null) s["description"] = description;
        if (example is not null) s["example"] = example;
        return s;
    }

    private static JsonObject Int(string? description = null)
    {
        var s = new JsonObject { ["type"] = "integer" };
        if (description is not null) s["description"] = description;
        return s;
    }

    private static JsonObject Const(string value) => new() { ["type"] = "string", ["enum"] = new JsonArray(value) };

    private static JsonObject Obj(JsonObject properties, params string[] required)
    {
        var s = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Length > 0) s["required"] = new JsonArray(required.Select(r => (JsonNode?)r).ToArray());
        return s;
    }

    public static JsonObject Schemas() => new()
    {
        ["ObjectId"] = new JsonObject
        {
            ["type"] = "string", ["pattern"] = ObjectIdPattern, ["example"] = "5a5b8c2d9f1e3c0012345678",
            ["description"] = "A document id: 24 lowercase hex characters.",
        },
        ["Rfc1123Date"] = Str("A date as RFC 1123 in GMT, to the second.", "Tue, 25 Aug 2015 14:10:02 GMT"),
        ["EveLink"] = Obj(new JsonObject { ["title"] = Str(), ["href"] = Str() }, "title", "href"),
        ["EveItemLinks"] = Obj(new JsonObject
        {
            ["self"] = Ref("EveLink"), ["parent"] = Ref("EveLink"), ["collection"] = Ref("EveLink"),
        }, "self"),
        ["EveCollectionLinks"] = Obj(new JsonObject
        {
            ["parent"] = Ref("EveLink"), ["self"] = Ref("EveLink"),
            ["next"] = Ref("EveLink"), ["last"] = Ref("EveLink"), ["prev"] = Ref("EveLink"),
        }, "parent", "self"),
        ["EveMeta"] = Obj(new JsonObject
        {
            ["page"] = Int("The page returned, from 1."),
            ["max_results"] = Int("Documents per page."),
            ["total"] = Int("Documents matching the query, on all pages."),
        }, "page", "max_results", "total"),
        ["EveCollection"] = Obj(new JsonObject
        {
            ["_items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
            ["_links"] = Ref("EveCollectionLinks"),
            ["_meta"] = Ref("EveMeta"),
        }, "_items", "_links", "_meta"),
        ["EveWriteResult"] = Obj(new JsonObject
        {
            ["_id"] = Ref("ObjectId"),
            ["_created"] = Ref("Rfc1123Date"),
            ["_updated"] = Ref("Rfc1123Date"),
            ["_etag"] = Str("The new version, side effects of the write included."),
            ["_links"] = Obj(new JsonObject { ["self"] = Ref("EveLink") }, "self"),
            ["_status"] = Const("OK"),
        }, "_id", "_created", "_updated", "_etag", "_links", "_status"),
        ["EveBulkWriteResult"] = Obj(new JsonObject
        {
            ["_status"] = Const("OK"),
            ["_items"] = new JsonObject { ["type"] = "array", ["items"] = Ref("EveWriteResult") },
        }, "_status", "_items"),
        ["EveErrorDetail"] = Obj(new JsonObject { ["code"] = Int("The HTTP status code."), ["message"] = Str() }, "code", "message"),
        ["EveError"] = Obj(new JsonObject { ["_status"] = Const("ERR"), ["_error"] = Ref("EveErrorDetail") }, "_status", "_error"),
        ["EveIssues"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Validation messages by field: one message, several, or the issues of a nested document.",
            ["additionalProperties"] = new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "string" },
                    new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                    Ref("EveIssues")),
            },
            ["example"] = new JsonObject { ["name"] = "required field" },
        },
        ["EveValidationError"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A 422: `_issues` for one document; for a list POST, `_items` holds one status per document. "
                + "A PATCH answers without `_error`.",
            ["properties"] = new JsonObject
            {
                ["_status"] = Const("ERR"),
                ["_issues"] = Ref("EveIssues"),
                ["_items"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = Obj(new JsonObject
                    {
                        ["_status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("OK", "ERR") },
                        ["_issues"] = Ref("EveIssues"),
                    }, "_status"),
                },
                ["_error"] = Ref("EveErrorDetail"),
            },
            ["required"] = new JsonArray("_status"),
        },
        ["Home"] = Obj(new JsonObject
        {
            ["_links"] = Obj(new JsonObject
            {
                ["child"] = new JsonObject { ["type"] = "array", ["items"] = Ref("EveLink") },
            }, "child"),
        }, "_links"),
        ["LoginRequest"] = Obj(new JsonObject
        {
            ["username"] = Str(example: "admin"),
            ["password"] = new JsonObject { ["type"] = "string", ["format"] = "password", ["example"] = "admin" },
            ["action"] = new JsonObject
            {
                ["type"] = "string", ["enum"] = new JsonArray("generate"),
                ["description"] = "`generate` replaces the user's token with a new one.",
            },
        }, "username", "password"),
        ["Token"] = Obj(new JsonObject
        {
            ["token"] = Str("Send it as the Basic user name (empty password) on every other call.",
                "1456484873000-66a7a7f9-1c30-4b4a-9b1e-6a1c8b0c4f2d"),
        }, "token"),
        ["Version"] = Obj(new JsonObject { ["version"] = Str(example: SystemEndpoints.ApiVersion) }, "version"),
        ["BackendConfig"] = Obj(new JsonObject
        {
            ["PAGINATION_LIMIT"] = Int("Largest max_results."),
            ["PAGINATION_DEFAULT"] = Int("max_results when none is given."),
        }, "PAGINATION_LIMIT", "PAGINATION_DEFAULT"),
    };

    public static JsonObject Parameters(BackendSettings settings)
    {
        JsonObject Query(string name, JsonObject schema, string description, string? example = null)
        {
            var p = new JsonObject { ["name"] = name, ["in"] = "query", ["description"] = description, ["schema"] = schema };
            if (example is not null) p["example"] = example;
            return p;
        }
        JsonObject Header(string name, bool required, string description) => new()
        {
            ["name"] = name, ["in"] = "header", ["required"] = required, ["description"] = description, ["schema"] = Str(),
        };
        return new JsonObject
        {
            ["id"] = new JsonObject
            {
                ["name"] = "id", ["in"] = "path", ["required"] = true, ["description"] = "The document id (anything else is 404).",
                ["schema"] = Ref("ObjectId"),
            },
            ["where"] = Query("where", Str(), "A filter in Mongo query syntax (JSON), e.g. `{\"name\":\"localhost\"}` or "
                + "`{\"_updated\":{\"$gte\":\"Tue, 25 Aug 2015 14:10:02 GMT\"}}`. Strings that are RFC 1123 dates or 24-hex ids "
                + "are compared as dates and ids. A Python-like expression (`name == \"x\"`) is also understood.",
                "{\"name\":\"localhost\"}"),
            ["sort"] = Query("sort", Str(), "Fields to sort on, `-` for descending: `name`, `-name`, `a,-b`, "
                + "or `[(\"name\", 1), (\"_id\", -1)]`. Without it: insertion order.", "name"),
            ["projection"] = Query("projection", Str(), "Fields to return, `{\"field\":1,...}`, or to leave out, "
                + "`{\"field\":0,...}`. The meta fields are always returned.", "{\"name\":1}"),
            ["embedded"] = Query("embedded", Str(), "Relation fields to replace by the documents they point to, "
                + "`{\"field\":1,...}`; a dangling id becomes null.", "{\"_realm\":1}"),
            ["max_results"] = Query("max_results", new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                $"Documents per page: {settings.PaginationDefault} when absent or not a positive number, "
                + $"at most {settings.PaginationLimit}."),
            ["page"] = Query("page", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["default"] = 1 }, "Page to return, from 1."),
            ["pretty"] = Query("pretty", Str(), "Present (any value): indented JSON."),
            ["If-Match"] = Header("If-Match", true, "The document's current `_etag`. Missing: 428; another version: 412."),
            ["If-None-Match"] = Header("If-None-Match", false, "An `_etag`: 304 when the document still has it."),
            ["If-Modified-Since"] = Header("If-Modified-Since", false, "A RFC 1123 date: 304 when the document did not change since."),
        };
    }

    public static JsonObject Headers() => new()
    {
        ["ETag"] = new JsonObject { ["description"] = "The document's `_etag`, quoted.", ["schema"] = Str() },
        ["Last-Modified"] = new JsonObject { ["description"] = "The latest `_updated`.", ["schema"] = Ref("Rfc1123Date") },
        ["X-Total-Count"] = new JsonObject { ["description"] = "Documents matching the query, on all pages.", ["schema"] = Int() },
        ["WWW-Authenticate"] = new JsonObject { ["description"] = "`Basic realm=\"eve\"`", ["schema"] = Str() },
    };

    /// <summary>One response per status code the routes answer, by name.</summary>
    public static JsonObject Responses()
    {
        static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };
        static JsonObject Error(string description, string? example = null)
        {
            var content = Json(Ref("EveError"));
            if (example is not null)
                content["application/json"]!["example"] = JsonNode.Parse(example);
            return new JsonObject { ["description"] = description, ["content"] = content };
        }
        static string Envelope(int code, string message) =>
            new JsonObject
            {
                ["_status"] = "ERR", ["_error"] = new JsonObject { ["code"] = code, ["message"] = message },
            }.ToJsonString();

        return new JsonObject
        {
            ["Deleted"] = new JsonObject { ["description"] = "Deleted; no body." },
            ["NotModified"] = new JsonObject { ["description"] = "Not modified since the version given in If-None-Match or If-Modified-Since; no body." },
            ["BadRequest"] = Error("A query parameter or the body could not be parsed, or the content type is not JSON, form or multipart.",
                Envelope(400, "Unable to parse `where` clause")),
            ["Unauthorized"] = new JsonObject
            {
                ["description"] = "No token, or not a known one; or the user's rights do not allow this write.",
                ["headers"] = new JsonObject { ["WWW-Authenticate"] = new JsonObject { ["$ref"] = "#/components/headers/WWW-Authenticate" } },
                ["content"] = Json(Ref("EveError")),
            },
            ["Forbidden"] = Error("The user may not submit commands (`can_submit_commands`)."),
            ["NotFound"] = Error("No such document, or not visible to this user.", Envelope(404, EveResults.NotFoundMessage)),
            ["MethodNotAllowed"] = Error("The resource does not allow this method.", Envelope(405, EveResults.MethodNotAllowedMessage)),
            ["Conflict"] = Error("The write conflicts with the stored state (for instance a realm that still has children).",
                Envelope(409, EveResults.ConflictMessage)),
            ["PreconditionFailed"] = new JsonObject
            {
                ["description"] = "If-Match is not the current `_etag` (JSON), or a server rule refused the write (plain text message).",
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = Ref("EveError"),
                        ["example"] = JsonNode.Parse(Envelope(412, WriteResponses.PreconditionFailedMessage)),
                    },
                    ["text/html"] = new JsonObject { ["schema"] = Str() },
                },
            },
            ["ValidationFailed"] = new JsonObject
            {
                ["description"] = "The document does not match the schema.",
                ["content"] = Json(Ref("EveValidationError")),
            },
            ["PreconditionRequired"] = Error("If-Match is missing.", Envelope(428, WriteResponses.PreconditionRequiredMessage)),
            ["ServiceUnavailable"] = Error("The backend did not complete the write in time; it may or may not have been applied."),
        };
    }

    public static JsonObject SecuritySchemes() => new()
    {
        [SecurityScheme] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "basic",
            ["description"] = "The token from `POST /login` as the user name, with an empty password. "
                + "The bare token, `Token <token>` and `Bearer <token>` are accepted too.",
        },
    };
}

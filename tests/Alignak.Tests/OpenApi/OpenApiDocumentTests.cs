using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alignak.Actors.Resources;
using Microsoft.OpenApi;
using Alignak.Tests.Api;

namespace Alignak.Tests.OpenApi;

/// <summary>The served OpenAPI document, read as a client would: without a token, from a real server.</summary>
public sealed class OpenApiDocumentTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly string[] HttpMethodNames = ["get", "head", "post", "put", "patch", "delete", "options", "trace"];

    private HttpClient NewHttp() => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Backend.Address };

    private async Task<(string Text, JsonObject Document)> FetchAsync()
    {
        using var http = NewHttp();
        using var response = await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (text, JsonNode.Parse(text)!.AsObject());
    }

    private static JsonObject Schema(JsonObject document, string name) =>
        document["components"]!["schemas"]![name]!.AsObject();

    private static IEnumerable<string> Methods(JsonNode? pathItem) =>
        pathItem!.AsObject().Select(kv => kv.Key).Where(k => HttpMethodNames.Contains(k)).Order();

    [Fact]
    public async Task The_document_is_served_without_a_token_and_is_OpenAPI_3()
    {
        var (_, document) = await FetchAsync();
        Assert.Matches(@"^3\.\d+\.\d+$", (string?)document["openapi"]);
        Assert.Equal("1.4.16", (string?)document["info"]!["version"]);

        using var http = NewHttp();
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/openapi/v1.json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Microsoft_OpenApi_reads_and_validates_the_document_without_errors()
    {
        var (text, _) = await FetchAsync();
        var result = OpenApiDocument.Parse(text, "json");
        Assert.Empty(result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        Assert.Empty(result.Diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
        var parsed = result.Document!;
        Assert.Empty(parsed.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));

        Assert.Equal(2 * Schemas.Routable.Count + 6 + 4, parsed.Paths.Count); // + the Grafana routes
        var host = parsed.Components!.Schemas!["host"];
        Assert.Equal("^[^`~!$%^&*\"|'<>?,()=]+$", host.Properties!["name"].Pattern);
        Assert.Contains(HttpMethod.Patch, parsed.Paths["/host/{id}"].Operations!.Keys);
        Assert.DoesNotContain(HttpMethod.Put, parsed.Paths["/host/{id}"].Operations!.Keys);
    }

    [Fact]
    public async Task Every_routable_resource_has_its_own_paths_and_internal_ones_have_none()
    {
        var (_, document) = await FetchAsync();
        var paths = document["paths"]!.AsObject();
        Assert.Equal(27, Schemas.Routable.Count);
        foreach (var schema in Schemas.All.Values)
        {
            Assert.Equal(!schema.Internal, paths.ContainsKey("/" + schema.Name));
            Assert.Equal(!schema.Internal, paths.ContainsKey("/" + schema.Name + "/{id}"));
            Assert.Equal(!schema.Internal, document["components"]!["schemas"]!.AsObject().ContainsKey(schema.Name));
        }
        var expected = Schemas.Routable.SelectMany(s => new[] { "/" + s.Name, "/" + s.Name + "/{id}" })
            .Concat(["/", "/login", "/logout", "/version", "/backendconfig", "/checkresult"])
            .Concat(["/search", "/query", "/annotations", "/cron_grafana"]).Order();
        Assert.Equal(expected, paths.Select(kv => kv.Key).Order());
    }

    [Fact]
    public async Task Each_path_has_exactly_the_methods_its_resource_allows_with_head_where_get()
    {
        var (_, document) = await FetchAsync();
        static IEnumerable<string> Expected(IReadOnlyList<string> methods) =>
            methods.Select(m => m.ToLowerInvariant())
                .Concat(methods.Contains("GET") ? ["head"] : Array.Empty<string>())
                .Order();
        foreach (var schema in Schemas.Routable)
        {
            Assert.Equal(Expected(schema.ResourceMethods), Methods(document["paths"]!["/" + schema.Name]));
            Assert.Equal(Expected(schema.ItemMethods), Methods(document["paths"]!["/" + schema.Name + "/{id}"]));
        }
        Assert.Contains("put", Methods(document["paths"]!["/alignakretention/{id}"]));
        Assert.DoesNotContain("put", Methods(document["paths"]!["/host/{id}"]));
        Assert.Equal(["post"], Methods(document["paths"]!["/login"]));
        Assert.Equal(["get", "head"], Methods(document["paths"]!["/"]));
    }

    [Fact]
    public async Task Collections_take_the_eve_query_parameters_and_item_writes_need_If_Match()
    {
        var (_, document) = await FetchAsync();
        var parameters = document["components"]!["parameters"]!;
        string Name(JsonNode? p) => (string)parameters[((string)p!["$ref"]!).Split('/')[^1]]!["name"]!;

        var list = document["paths"]!["/host"]!["get"]!["parameters"]!.AsArray().Select(Name).ToList();
        Assert.Superset(new HashSet<string> { "where", "sort", "projection", "embedded", "max_results", "page" }, list.ToHashSet());

        foreach (var method in new[] { "patch", "delete" })
        {
            var names = document["paths"]!["/host/{id}"]![method]!["parameters"]!.AsArray().Select(Name);
            Assert.Contains("If-Match", names);
        }
        Assert.Contains("If-Match", document["paths"]!["/alignakretention/{id}"]!["put"]!["parameters"]!.AsArray().Select(Name));
        Assert.True((bool)parameters["If-Match"]!["required"]!);
        Assert.Equal("header", (string?)parameters["If-Match"]!["in"]);
        Assert.Equal("#/components/parameters/id", (string?)document["paths"]!["/host/{id}"]!["parameters"]![0]!["$ref"]);
    }

    [Fact]
    public async Task Field_rules_become_schema_keywords()
    {
        var (_, document) = await FetchAsync();
        var realm = Schema(document, "realm")["properties"]!;
        Assert.Equal(@"^[a-zA-Z0-9 \-_]+$", (string?)realm["name"]!["pattern"]);
        Assert.Equal(0, (int)realm["hosts_critical_threshold"]!["minimum"]!);
        Assert.Equal(100, (int)realm["hosts_critical_threshold"]!["maximum"]!);
        Assert.Equal(5, (int)realm["hosts_critical_threshold"]!["default"]!);
        Assert.Equal("integer", (string?)realm["hosts_critical_threshold"]!["type"]);
        Assert.Equal(1, (int)realm["name"]!["minLength"]!);
        Assert.True((bool)realm["name"]!["x-unique"]!);
        // A relation whose default is null may be stored as null.
        Assert.Equal(["string", "null"], realm["_parent"]!["type"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("realm", (string?)realm["_parent"]!["x-relation"]);

        Assert.Contains("name", RequiredOnCreate(document, "realm"));
        Assert.Contains("_realm", RequiredOnCreate(document, "host"));
        Assert.Contains("name", RequiredOnCreate(document, "host"));
        Assert.DoesNotContain("alias", RequiredOnCreate(document, "host"));
        Assert.False(Schema(document, "host").ContainsKey("required"));

        var host = Schema(document, "host")["properties"]!;
        Assert.Equal("string", (string?)host["_realm"]!["type"]);
        Assert.Equal("^[0-9a-f]{24}$", (string?)host["_realm"]!["pattern"]);
        Assert.Equal("realm", (string?)host["_realm"]!["x-relation"]);
        Assert.Contains("`realm`", (string?)host["_realm"]!["description"]);
        Assert.Equal("array", (string?)host["_templates"]!["type"]);
        Assert.Equal("host", (string?)host["_templates"]!["items"]!["x-relation"]);
        Assert.Equal(["o", "d", "x"], host["initial_state"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["o", "d", "x"], host["flap_detection_options"]!["items"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["check_command"], host["name"]!["x-dependencies"]!.AsArray().Select(v => (string)v!));
        Assert.True((bool)host["_id"]!["readOnly"]!);
        Assert.False((bool)Schema(document, "host")["additionalProperties"]!);
        Assert.True((bool)Schema(document, "alignak")["additionalProperties"]!);
    }

    private static IEnumerable<string> RequiredOnCreate(JsonObject document, string resource)
    {
        var create = Schema(document, resource + "Create");
        Assert.Equal("#/components/schemas/" + resource, (string?)create["allOf"]![0]!["$ref"]);
        return create["allOf"]![1]!["required"]!.AsArray().Select(r => (string)r!);
    }

    [Fact]
    public async Task Envelopes_status_codes_and_security_are_described()
    {
        var (_, document) = await FetchAsync();
        foreach (var name in new[] { "EveCollection", "EveWriteResult", "EveBulkWriteResult", "EveError", "EveValidationError", "EveMeta" })
            Assert.NotNull(document["components"]!["schemas"]![name]);
        Assert.Equal(["_items", "_links", "_meta"], Schema(document, "EveCollection")["required"]!.AsArray().Select(r => (string)r!));
        Assert.NotNull(Schema(document, "EveValidationError")["properties"]!["_issues"]);
        Assert.NotNull(document["components"]!["responses"]!["MethodNotAllowed"]);

        var scheme = document["components"]!["securitySchemes"]!["tokenAuth"]!;
        Assert.Equal("http", (string?)scheme["type"]);
        Assert.Equal("basic", (string?)scheme["scheme"]);
        Assert.NotNull(document["security"]![0]!["tokenAuth"]);
        foreach (var open in new[] { ("/login", "post"), ("/logout", "post"), ("/version", "get"), ("/backendconfig", "get") })
            Assert.Empty(document["paths"]![open.Item1]![open.Item2]!["security"]!.AsArray());
        Assert.Null(document["paths"]!["/host"]!["get"]!["security"]);

        static IEnumerable<string> Codes(JsonNode? operation) => operation!["responses"]!.AsObject().Select(kv => kv.Key);
        var paths = document["paths"]!;
        Assert.Equal(["200", "400", "401"], Codes(paths["/host"]!["get"]));
        Assert.Equal(["201", "400", "401", "409", "412", "422", "503"], Codes(paths["/host"]!["post"]));
        Assert.Equal(["204", "401", "409", "412", "503"], Codes(paths["/host"]!["delete"]));
        Assert.Equal(["200", "304", "400", "401", "404"], Codes(paths["/host/{id}"]!["get"]));
        Assert.Equal(["200", "400", "401", "404", "409", "412", "422", "428", "503"], Codes(paths["/host/{id}"]!["patch"]));
        Assert.Equal(["204", "401", "404", "409", "412", "428", "503"], Codes(paths["/host/{id}"]!["delete"]));
        Assert.Equal(["200", "201", "400", "401", "404", "409", "412", "422", "428", "503"], Codes(paths["/alignakretention/{id}"]!["put"]));
        Assert.Contains("403", Codes(paths["/actionacknowledge"]!["post"]));
        Assert.DoesNotContain("403", Codes(paths["/host"]!["post"]));
        Assert.Equal("#/components/schemas/host",
            (string?)paths["/host"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["allOf"]![1]!["properties"]!["_items"]!["items"]!["$ref"]);
    }

    [Fact]
    public async Task Every_reference_points_into_the_document()
    {
        var (_, document) = await FetchAsync();
        var references = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key == "$ref") references.Add((string)value!);
                        else Walk(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a) Walk(item);
                    break;
            }
        }
        Walk(document);
        Assert.NotEmpty(references);
        foreach (var reference in references.Distinct())
        {
            Assert.StartsWith("#/", reference);
            JsonNode? target = document;
            foreach (var part in reference[2..].Split('/')) target = target?[part.Replace("~1", "/").Replace("~0", "~")];
            Assert.True(target is JsonObject, $"{reference} does not resolve");
        }
    }

    [Fact]
    public async Task Docs_leads_to_a_page_that_loads_only_assets_of_this_server()
    {
        using var http = NewHttp();
        var cancel = TestContext.Current.CancellationToken;
        using (var docs = await http.GetAsync("/docs", cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, docs.StatusCode);
            Assert.Equal("/scalar/v1", docs.Headers.Location?.OriginalString);
        }
        using (var old = await http.GetAsync("/docs/index.html", cancel))
            Assert.Equal("/scalar/v1", old.Headers.Location?.OriginalString);

        using var page = await http.GetAsync("/scalar/v1", cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(cancel);

        var assets = Regex.Matches(html, @"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[""']([^""']+)[""']", RegexOptions.IgnoreCase)
            .Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(assets);
        // Nothing on the page points to another host: no CDN script, style or web font.
        Assert.DoesNotMatch(@"(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html);
        Assert.Contains("\"withDefaultFonts\":false", html);
        Assert.Contains("openapi/v1.json", html);

        var pageUri = new Uri(fixture.Backend.Address, "/scalar/v1");
        foreach (var asset in assets)
        {
            var uri = new Uri(pageUri, asset);
            Assert.Equal(fixture.Backend.Address.Authority, uri.Authority);
            using var response = await http.GetAsync(uri, cancel);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{uri}: {response.StatusCode}");
            Assert.True((await response.Content.ReadAsByteArrayAsync(cancel)).Length > 0, $"{uri} is empty");
        }
    }

    [Fact]
    public async Task The_new_routes_leave_the_resource_routes_as_they_were()
    {
        using var anonymous = NewHttp();
        var cancel = TestContext.Current.CancellationToken;
        using (var realm = await anonymous.GetAsync("/realm", cancel))
            Assert.Equal(HttpStatusCode.Unauthorized, realm.StatusCode);

        using var admin = await fixture.Backend.AdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/openapi")).Status);
        var (status, body) = await admin.GetAsync("/realm");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("All", (string?)body!["_items"]![0]!["name"]);
        var home = (await admin.GetAsync("/")).Body!["_links"]!["child"]!.AsArray().Select(c => (string)c!["href"]!);
        Assert.DoesNotContain("openapi", home);
    }
}

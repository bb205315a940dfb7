using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Actors.Resources;
using Alignak.Tests.Support;

namespace Alignak.Tests.Robustness;

/// <summary>
/// A walk of malformed and hostile requests over every resource and route: each gets a 4xx in the Eve envelope
/// (or a 2xx for what is acceptable after all), within 2 s, on a connection that stays up; counts change only by
/// what got a 2xx; and the server starts again on the same database afterwards.
/// </summary>
public sealed class InputWalkTests
{
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(2);

    /// <summary>Resources a 2xx elsewhere may add documents to (history events, a realm's livesynthesis, default roles).</summary>
    private static readonly Dictionary<string, string[]> Derived = new(StringComparer.Ordinal)
    {
        ["history"] = ["logcheckresult", "checkresult", "actionacknowledge", "actiondowntime", "actionforcecheck"],
        ["livesynthesis"] = ["realm"],
        ["userrestrictrole"] = ["user"],
    };

    [Fact]
    public async Task Hostile_input_gets_a_client_error_in_the_envelope_and_the_server_starts_again()
    {
        await using var database = TestDatabase.Sqlite();
        var settings = InProcessBackend.SettingsFor(database);
        settings.GrafanaDatasource = true;
        var walk = new Walk();
        var backend = await InProcessBackend.StartAsync(settings);
        Dictionary<string, long> after;
        try
        {
            using var admin = await backend.AdminAsync();
            using var anonymous = new HttpClient { BaseAddress = backend.Address };
            walk.Http = admin.Http;
            walk.Anonymous = anonymous;
            var context = await ContextAsync(admin, walk);
            var before = await CountsAsync(admin);

            await walk.SystemRoutesAsync();
            await walk.CheckResultsAsync(context);
            await walk.GrafanaAsync();
            foreach (var schema in Schemas.Routable) await walk.ResourceAsync(schema, context);
            await walk.CronAsync();

            after = await CountsAsync(admin);
            Assert.True(walk.Failures.Count == 0,
                $"{walk.Failures.Count} of {walk.Requests} requests failed:\n" + string.Join("\n", walk.Failures.Take(3000)));
            Assert.True(walk.Requests > 3000, $"the walk sent only {walk.Requests} requests");
            foreach (var (resource, count) in before)
            {
                var expected = count + walk.Created.GetValueOrDefault(resource) - walk.Deleted.GetValueOrDefault(resource);
                if (Derived.TryGetValue(resource, out var sources) && sources.Any(s => walk.Created.ContainsKey(s)))
                    Assert.True(after[resource] >= expected, $"{resource}: {after[resource]} documents, expected at least {expected}");
                else
                    Assert.True(after[resource] == expected, $"{resource}: {after[resource]} documents, expected {expected}");
            }
        }
        finally
        {
            await backend.DisposeAsync();
        }

        // Whatever the walk got accepted, the server starts again on that database and serves it.
        await using var again = await InProcessBackend.StartAsync(settings);
        using var client = await again.AdminAsync();
        Assert.Equal(after, await CountsAsync(client));
        var (status, _) = await client.GetAsync("/host?where=" + Uri.EscapeDataString("""{"name":"_dummy"}"""));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task<Dictionary<string, long>> CountsAsync(EveClient admin)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var schema in Schemas.Routable)
        {
            var (status, body) = await admin.GetAsync($"/{schema.Name}?max_results=1");
            Assert.Equal(HttpStatusCode.OK, status);
            counts[schema.Name] = (long)body!["_meta"]!["total"]!;
        }
        return counts;
    }

    /// <summary>What the samples refer to; the hosts it creates for them count as the walk's.</summary>
    private static async Task<Samples.Context> ContextAsync(EveClient admin, Walk walk)
    {
        async Task<string> Id(string resource, string name) => (string)(await admin.FindAsync(resource, name))!["_id"]!;
        return new Samples.Context(await Id("user", "admin"), await Id("timeperiod", "24x7"), await Id("usergroup", "All"),
            async (realm, sub) =>
            {
                var (status, body) = await admin.PostAsync("/host", new JsonObject { ["name"] = $"walk-{Guid.NewGuid():N}", ["_realm"] = realm, ["_sub_realm"] = sub });
                Assert.Equal(HttpStatusCode.Created, status);
                walk.Created["host"] = walk.Created.GetValueOrDefault("host") + 1;
                return (string)body!["_id"]!;
            });
    }

    /// <summary>The requests and what each must get.</summary>
    private sealed class Walk
    {
        public HttpClient Http { get; set; } = null!;
        /// <summary>A client without the admin's token.</summary>
        public HttpClient Anonymous { get; set; } = null!;
        public List<string> Failures { get; } = [];
        public int Requests { get; private set; }
        public Dictionary<string, long> Created { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Deleted { get; } = new(StringComparer.Ordinal);

        private const string Placeholder = "@@walk@@";

        /// <summary>Raw JSON bodies no resource accepts as they are.</summary>
        private static readonly byte[][] MalformedBodies =
        [
            [], "not json"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "[]"u8.ToArray(), "[1, 2]"u8.ToArray(), "\"text\""u8.ToArray(),
            "123"u8.ToArray(), "null"u8.ToArray(), "true"u8.ToArray(), "{\"a\": 1,}"u8.ToArray(), "{'a': 1}"u8.ToArray(),
            "{\"name\": NaN}"u8.ToArray(), "{\"name\": Infinity}"u8.ToArray(), "\xEF\xBB\xBF{}"u8.ToArray(),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 5000))),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
            [0x7B, 0x22, 0x6E, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], // {"n<invalid>":1}
            [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], // UTF-16 with a BOM
        ];

        /// <summary>Values in place of a string field's: invalid UTF-8 sequences as raw bytes, lone surrogate escapes.</summary>
        private static readonly byte[][] BadText =
        [
            [0x22, 0xC3, 0x28, 0x22], // truncated two-byte sequence
            [0x22, 0xC0, 0xAF, 0x22], // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22], // overlong, three bytes
            [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], // five-byte form
            [0x22, 0xED, 0xA0, 0x80, 0x22], // an encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], // past U+10FFFF
            [0x22, 0x61, 0xFF, 0x22],
            "\"\\ud800\""u8.ToArray(), "\"\\udc00x\""u8.ToArray(), "\"a\\ud83d\""u8.ToArray(),
        ];

        private static readonly string LongText = "\"" + new string('x', 20_000) + "\"";
        private static readonly string Deep = string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 300));

        /// <summary>
        /// Wrong or out-of-range values for a field of each type (JSON text). Each field is tried alone with the first
        /// <see cref="PerField"/> of them; documents with every field wrong at once go through the whole list.
        /// </summary>
        private static string[] WrongValues(string type) => type switch
        {
            "string" => ["12", LongText, """{"$gt": ""}""", "[\"a\"]"],
            "objectid" => ["12", "\"not-an-id\"", "[\"000000000000000000000000\"]", "9223372036854775808"],
            "integer" => ["9223372036854775808", "1e400", "2147483648", "\"x\"", "-9223372036854775809", "-1e400", "1.5e300", "{}"],
            "float" or "number" => ["1e400", "-1e400", "\"x\"", "[]"],
            "boolean" => ["\"x\"", "2", "[]"],
            "list" => ["\"x\"", Deep, """[12, {"a": 1}, [1], null]""", """{"a": 1}""", "[1e400]"],
            "dict" => ["\"x\"", """{"a": 1e400, "b": 9223372036854775808}""", "[1]"],
            "point" => ["\"x\"", """{"type": "Point", "coordinates": [1e400, "x"]}"""],
            "datetime" => ["\"x\"", "12", "\"Tue, 99 Feb 2026 25:61:61 GMT\""],
            _ => ["12"],
        };

        private static string[] PerField(string type) => WrongValues(type)[..(type == "integer" ? 3 : type == "boolean" ? 1 : 2)];

        // ---- routes -----------------------------------------------------------------------------

        public async Task SystemRoutesAsync()
        {
            foreach (var body in MalformedBodies.Concat(Bodies(new JsonObject { ["username"] = "admin", ["password"] = "wrong" })))
                await Expect("POST", "/login", body);
            foreach (var raw in new[]
                     {
                         """{"username": 12, "password": 12}""", """{"username": ["admin"], "password": {"a": 1}}""",
                         """{"username": "admin", "username": "x", "password": "no"}""", """{"username": "admin", "password": "no", "action": 12}""",
                         """{"username": "admin\ud800", "password": "x"}""", """{"username": 1e400, "password": 9223372036854775808}""",
                     })
                await Expect("POST", "/login", Encoding.UTF8.GetBytes(raw));
            await Expect("POST", "/login", "username=admin&password=wrong"u8.ToArray(), "application/x-www-form-urlencoded");
            await Expect("POST", "/login", "username=%C3%28&password=%FF"u8.ToArray(), "application/x-www-form-urlencoded");
            await Expect("POST", "/login", """{"username":"admin","password":"x"}"""u8.ToArray(), "text/plain");
            await Expect("POST", "/login", """{"username":"admin","password":"x"}"""u8.ToArray(), null);
            await Expect("POST", "/login", "--x\r\nContent-Disposition: form-data\r\n\r\n--x--"u8.ToArray(), "multipart/form-data; boundary=x");
            await Expect("POST", "/logout", "{"u8.ToArray());
            foreach (var path in new[] { "/", "/version", "/backendconfig", "/?where=%C3%28", "/cron_timeseries", "/cron_timeseries?x=%FF", "/nosuchroute/a/b" })
                await Expect("GET", path);
            // No token, a token that is not one, a header that is not Basic.
            foreach (var auth in new[] { null, "Basic " + Convert.ToBase64String("nosuchtoken:"u8.ToArray()), "Basic %%%", "Bearer x", "Basic " + Convert.ToBase64String([0xC3, 0x28, 0x3A]) })
                foreach (var (method, path) in new[] { ("GET", "/host"), ("DELETE", "/host"), ("POST", "/host"), ("GET", "/cron_timeseries"), ("POST", "/checkresult"), ("DELETE", "/history") })
                    await Expect(method, path, "{}"u8.ToArray(), authorization: auth ?? "");
        }

        /// <summary>The cron routes once the walk's accepted documents are there (the Grafana items point at a closed port).</summary>
        public async Task CronAsync()
        {
            foreach (var path in new[] { "/cron_grafana", "/cron_grafana?forcegenerate", "/cron_timeseries" }) await Expect("GET", path);
        }

        public async Task CheckResultsAsync(Samples.Context context)
        {
            var host = await context.HostIn((await Get("/realm?where=" + Uri.EscapeDataString("""{"name":"All"}""")))!["_items"]![0]!["_id"]!.ToString(), true);
            var valid = new JsonObject { ["host"] = host, ["exit_status"] = 0, ["output"] = "ok", ["check_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
            foreach (var body in MalformedBodies.Concat(Bodies(valid))) await Expect("POST", "/checkresult", body, created: "checkresult");
            foreach (var (field, values) in new (string, string[])[]
                     {
                         ("host", ["12", "\"x\"", "null"]), ("host_name", ["12", "[\"x\"]"]), ("service", ["12"]), ("service_name", ["12", "{}"]),
                         ("exit_status", ["9223372036854775808", "1e400", "-1e400", "2147483648", "\"0\"", "0.5", "-1"]),
                         ("check_time", ["1e400", "-1e400", "9223372036854775808", "\"x\"", "-5"]),
                         ("latency", ["1e400", "\"x\"", "-1"]), ("execution_time", ["-1e400"]), ("output", ["12", "[]"]),
                         ("passive_check", ["\"yes\"", "2"]), ("nosuchfield", ["1"]),
                     })
                foreach (var value in values) await Expect("POST", "/checkresult", Splice(valid, field, Encoding.UTF8.GetBytes(value)), created: "checkresult");
            foreach (var text in BadText) await Expect("POST", "/checkresult", Splice(valid, "output", text), created: "checkresult");
            await Expect("POST", "/checkresult", Encoding.UTF8.GetBytes($"[{valid.ToJsonString()}, 12]"), created: "checkresult");
            await Expect("POST", "/checkresult", Encoding.UTF8.GetBytes($"[{valid.ToJsonString()}, {{\"host\": 12}}]"), created: "checkresult");
        }

        public async Task GrafanaAsync()
        {
            foreach (var path in new[] { "/search", "/query", "/annotations" })
            {
                foreach (var body in MalformedBodies) await Expect("POST", path, body);
                foreach (var raw in new[]
                         {
                             """{"target": 12}""", """{"targets": 12}""", """{"targets": [12]}""", """{"targets": [{"target": 12}]}""",
                             """{"targets": [{"target": "nosuch"}]}""", """{"targets": [{"target": "Hosts"}], "range": {"from": 1e400}}""",
                             """{"targets": [{"target": "Hosts\ud800"}]}""", """{"annotation": 12}""", """{"annotation": {"query": 12}}""",
                             """{"annotation": {"query": "host:x"}, "range": {"from": 1e400, "to": -1e400}}""",
                             """{"annotation": {"query": "host:x"}, "range": {"from": "9223372036854775808", "to": 9223372036854775808}}""",
                             """{"annotation": {"query": "x"}, "range": {"from": "2026-01-01T00:00:00Z", "to": "yesterday"}}""",
                         })
                    await Expect("POST", path, Encoding.UTF8.GetBytes(raw));
                foreach (var text in BadText) await Expect("POST", path, Concat("{\"target\": "u8.ToArray(), text, "}"u8.ToArray()));
            }
        }

        public async Task ResourceAsync(ResourceSchema schema, Samples.Context context)
        {
            var resource = schema.Name;
            var all = (string)(await Get("/realm?where=" + Uri.EscapeDataString("""{"name":"All"}""")))!["_items"]![0]!["_id"]!;
            await QueriesAsync(resource);

            var item = (await Get($"/{resource}?max_results=1"))!["_items"]!.AsArray().FirstOrDefault() as JsonObject;
            if (schema.ResourceMethods.Contains("POST"))
            {
                var (sample, _, _) = await Samples.Build(resource, all, true, context);
                if (resource == "grafana") sample["port"] = ClosedPort(); // the cron route then fails fast
                var (status, body) = await Send("POST", "/" + resource, Encoding.UTF8.GetBytes(sample.ToJsonString()), "application/json", null, null);
                Assert.True(status == HttpStatusCode.Created, $"POST /{resource} sample: {status} {body}");
                Count(Created, resource, 1);
                item = (await Get($"/{resource}/{JsonNode.Parse(body)!["_id"]}"))!.AsObject();

                foreach (var bad in MalformedBodies.Concat(Bodies(sample))) await Expect("POST", "/" + resource, bad, created: resource);
                await Expect("POST", "/" + resource, Encoding.UTF8.GetBytes(sample.ToJsonString()), "text/plain", created: resource);
                await Expect("POST", "/" + resource, Encoding.UTF8.GetBytes(sample.ToJsonString()), null, created: resource);
                await Expect("POST", "/" + resource, "name=%C3%28&_realm=12&_sub_realm=maybe"u8.ToArray(), "application/x-www-form-urlencoded", created: resource);
                await Expect("POST", "/" + resource, Encoding.UTF8.GetBytes(sample.ToJsonString()), "application/json; charset=iso-8859-1", created: resource);
                foreach (var (name, field) in schema.Fields)
                {
                    foreach (var value in PerField(field.Type))
                        await Expect("POST", "/" + resource, Splice(Fresh(sample, schema), name, Encoding.UTF8.GetBytes(value)), created: resource);
                    if (field.Type == "string")
                        await Expect("POST", "/" + resource, Splice(Fresh(sample, schema), name, BadText[name.Length % BadText.Length]), created: resource);
                }
                // Every field wrong at once, in a batch with a valid item: nothing of the batch is written.
                for (var round = 0; round < 8; round++)
                {
                    var everything = Fresh(sample, schema);
                    var raw = new StringBuilder(everything.ToJsonString()[..^1]);
                    foreach (var (name, field) in schema.Fields.Where(f => !everything.ContainsKey(f.Key)))
                    {
                        var values = WrongValues(field.Type);
                        raw.Append(",\"").Append(name).Append("\":").Append(values[round % values.Length]);
                    }
                    raw.Append('}');
                    await Expect("POST", "/" + resource, Encoding.UTF8.GetBytes(raw.ToString()), created: resource);
                    await Expect("POST", "/" + resource, Encoding.UTF8.GetBytes($"[{Fresh(sample, schema).ToJsonString()}, {raw}]"), created: resource);
                }
            }

            foreach (var id in new[] { "ZZZZZZZZZZZZZZZZZZZZZZZZ", "000000000000000000000000", "%C3%28", new string('a', 2000) })
            {
                await Expect("GET", $"/{resource}/{id}");
                await Expect("GET", $"/{resource}/{id}?projection=%7B&embedded=%FF");
                await Expect("PATCH", $"/{resource}/{id}", "{}"u8.ToArray(), ifMatch: "x");
                await Expect("PUT", $"/{resource}/{id}", "{}"u8.ToArray(), ifMatch: "x", created: resource); // PUT of an unknown id creates it
                await Expect("DELETE", $"/{resource}/{id}", ifMatch: "x");
                await Expect("POST", $"/{resource}/{id}", "{}"u8.ToArray());
            }
            await Expect("PATCH", "/" + resource, "{}"u8.ToArray());
            await Expect("PUT", "/" + resource, "{}"u8.ToArray());

            if (item is null) return;
            var path = $"/{resource}/{item["_id"]}";
            foreach (var header in new[] { "If-None-Match", "If-Modified-Since" })
                foreach (var value in new[] { "garbage", "\"\"", "W/\"x\"", "Tue, 99 Feb 2026 25:61:61 GMT", new string('x', 8000) })
                    await Expect("GET", path, headers: [(header, value)]);
            if (resource == "livesynthesis")
                foreach (var query in new[] { "history", "concatenation", "history=%FF&concatenation=1e400", "history&projection=%7B%22x%22%3A2%7D" })
                    await Expect("GET", $"{path}?{query}");
            if (!schema.ItemMethods.Contains("PATCH")) return;

            var etag = (string)item["_etag"]!;
            foreach (var ifMatch in new[] { "", "garbage", "\"\"", "*", "W/\"" + etag + "\"", "\"" + etag + "\", \"x\"", new string('e', 8000), "\"\\u00e9\"" })
            {
                await Expect("PATCH", path, """{"_sub_realm": true}"""u8.ToArray(), ifMatch: ifMatch, onUpdated: e => etag = e);
                // Only values that cannot name the current version: the item must stay for the walk's PATCHes.
                if (!ifMatch.Contains(etag, StringComparison.Ordinal) && ifMatch != "*") await Expect("DELETE", path, ifMatch: ifMatch);
            }
            foreach (var bad in MalformedBodies.Concat(Bodies(new JsonObject { ["_sub_realm"] = true })))
                await Expect("PATCH", path, bad, ifMatch: etag, onUpdated: e => etag = e);
            await Expect("PATCH", path, """{"_sub_realm": true}"""u8.ToArray(), "text/plain", ifMatch: etag, onUpdated: e => etag = e);
            foreach (var (name, field) in schema.Fields)
            {
                var values = WrongValues(field.Type);
                foreach (var value in field.Type is "integer" or "float" or "number" ? PerField(field.Type) : values[..1])
                    await Expect("PATCH", path, Splice(new JsonObject(), name, Encoding.UTF8.GetBytes(value)), ifMatch: etag, onUpdated: e => etag = e);
                if (field.Type == "string")
                    await Expect("PATCH", path, Splice(new JsonObject(), name, BadText[(name.Length + 3) % BadText.Length]), ifMatch: etag, onUpdated: e => etag = e);
            }
        }

        private async Task QueriesAsync(string resource)
        {
            string[] queries =
            [
                "where=not-json", "where=%C3%28", "where=%7B%22name%22%3A%22%C3%28%22%7D", "where={\"name\":\"\\ud800\"}",
                "where={\"_id\":12}", "where={\"_id\":{\"$in\":5}}", "where={\"name\":{\"$in\":[{\"$gt\":1}]}}", "where={\"$or\":[1]}",
                "where={\"$and\":{}}", "where={\"_created\":{\"$gt\":12}}", "where={\"_created\":{\"$gte\":\"yesterday\"}}",
                "where={\"host\":{\"$gt\":{\"$lt\":1}}}", "where={\"x\":1e400}", "where={\"x\":9223372036854775808}",
                "where={\"x\":{\"$gt\":-1e400}}", "where={\"name\":{\"$regex\":\"(\"}}", "where={\"name\":{\"$regex\":12}}",
                "where={\"name\":{\"$exists\":\"x\"}}", "where={\"a\":1,\"a\":2}", "where=name==\"x\"", "where=" + Uri.EscapeDataString(Deep),
                "where=" + Uri.EscapeDataString(string.Concat(Enumerable.Repeat("{\"$or\":[", 100)) + "{}" + string.Concat(Enumerable.Repeat("]}", 100))),
                "where={\"host\":\"5a0000000000000000000001\",\"_created\":{\"$lte\":\"Tue, 99 Feb 2026 25:61:61 GMT\"}}",
                "sort=-", "sort=[(\"name\",2)]", "sort={\"name\":\"x\"}", "sort=[", "sort=[[\"name\",1e400]]", "sort=%C3%28", "sort=,,,",
                "projection={\"name\":2}", "projection={\"name\":\"x\"}", "projection=[1]", "projection={\"name\":1,\"alias\":0}",
                "projection=%C3%28", "projection={\"name\":1e400}",
                "embedded={\"_realm\":\"x\"}", "embedded={\"nosuch\":1}", "embedded=[1]", "embedded={\"_realm\":1e400}", "embedded=%FF",
                "embedded={\"_realm\":9223372036854775808}",
                "max_results=-1", "max_results=1e400", "max_results=9223372036854775808", "max_results=abc", "max_results=0",
                "page=0", "page=-1", "page=9223372036854775808", "page=2147483647&max_results=50", "page=abc", "page=1e400",
                "max_results=50&page=2147483647&sort=name", "where={}&sort=-_created&page=99999999&max_results=50",
            ];
            // Every query on the resources read from SQL or with relations to embed, a sample of them elsewhere.
            var all = resource is "host" or "service" or "user" or "history" or "logcheckresult" or "livesynthesis";
            foreach (var query in all ? queries : queries.Where((_, i) => i % 4 == resource.Length % 4)) await Expect("GET", $"/{resource}?{query}");
        }

        /// <summary>The sample's own fields with each body-level defect: duplicate keys, invalid text, deep nesting.</summary>
        private static IEnumerable<byte[]> Bodies(JsonObject sample)
        {
            var json = sample.ToJsonString();
            var first = sample.First().Key;
            yield return Encoding.UTF8.GetBytes($"{{\"{first}\": 1, {json[1..]}");
            yield return Encoding.UTF8.GetBytes($"{json[..^1]}, \"{first}\": {sample[first]!.ToJsonString()}}}");
            yield return Encoding.UTF8.GetBytes($"[{json}, {{\"a\": 1, \"a\": 2}}]");
            yield return Encoding.UTF8.GetBytes($"{json[..^1]}, \"deep\": {string.Concat(Enumerable.Repeat("{\"a\":", 100))}1{new string('}', 100)}}}");
            foreach (var text in BadText)
            {
                yield return Splice(sample, "name", text);
                yield return Splice(sample, "message", text);
            }
            yield return Splice(sample, "nosuchfield", "\"\\ud800\""u8.ToArray());
        }

        /// <summary>The sample with a fresh unique name (and host name for retention): a mutated copy must not clash.</summary>
        private static JsonObject Fresh(JsonObject sample, ResourceSchema schema)
        {
            var copy = sample.DeepClone().AsObject();
            var unique = $"walk-{Guid.NewGuid():N}"[..20];
            if (schema.Field("name") is not null && copy.ContainsKey("name")) copy["name"] = unique;
            if (schema.Name == "alignakretention") copy["host"] = unique;
            return copy;
        }

        /// <summary>The document as JSON with <paramref name="field"/> set to raw bytes (which may be no valid JSON or UTF-8).</summary>
        private static byte[] Splice(JsonObject document, string field, byte[] raw)
        {
            var copy = document.DeepClone().AsObject();
            copy[field] = Placeholder;
            var json = Encoding.UTF8.GetBytes(copy.ToJsonString());
            var marker = Encoding.UTF8.GetBytes($"\"{Placeholder}\"");
            var at = json.AsSpan().IndexOf(marker);
            return Concat(json[..at], raw, json[(at + marker.Length)..]);
        }

        private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

        private static int ClosedPort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private async Task<JsonNode?> Get(string path)
        {
            var (status, body) = await Send("GET", path, null, null, null, null);
            Assert.True(status == HttpStatusCode.OK, $"GET {path}: {status} {body}");
            return JsonNode.Parse(body);
        }

        private static void Count(Dictionary<string, long> counts, string resource, long n) =>
            counts[resource] = counts.GetValueOrDefault(resource) + n;

        /// <summary>Sends one request and records what is wrong with its answer.</summary>
        private async Task Expect(string method, string path, byte[]? body = null, string? contentType = "application/json",
            string? ifMatch = null, string? created = null, Action<string>? onUpdated = null,
            (string, string)[]? headers = null, string? authorization = null)
        {
            var what = $"{method} {path[..Math.Min(path.Length, 120)]} {Show(body)}";
            HttpStatusCode status;
            string text;
            string? type;
            var started = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                (status, text, type) = await SendRaw(method, path, body, contentType, ifMatch, headers, authorization);
            }
            catch (TaskCanceledException)
            {
                Failures.Add($"{what}: no answer within {AnswerLimit.TotalSeconds} s");
                return;
            }
            catch (HttpRequestException e)
            {
                Failures.Add($"{what}: connection dropped ({e.Message})");
                return;
            }
            if (started.Elapsed > AnswerLimit) Failures.Add($"{what}: answered in {started.Elapsed.TotalSeconds:F1} s");
            var code = (int)status;
            if (code is >= 200 and < 300)
            {
                if (method is "POST" or "PUT" && created is not null && code == 201)
                {
                    var answer = JsonNode.Parse(text)!;
                    var n = answer["_items"] is JsonArray items ? items.Count : 1;
                    Count(Created, created, n);
                    if (created == "checkresult") Count(Created, "logcheckresult", n);
                }
                if (method == "DELETE" && code == 204) Count(Deleted, path.Split('/')[1], 1);
                if (method == "PATCH" && code == 200 && onUpdated is not null) onUpdated((string)JsonNode.Parse(text)!["_etag"]!);
                return;
            }
            if (code is < 400 or >= 500 && !(code == 304 && method == "GET"))
            {
                Failures.Add($"{what}: {code} {Clip(text)}");
                return;
            }
            if (code == 304) return;
            if (!Enveloped(code, text, type)) Failures.Add($"{what}: {code} not in the Eve envelope ({type}): {Clip(text)}");
        }

        /// <summary>
        /// The Eve error envelope: <c>{"_status": "ERR", "_error": {"code", "message"}}</c>; a refused write's 422 has
        /// <c>_issues</c> (a PATCH's without <c>_error</c>, as the original); hook refusals are plain 412 text.
        /// </summary>
        private static bool Enveloped(int code, string text, string? type)
        {
            if (type == "text/html" && code == 412 && text.Length > 0) return true;
            if (type != "application/json") return false;
            JsonNode? body;
            try { body = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException) { return false; }
            if (body is not JsonObject envelope || (string?)envelope["_status"] != "ERR") return false;
            if (code == 422 && envelope["_issues"] is JsonObject or JsonArray && envelope["_error"] is null) return true;
            if (code == 422 && envelope["_items"] is JsonArray && envelope["_error"] is null) return false;
            return envelope["_error"] is JsonObject error && (int?)error["code"] == code && error["message"] is JsonValue message
                && message.TryGetValue<string>(out _);
        }

        private async Task<(HttpStatusCode, string)> Send(string method, string path, byte[]? body, string? contentType, string? ifMatch,
            (string, string)[]? headers)
        {
            var (status, text, _) = await SendRaw(method, path, body, contentType, ifMatch, headers, null);
            return (status, text);
        }

        private async Task<(HttpStatusCode, string, string?)> SendRaw(string method, string path, byte[]? body, string? contentType,
            string? ifMatch, (string, string)[]? headers, string? authorization)
        {
            Requests++;
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
            if (authorization is { Length: > 0 }) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var timeout = new CancellationTokenSource(AnswerLimit + TimeSpan.FromSeconds(1));
            using var response = await (authorization is null ? Http : Anonymous).SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return (response.StatusCode, text, response.Content.Headers.ContentType?.MediaType);
        }

        private static string Show(byte[]? body)
        {
            if (body is null) return "";
            var shown = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 100)));
            return body.Length > 100 ? shown + $"...({body.Length} bytes)" : shown;
        }

        private static string Clip(string text) => text[..Math.Min(text.Length, 300)];
    }
}

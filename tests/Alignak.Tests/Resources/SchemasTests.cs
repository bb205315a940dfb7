using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Resources;

public class SchemasTests
{
    private static readonly string[] InternalResources = ["alignak_notifications", "livesynthesisretention", "timeseriesretention"];

    [Fact]
    public void Every_schema_file_loads()
    {
        Assert.Equal(30, Schemas.All.Count);
        foreach (var (name, schema) in Schemas.All)
        {
            Assert.Equal(name, schema.Name);
            Assert.NotEmpty(schema.Fields);
            Assert.False(string.IsNullOrEmpty(schema.ItemTitle));
            foreach (var field in schema.Fields.Values)
            {
                Assert.Contains(field.Type, new[] { "string", "integer", "float", "boolean", "objectid", "list", "dict", "point" });
                if (field.RelationTarget is { } target)
                    Assert.NotNull(Schemas.Find(target));
            }
        }
    }

    [Fact]
    public void Routable_resources_exclude_the_internal_ones()
    {
        Assert.Equal(27, Schemas.Routable.Count);
        var internals = Schemas.All.Values.Where(s => s.Internal).Select(s => s.Name).Order().ToArray();
        Assert.Equal(InternalResources, internals);
        Assert.All(Schemas.Routable, s => Assert.NotEmpty(s.ResourceMethods));
        Assert.All(internals, n => Assert.Empty(Schemas.Find(n)!.ItemMethods));
    }

    [Fact]
    public void Resource_names_are_the_schemas_names()
    {
        var constants = typeof(ResourceNames).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);
        Assert.Equal(Schemas.All.Keys.Order(StringComparer.Ordinal), constants);
    }

    [Fact]
    public void Find_returns_null_for_unknown_resources()
    {
        Assert.Null(Schemas.Find("nope"));
        Assert.Same(Schemas.All["host"], Schemas.Find("host"));
    }

    [Fact]
    public void Host_schema_keeps_declaration_order_and_rules()
    {
        var host = Schemas.Find("host")!;
        Assert.Equal("Host", host.ItemTitle);
        Assert.Equal("schema_version", host.Fields.Keys.First());
        var name = host.Fields["name"];
        Assert.True(name.Required);
        Assert.True(name.Unique);
        Assert.False(name.Empty);
        Assert.Equal(["check_command"], name.Dependencies);
        Assert.Equal("^[^`~!$%^&*\"|'<>?,()=]+$", name.Regex);
        Assert.Equal("command", host.Fields["check_command"].Relation);
        Assert.True(host.Fields["check_command"].Nullable);
        var parents = host.Fields["parents"];
        Assert.True(parents.IsRelationList);
        Assert.Equal("host", parents.RelationTarget);
        Assert.Contains(host.Relations, f => f.Name == "_realm");
        Assert.Equal("Livesynthesi", Schemas.Find("livesynthesis")!.ItemTitle);
        Assert.False(Schemas.Find("livesynthesisretention")!.Fields["livesynthesis"].Embeddable);
        Assert.True(Schemas.Find("alignak")!.AllowUnknown);
        Assert.Equal("_user", Schemas.Find("alignakretention")!.AuthField);
        Assert.Contains("PUT", Schemas.Find("alignakretention")!.ItemMethods);
        Assert.Equal([new IndexKey("_realm", 1), new IndexKey("_is_template", 1)], host.Indexes["index_realm"]);
    }

    [Fact]
    public void Default_is_a_fresh_copy()
    {
        var location = Schemas.Find("host")!.Fields["location"];
        var a = location.Default!;
        var b = location.Default!;
        Assert.NotSame(a, b);
        new JsonObject { ["x"] = a }; // attaching one copy must not break the other
        Assert.True(JsonNode.DeepEquals(a, b));
    }

    [Fact]
    public void Every_regex_compiles_and_behaves_as_python()
    {
        var withRegex = Schemas.All.Values
            .SelectMany(s => s.Fields.Values.Where(f => f.Regex is not null).Select(f => (Schema: s, Field: f)))
            .ToArray();
        Assert.Equal(9, withRegex.Length);
        foreach (var (schema, field) in withRegex)
            Assert.Null(Issue(schema, field.Name, "ok-name_1"));
        var host = Schemas.Find("host")!;
        var realm = Schemas.Find("realm")!;
        Assert.NotNull(Issue(host, "name", "bad(name"));
        Assert.NotNull(Issue(host, "name", "a=b"));
        Assert.Null(Issue(host, "name", "srv-01 été"));
        Assert.Null(Issue(realm, "name", "All - sub_1"));
        Assert.NotNull(Issue(realm, "name", "été"));
        Assert.NotNull(Issue(realm, "name", "a.b"));
        Assert.Null(Issue(realm, "name", "abc\n")); // Python's $ also matches before a final newline
        Assert.NotNull(Issue(realm, "name", "abc\nd"));
    }

    private static JsonNode? Issue(ResourceSchema schema, string field, string value)
    {
        var doc = new JsonObject { [field] = value };
        var merged = (JsonObject)doc.DeepClone();
        foreach (var dependency in schema.Fields[field].Dependencies) merged[dependency] = null;
        return DocumentValidator.ValidateUpdate(schema, doc, merged, "000000000000000000000000", new FakeLookup())?[field];
    }
}

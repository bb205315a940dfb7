using System.Text.Json.Nodes;
using Alignak.Actors.Resources;

namespace Alignak.Tests.Resources;

public class DocumentValidatorTests
{
    private const string Realm = "5a0000000000000000000001";
    private const string Command = "5a0000000000000000000002";
    private const string Timeperiod = "5a0000000000000000000003";
    private const string User = "5a0000000000000000000004";
    private const string Missing = "5a00000000000000000000ff";

    private static readonly ResourceSchema Host = Schemas.Find("host")!;

    private static FakeLookup Lookup() => new FakeLookup()
        .With("realm", Realm, new JsonObject { ["name"] = "All" })
        .With("command", Command, new JsonObject { ["name"] = "check_ping" })
        .With("timeperiod", Timeperiod)
        .With("user", User)
        .With("host", "5a0000000000000000000010", new JsonObject { ["name"] = "taken" });

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject ValidHost() => new()
    {
        ["name"] = "srv01",
        ["check_command"] = Command,
        ["_realm"] = Realm,
    };

    private static void AssertIssues(string expected, JsonObject? actual)
    {
        Assert.NotNull(actual);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual.ToJsonString()}");
    }

    private static JsonObject? Insert(ResourceSchema schema, JsonObject doc) => DocumentValidator.ValidateInsert(schema, doc, Lookup());

    private static JsonObject? HostWith(string field, JsonNode? value)
    {
        var doc = ValidHost();
        doc[field] = value;
        return Insert(Host, doc);
    }

    [Fact]
    public void Valid_host_has_no_issues() => Assert.Null(Insert(Host, ValidHost()));

    [Fact]
    public void Unknown_fields_are_refused_unless_the_resource_allows_them()
    {
        var doc = ValidHost();
        doc["alias2"] = "x";
        AssertIssues("""{"alias2": "unknown field"}""", Insert(Host, doc));

        var alignak = Obj($$$"""{"name": "arbiter", "_realm": "{{{Realm}}}", "whatever": {"a": 1}}""");
        Assert.Null(Insert(Schemas.Find("alignak")!, alignak));
    }

    [Fact]
    public void Meta_fields_other_than_id_are_unknown_and_id_must_be_an_objectid()
    {
        var doc = ValidHost();
        doc["_id"] = "5a00000000000000000000aa";
        Assert.Null(Insert(Host, doc));

        doc["_id"] = "nope";
        doc["_created"] = "Tue, 25 Aug 2015 14:10:02 GMT";
        doc["_etag"] = "abc";
        AssertIssues("""
            {"_id": "value 'nope' cannot be converted to a ObjectId",
             "_created": "unknown field", "_etag": "unknown field"}
            """, Insert(Host, doc));
    }

    [Fact]
    public void Required_fields_are_reported()
    {
        AssertIssues("""{"name": "required field", "_realm": "required field"}""",
            Insert(Schemas.Find("command")!, new JsonObject()));
    }

    [Fact]
    public void A_required_field_with_missing_dependencies_is_not_reported_as_required()
    {
        // Cerberus 0.9: host.name depends on check_command, so without it a missing name is not "required".
        AssertIssues("""{"_realm": "required field"}""", Insert(Host, new JsonObject()));
        AssertIssues("""{"name": "required field", "_realm": "required field"}""",
            Insert(Host, new JsonObject { ["check_command"] = null }));
    }

    [Fact]
    public void Dependencies_are_reported_per_missing_field()
    {
        var service = Schemas.Find("service")!;
        AssertIssues("""{"name": ["field 'host' is required", "field 'check_command' is required"]}""",
            Insert(service, new JsonObject { ["name"] = "svc", ["_realm"] = Realm }));
    }

    [Fact]
    public void Type_messages()
    {
        AssertIssues("""{"alias": "must be of string type"}""", HostWith("alias", 12));
        AssertIssues("""{"definition_order": "must be of integer type"}""", HostWith("definition_order", "12"));
        AssertIssues("""{"definition_order": "must be of integer type"}""", HostWith("definition_order", JsonNode.Parse("1.5")));
        AssertIssues("""{"definition_order": "must be of integer type"}""", HostWith("definition_order", JsonNode.Parse("1.0")));
        Assert.Null(HostWith("definition_order", true)); // Python bools are ints
        Assert.Null(HostWith("ls_latency", 3));           // float accepts ints
        Assert.Null(HostWith("ls_latency", JsonNode.Parse("0.25")));
        AssertIssues("""{"ls_latency": "must be of float type"}""", HostWith("ls_latency", "0.25"));
        AssertIssues("""{"active_checks_enabled": "must be of boolean type"}""", HostWith("active_checks_enabled", 1));
        AssertIssues("""{"customs": "must be of dict type"}""", HostWith("customs", new JsonArray()));
        AssertIssues("""{"tags": "must be of list type"}""", HostWith("tags", "a,b"));
        AssertIssues("""{"check_command": "value 'abc' cannot be converted to a ObjectId"}""", HostWith("check_command", "abc"));
        AssertIssues("""{"check_command": "value '12' cannot be converted to a ObjectId"}""", HostWith("check_command", 12));
    }

    [Fact]
    public void Point_type()
    {
        Assert.Null(HostWith("location", Obj("""{"type": "Point", "coordinates": [1.5, 2]}""")));
        AssertIssues("""{"location": "Point not correct {'type': 'Point'}: Not compilant to GeoJSON"}""",
            HostWith("location", Obj("""{"type": "Point"}""")));
        AssertIssues("""{"location": "Point not correct {'type': 'Line', 'coordinates': [1, 2]}: Geometry not compilant to GeoJSON"}""",
            HostWith("location", Obj("""{"type": "Line", "coordinates": [1, 2]}""")));
        AssertIssues("""{"location": "Point not correct {'type': 'Point', 'coordinates': ['a']}: "}""",
            HostWith("location", Obj("""{"type": "Point", "coordinates": ["a"]}""")));
    }

    [Fact]
    public void Null_values()
    {
        Assert.Null(HostWith("check_command", null)); // nullable
        AssertIssues("""{"alias": ["null value not allowed", "must be of string type"]}""", HostWith("alias", null));
        AssertIssues("""{"_realm": ["null value not allowed", "value 'None' cannot be converted to a ObjectId"]}""",
            HostWith("_realm", null));
    }

    [Fact]
    public void Allowed_values()
    {
        AssertIssues("""{"ls_state": "unallowed value UPP"}""", HostWith("ls_state", "UPP"));
        AssertIssues("""{"business_impact": "unallowed value 7"}""", HostWith("business_impact", 7));
        AssertIssues("""{"notification_options": "unallowed values ['z', 'q']"}""",
            HostWith("notification_options", new JsonArray("d", "z", "q", "z")));
        Assert.Null(HostWith("notification_options", new JsonArray("d", "n")));
    }

    [Fact]
    public void Several_messages_for_one_field_form_a_list_in_declaration_order()
    {
        AssertIssues("""{"initial_state": ["unallowed value xx", "max length is 1"]}""", HostWith("initial_state", "xx"));
        AssertIssues("""{"initial_state": ["unallowed value ", "min length is 1"]}""", HostWith("initial_state", ""));
    }

    [Fact]
    public void Min_max_empty_and_regex()
    {
        var realm = Schemas.Find("realm")!;
        AssertIssues("""{"hosts_warning_threshold": "max value is 100"}""",
            Insert(realm, new JsonObject { ["name"] = "r", ["hosts_warning_threshold"] = 101 }));
        AssertIssues("""{"hosts_warning_threshold": "min value is 0"}""",
            Insert(realm, new JsonObject { ["name"] = "r", ["hosts_warning_threshold"] = -1 }));
        AssertIssues("""{"name": ["empty values not allowed", "value does not match regex '^[a-zA-Z0-9 \\-_]+$'"]}""",
            Insert(realm, new JsonObject { ["name"] = "" }));
        AssertIssues("""{"name": "value does not match regex '^[^`~!$%^&*\"|'<>?,()=]+$'"}""", HostWith("name", "a|b"));
    }

    [Fact]
    public void Relations_must_exist()
    {
        AssertIssues($$"""{"check_command": "value '{{Missing}}' must exist in resource 'command', field '_id'."}""",
            HostWith("check_command", Missing));
        // ids are compared as ObjectIds: upper-case hex is the same id
        Assert.Null(HostWith("check_command", Command.ToUpperInvariant()));
    }

    [Fact]
    public void Lists_of_relations_are_checked_element_wise_and_keyed_by_index()
    {
        AssertIssues($$$"""
            {"users": {"1": "value '{{{Missing}}}' must exist in resource 'user', field '_id'.",
                       "2": "value 'x' cannot be converted to a ObjectId",
                       "3": ["null value not allowed", "value 'None' cannot be converted to a ObjectId"]}}
            """, HostWith("users", new JsonArray(User, Missing, "x", null)));
        AssertIssues("""{"tags": {"0": "must be of string type"}}""", HostWith("tags", new JsonArray(1, "ok")));
    }

    [Fact]
    public void Unique_values()
    {
        AssertIssues("""{"name": "value 'taken' is not unique"}""", HostWith("name", "taken"));
        var changes = new JsonObject { ["name"] = "taken" };
        var merged = ValidHost();
        merged["name"] = "taken";
        // updating the document that holds the value is fine, another one is not
        Assert.Null(DocumentValidator.ValidateUpdate(Host, changes, merged, "5a0000000000000000000010", Lookup()));
        AssertIssues("""{"name": "value 'taken' is not unique"}""",
            DocumentValidator.ValidateUpdate(Host, changes, merged, "5a0000000000000000000011", Lookup()));
    }

    [Fact]
    public void Update_mode_skips_required_and_checks_dependencies_against_the_merged_document()
    {
        var changes = new JsonObject { ["name"] = "renamed" };
        Assert.Null(DocumentValidator.ValidateUpdate(Host, changes, ValidHost(), "5a0000000000000000000020", Lookup()));
        var mergedWithoutCommand = ValidHost();
        mergedWithoutCommand.Remove("check_command");
        AssertIssues("""{"name": "field 'check_command' is required"}""",
            DocumentValidator.ValidateUpdate(Host, changes, mergedWithoutCommand, "5a0000000000000000000020", Lookup()));
        AssertIssues("""{"alias2": "unknown field"}""",
            DocumentValidator.ValidateUpdate(Schemas.Find("realm")!, new JsonObject { ["alias2"] = 1 }, new JsonObject(), Realm, Lookup()));
    }

    [Fact]
    public void Unhashable_list_items_in_an_allowed_list_surface_as_an_exception_issue()
    {
        AssertIssues("""{"exception": "unhashable type: 'dict'"}""",
            HostWith("notification_options", new JsonArray(new JsonObject())));
    }

    [Fact]
    public void Defaults_are_materialised_for_a_host_insert()
    {
        var doc = ValidHost();
        doc["alias"] = "mine";
        doc["location"] = Obj("""{"type": "Point"}""");
        DocumentValidator.ApplyDefaults(Host, doc);

        Assert.Equal("srv01", (string?)doc["name"]);
        Assert.Equal("mine", (string?)doc["alias"]);
        Assert.Equal(3, (int?)doc["schema_version"]);
        Assert.Equal("unknown", (string?)doc["imported_from"]);
        Assert.Equal(2, (int?)doc["business_impact"]);
        Assert.Equal("x", (string?)doc["initial_state"]);
        Assert.Equal("0.0", doc["ls_latency"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["d", "x", "r", "f", "s"]"""), doc["notification_options"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject(), doc["customs"]));
        Assert.True(JsonNode.DeepEquals(new JsonArray(), doc["tags"]));
        // a default dict fills the missing keys of the sent dict
        Assert.True(JsonNode.DeepEquals(Obj("""{"type": "Point", "coordinates": [48.858293, 2.294601]}"""), doc["location"]));
        // a null default is stored as null; no default means absent
        Assert.True(doc.ContainsKey("event_handler"));
        Assert.Null(doc["event_handler"]);
        Assert.False(doc.ContainsKey("maintenance_period"));
        Assert.False(doc.ContainsKey("_users_read"));
        Assert.Equal(Command, (string?)doc["check_command"]);

        var fresh = ValidHost();
        DocumentValidator.ApplyDefaults(Host, fresh);
        Assert.True(JsonNode.DeepEquals(Obj("""{"type": "Point", "coordinates": [48.858293, 2.294601]}"""), fresh["location"]));
        Assert.Equal(Host.Defaults.Count + 3, fresh.Count); // name, check_command and _realm have no default
    }

    [Fact]
    public void Defaults_do_not_share_nodes_between_documents()
    {
        var a = ValidHost();
        var b = ValidHost();
        DocumentValidator.ApplyDefaults(Host, a);
        DocumentValidator.ApplyDefaults(Host, b);
        a["tags"]!.AsArray().Add("x");
        Assert.Empty(b["tags"]!.AsArray());
    }

    [Fact]
    public void Serialize_lowercases_and_turns_empty_ids_into_null()
    {
        var doc = ValidHost();
        doc["check_command"] = Command.ToUpperInvariant();
        doc["event_handler"] = "";
        doc["users"] = new JsonArray(User.ToUpperInvariant(), "bad");
        DocumentValidator.Serialize(Host, doc);
        Assert.Equal(Command, (string?)doc["check_command"]);
        Assert.Null(doc["event_handler"]);
        Assert.True(JsonNode.DeepEquals(new JsonArray(User, "bad"), doc["users"]));
    }

    [Theory]
    [InlineData("12", 12L)]
    [InlineData(" 7 ", 7L)]
    [InlineData("1.9", null)]
    [InlineData("abc", null)]
    public void Serialize_converts_integer_strings_as_python_int_does(string given, long? expected)
    {
        var doc = ValidHost();
        doc["max_check_attempts"] = given;
        DocumentValidator.Serialize(Host, doc);
        if (expected is { } number) Assert.Equal(number, (long?)doc["max_check_attempts"]);
        else Assert.Equal(given, (string?)doc["max_check_attempts"]);
    }

    [Fact]
    public void Serialize_truncates_floats_and_booleans_in_integer_fields_and_widens_floats()
    {
        var doc = ValidHost();
        doc["max_check_attempts"] = 2.9;
        doc["definition_order"] = true;
        doc["ls_latency"] = "0.5";
        DocumentValidator.Serialize(Host, doc);
        Assert.Equal(2L, (long?)doc["max_check_attempts"]);
        Assert.Equal(1L, (long?)doc["definition_order"]);
        Assert.Equal(0.5, (double?)doc["ls_latency"]);
        Assert.Null(Insert(Host, doc));
    }
}

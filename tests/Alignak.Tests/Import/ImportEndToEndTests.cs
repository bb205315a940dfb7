using System.Text.Json.Nodes;
using Alignak.Tests.Support;

namespace Alignak.Tests.Import;

/// <summary>
/// The import tool against a real backend (in-process Kestrel on 127.0.0.1, SQLite in a temporary folder),
/// checked through REST as any client would.
/// </summary>
public sealed class ImportEndToEndTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private InProcessBackend _backend = null!;
    private EveClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        _backend = await InProcessBackend.StartAsync(_database);
        _admin = await _backend.AdminAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _backend.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<(int Exit, string Output)> Import(params string[] args) => ImportRun.RunAsync(_backend.Address, args);

    private async Task<JsonObject> One(string resource, JsonObject where)
    {
        var items = await _admin.AllAsync(resource, "where=" + Uri.EscapeDataString(where.ToJsonString()));
        return Assert.Single(items);
    }

    private Task<JsonObject> Named(string resource, string name) => One(resource, new JsonObject { ["name"] = name });

    private async Task<string> NameOf(string resource, JsonNode? id) =>
        (string)(await _admin.GetAsync($"/{resource}/{id}")).Body!["name"]!;

    private async Task<List<string>> Names(string resource, JsonNode? ids)
    {
        var names = new List<string>();
        foreach (var id in ids!.AsArray()) names.Add(await NameOf(resource, id));
        return names;
    }

    private async Task<List<string>> ServiceKeys()
    {
        var hosts = (await _admin.AllAsync("host")).ToDictionary(h => (string)h["_id"]!, h => (string)h["name"]!);
        return (await _admin.AllAsync("service", "where=" + Uri.EscapeDataString("{\"_is_template\":false}")))
            .Select(s => hosts[(string)s["host"]!] + "/" + (string)s["name"]!).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => n!.ToJsonString()).ToList();

    [Fact]
    public async Task The_nagios_sample_shaped_configuration_is_imported_with_its_links()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("sample", "nagios.cfg"));
        Assert.True(exit == 0, output);

        // Counts: what the configuration defines plus the backend's defaults.
        Assert.Equal(5, (await _admin.AllAsync("host", "where=" + Uri.EscapeDataString("{\"_is_template\":false}"))).Count);
        Assert.Equal(18, (await ServiceKeys()).Count);
        Assert.Equal(10 + 2, (await _admin.AllAsync("command")).Count);
        Assert.Equal(4 + 2, (await _admin.AllAsync("timeperiod")).Count); // the sample's 24x7 is the backend's own

        // $USER1$ stays a macro in command lines.
        Assert.StartsWith("$USER1$/check_ping", (string)(await Named("command", "check_ping"))["command_line"]!);

        // Template relations: a host on a two-level template chain.
        var web1 = await Named("host", "web1");
        Assert.Equal(["linux-server"], await Names("host", web1["_templates"]));
        var linux = await Named("host", "linux-server");
        Assert.True((bool)linux["_is_template"]!);
        Assert.Equal(["generic-host"], await Names("host", linux["_templates"]));
        Assert.Equal(5, (int)web1["check_interval"]!);
        Assert.Equal(10, (int)web1["max_check_attempts"]!);
        Assert.True((bool)web1["flap_detection_enabled"]!); // from generic-host, two levels up
        Assert.Equal("workhours", await NameOf("timeperiod", web1["notification_period"]));
        Assert.Equal("check-host-alive", await NameOf("command", web1["check_command"]));
        Assert.Equal(["localhost"], await Names("host", web1["parents"]));
        Assert.Equal("debian", (string)web1["customs"]!["_OSTYPE"]!);
        Assert.Equal(["admins"], await Names("usergroup", web1["usergroups"]));

        // Services: arguments, templates, the hostgroup ones on every member.
        var ping = await One("service", new JsonObject { ["name"] = "PING", ["host"] = (string)(await Named("host", "localhost"))["_id"]! });
        Assert.Equal("100.0,20%!500.0,60%", (string)ping["check_command_args"]!);
        Assert.Equal(["local-service"], await Names("service", ping["_templates"]));
        Assert.Equal(4, (int)ping["max_check_attempts"]!);
        var keys = await ServiceKeys();
        Assert.Equal(["localhost/SSH", "web1/SSH", "web2/SSH"], keys.Where(k => k.EndsWith("/SSH")));
        Assert.Equal(["winserver/CPU Load", "winserver2/CPU Load"], keys.Where(k => k.EndsWith("/CPU Load")));

        // Groups, members from either side (windows hosts name their group through their template).
        Assert.Equal(["winserver", "winserver2"], (await Names("host", (await Named("hostgroup", "windows-servers"))["hosts"])).Order());
        Assert.Equal(["localhost", "web1", "web2"], (await Names("host", (await Named("hostgroup", "linux-servers"))["hosts"])).Order());
        Assert.Equal(2, (await Named("servicegroup", "web-checks"))["services"]!.AsArray().Count);
        Assert.Equal(["nagiosadmin", "operator"], (await Names("user", (await Named("usergroup", "admins"))["users"])).Order());

        // Users: templates, rights, commands.
        var admin = await Named("user", "nagiosadmin");
        Assert.Equal(["generic-contact"], await Names("user", admin["_templates"]));
        Assert.True((bool)admin["is_admin"]!);
        Assert.False((bool)admin["back_role_super_admin"]!);
        Assert.Equal(["notify-host-by-email"], await Names("command", admin["host_notification_commands"]));

        // Timeperiods: ranges, holiday exceptions whole and inherited through use, exclusions by name.
        var workhours = await Named("timeperiod", "workhours");
        Assert.Equal("""[{"monday":"09:00-17:00"},{"tuesday":"09:00-17:00"},{"wednesday":"09:00-17:00"},{"thursday":"09:00-17:00"},{"friday":"09:00-12:00,14:00-16:00"}]""",
            workhours["dateranges"]!.ToJsonString());
        var sansHolidays = Strings((await Named("timeperiod", "24x7_sans_holidays"))["dateranges"]);
        Assert.Contains("""{"thursday 4 november":"00:00-00:00"}""", sansHolidays);
        Assert.Contains("""{"monday -1 may":"00:00-00:00"}""", sansHolidays);
        Assert.Contains("""{"monday":"00:00-24:00"}""", sansHolidays);
        Assert.Equal(13, sansHolidays.Count);
        Assert.Equal("""["us-holidays"]""", (await Named("timeperiod", "nonworkhours"))["exclude"]!.ToJsonString());
    }

    private async Task<List<string>> Content()
    {
        var content = new List<string>();
        foreach (var resource in new[] { "command", "timeperiod", "user", "usergroup", "host", "hostgroup", "servicegroup" })
            content.AddRange((await _admin.AllAsync(resource)).Select(d => resource + ":" + (string)d["name"]!));
        content.AddRange(await ServiceKeys());
        return content.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Importing_again_with_delete_gives_the_same_content_and_duplicate_mode_adds_only_what_is_missing()
    {
        var config = ImportRun.Config("sample", "nagios.cfg");
        Assert.Equal(0, (await Import("-d", config)).Exit);
        var first = await Content();
        var (again, output) = await Import("-d", config);
        Assert.True(again == 0, output);
        Assert.Equal(first, await Content());

        // Without -d nor -i every existing object is a refused write, reported one by one; nothing is doubled.
        var (plain, plainOutput) = await Import(config);
        Assert.True(plain == 5, plainOutput);
        Assert.Contains("host 'web1': refused by the backend (422)", plainOutput);
        Assert.Contains("service 'web1/SSH': POST refused by the backend (412): Adding a service with the same name", plainOutput);
        Assert.Equal(first, await Content());

        // -i: one host deleted by hand comes back, nothing else is written twice.
        var winserver2 = await Named("host", "winserver2");
        foreach (var service in await _admin.AllAsync("service", "where=" + Uri.EscapeDataString(new JsonObject { ["host"] = (string)winserver2["_id"]! }.ToJsonString())))
            await _admin.DeleteAsync($"/service/{service["_id"]}", (string)service["_etag"]!);
        await _admin.DeleteAsync($"/host/{winserver2["_id"]}", (string)winserver2["_etag"]!);
        Assert.DoesNotContain("host:winserver2", await Content());
        var (duplicate, duplicateOutput) = await Import("-i", config);
        Assert.True(duplicate == 0, duplicateOutput);
        Assert.Equal(first, await Content());
        Assert.Matches(@"│ host\s+│ 5\s+│ 1\s+│ 0\s+│ 4\s+│ 0\s+│", duplicateOutput);
    }

    [Fact]
    public async Task A_dry_run_reports_what_it_would_do_and_writes_nothing()
    {
        var config = ImportRun.Config("sample", "nagios.cfg");
        Assert.Equal(0, (await Import(config)).Exit);
        var before = await Content();
        var (exit, output) = await Import("-d", "-c", ImportRun.Config("shinken", "alignak.cfg"));
        Assert.True(exit == 0, output);
        Assert.Equal(before, await Content());
        Assert.Contains("would delete host: ", output);
        Assert.Matches(@"│ host\s+│ 13\s+│ 13\s+│", output); // to create
    }

    [Fact]
    public async Task Update_mode_changes_what_exists_and_creates_nothing()
    {
        Assert.Equal(0, (await Import("-d", ImportRun.Config("update", "v1.cfg"))).Exit);
        var (exit, output) = await Import("-e", ImportRun.Config("update", "v2.cfg"));
        Assert.True(exit == 0, output);
        Assert.Equal("""[{"monday":"09:00-17:00"},{"december 25":"00:00-00:00"}]""", (await Named("timeperiod", "workhours"))["dateranges"]!.ToJsonString());
        Assert.Equal("second version", (string)(await Named("host", "h1"))["notes"]!);
        Assert.Empty(await _admin.AllAsync("host", "where=" + Uri.EscapeDataString("{\"name\":\"h2\"}")));
        Assert.Contains("'h2' is not in the backend", (await Import("-v", "-e", ImportRun.Config("update", "v2.cfg"))).Output);
    }

    [Fact]
    public async Task Services_of_host_templates_are_created_once_and_marked_as_coming_from_the_template()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("host-templates", "services.cfg"));
        Assert.True(exit == 0, output);
        Assert.Equal(["d1/Disk /", "d1/Disk /var", "d1/SSH", "l1/SSH"], await ServiceKeys());
        var sshTemplate = await One("service", new JsonObject { ["name"] = "SSH", ["_is_template"] = true });
        Assert.Equal("linux", await NameOf("host", sshTemplate["host"]));
        var d1 = (string)(await Named("host", "d1"))["_id"]!;
        var ssh = await One("service", new JsonObject { ["name"] = "SSH", ["host"] = d1 });
        Assert.True((bool)ssh["_templates_from_host_template"]!);
        Assert.Equal([(string)sshTemplate["_id"]!], ssh["_templates"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("check_ssh", await NameOf("command", ssh["check_command"]));
        var disk = await One("service", new JsonObject { ["name"] = "Disk /", ["host"] = d1 });
        Assert.Equal("80%!/", (string)disk["check_command_args"]!);
        Assert.Equal(3, (int)(await Named("host", "d1"))["check_interval"]!);
        Assert.Equal(["Disk _KEY_"], await Names("service", disk["_templates"])); // the template, named after its description ($ is refused)

        Assert.Equal("_dummy", await NameOf("host", (await One("service", new JsonObject { ["name"] = "Disk _KEY_", ["_is_template"] = true }))["host"]));

        // -i again, with one host deleted by hand: it comes back with its services, none twice, none literal.
        var before = await ServiceKeys();
        foreach (var service in await _admin.AllAsync("service", "where=" + Uri.EscapeDataString(new JsonObject { ["host"] = d1 }.ToJsonString())))
            await _admin.DeleteAsync($"/service/{service["_id"]}", (string)service["_etag"]!);
        var host = await Named("host", "d1");
        await _admin.DeleteAsync($"/host/{d1}", (string)host["_etag"]!);
        var (again, againOutput) = await Import("-i", ImportRun.Config("host-templates", "services.cfg"));
        Assert.True(again == 0, againOutput);
        Assert.Equal(before, await ServiceKeys());

        // The backend's own hook still works after the import: a new host on the template gets its services.
        var debian = await Named("host", "debian");
        var (status, _) = await _admin.PostAsync("/host", new JsonObject { ["name"] = "d3", ["_templates"] = new JsonArray((string)debian["_id"]!) });
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        Assert.Contains("d3/SSH", await ServiceKeys());
    }

    [Fact]
    public async Task Realms_are_imported_as_a_tree_and_hosts_and_groups_go_into_theirs()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("realms", "realms.cfg"));
        Assert.True(exit == 0, output);
        var france = await Named("realm", "France");
        Assert.Equal("Europe", await NameOf("realm", france["_parent"]));
        Assert.Equal(["All", "World", "Europe"], await Names("realm", france["_tree_parents"]));
        Assert.Equal("World", await NameOf("realm", (await Named("realm", "Asia"))["_parent"]));
        Assert.Equal("All", await NameOf("realm", (await Named("realm", "World"))["_parent"]));
        Assert.Equal("France", await NameOf("realm", (await Named("host", "paris"))["_realm"]));
        Assert.Equal("Asia", await NameOf("realm", (await Named("host", "tokyo"))["_realm"]));
        Assert.Equal("France", await NameOf("realm", (await Named("hostgroup", "french"))["_realm"]));
        Assert.Equal("France", await NameOf("realm", (await Named("service", "ping"))["_realm"])); // its host's realm
    }

    [Fact]
    public async Task The_shinken_dialect_generators_implicit_groups_and_expressions_are_imported()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("shinken", "alignak.cfg"));
        Assert.True(exit == 0, output);
        var hosts = (await _admin.AllAsync("host", "where=" + Uri.EscapeDataString("{\"_is_template\":false}"))).Select(h => (string)h["name"]!).ToList();
        Assert.Equal(13, hosts.Count);
        Assert.Contains("node-01", hosts);
        Assert.Contains("node-12", hosts);
        Assert.Equal(12, (await Named("hostgroup", "nodes"))["hosts"]!.AsArray().Count); // exists only because its members name it
        Assert.Equal(13, (await Named("hostgroup", "everything"))["hosts"]!.AsArray().Count);
        var keys = await ServiceKeys();
        Assert.Equal(13, keys.Count(k => k.EndsWith("/alive")));
        Assert.Equal(12, keys.Count(k => k.EndsWith("/only-nodes")));
        Assert.DoesNotContain("gateway/only-nodes", keys);
        // Nested groups: the tree on both sides.
        var infrastructure = await Named("hostgroup", "infrastructure");
        Assert.Equal(["network", "nodes"], (await Names("hostgroup", infrastructure["hostgroups"])).Order());
        Assert.Equal("infrastructure", await NameOf("hostgroup", (await Named("hostgroup", "nodes"))["_parent"]));
        Assert.Equal("All", await NameOf("hostgroup", infrastructure["_parent"]));
    }

    [Fact]
    public async Task Dependencies_escalations_and_self_links_are_resolved()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("dependencies", "deps.cfg"));
        Assert.True(exit == 0, output);
        var server = await Named("host", "server");
        Assert.Equal(["router"], await Names("host", server["parents"]));
        var dependency = await Named("hostdependency", "router -> server");
        Assert.Equal(["router"], await Names("host", dependency["hosts"]));
        Assert.Equal(["server"], await Names("host", dependency["dependent_hosts"]));
        Assert.Equal("""["d","x"]""", dependency["notification_failure_criteria"]!.ToJsonString());
        Assert.Equal("24x7", await NameOf("timeperiod", dependency["dependency_period"]));
        var serviceDependency = await Named("servicedependency", "server/db -> server/http");
        Assert.Equal(["db"], await Names("service", serviceDependency["services"]));
        Assert.Equal(["http"], await Names("service", serviceDependency["dependent_services"]));
        var db = await One("service", new JsonObject { ["name"] = "db", ["host"] = (string)server["_id"]! });
        Assert.Equal(["http"], await Names("service", db["service_dependencies"]));
        var escalation = await Named("hostescalation", "he_server");
        Assert.Equal(["ops"], await Names("user", escalation["users"]));
        Assert.Equal(2, (int)escalation["first_notification"]!);
        Assert.Equal("""["d","x","r"]""", escalation["escalation_options"]!.ToJsonString());
        var serviceEscalation = await Named("serviceescalation", "se_server_*");
        Assert.Equal(["db", "http"], (await Names("service", serviceEscalation["services"])).Order());

        // Nested user and service groups.
        var staff = await Named("usergroup", "staff");
        Assert.Equal(["developers"], await Names("usergroup", staff["usergroups"]));
        Assert.Equal(["ops"], await Names("user", staff["users"]));
        var developers = await Named("usergroup", "developers");
        Assert.Equal("staff", await NameOf("usergroup", developers["_parent"]));
        Assert.Equal(["dev"], await Names("user", developers["users"]));
        var everything = await Named("servicegroup", "everything");
        Assert.Equal(["web"], await Names("servicegroup", everything["servicegroups"]));
        Assert.Equal("everything", await NameOf("servicegroup", (await Named("servicegroup", "web"))["_parent"]));
    }

    [Fact]
    public async Task Multiple_templates_keep_their_order_and_the_first_one_wins_in_the_backend_too()
    {
        var (exit, output) = await Import("-d", ImportRun.Config("templates", "multiple.cfg"));
        Assert.True(exit == 0, output);
        var srv = await Named("host", "srv");
        Assert.Equal(["template01", "template03"], await Names("host", srv["_templates"]));
        Assert.Equal(1, (int)srv["check_interval"]!); // template01's, written on the host
        Assert.Equal(7, (int)srv["retry_interval"]!); // template03's, copied by the backend
        Assert.Equal("a!b", (string)srv["check_command_args"]!);
        Assert.Equal("from template01", (string)srv["notes"]!);
        var inherited = srv["_template_fields"]!.AsArray().Select(f => (string)f!).ToList();
        Assert.Contains("retry_interval", inherited); // a later edit of template03 still reaches it
        Assert.DoesNotContain("check_interval", inherited);
        Assert.Equal("[45.1,5.7]", srv["location"]!["coordinates"]!.ToJsonString());
        Assert.Equal("", (string)(await Named("host", "quiet"))["notes"]!); // null: empty, not the template's
    }

    [Theory]
    [InlineData("missing-brace.cfg", 3, "missing-brace.cfg:1: define host is not closed")]
    [InlineData("unknown-template.cfg", 4, "unknown-template.cfg:3: host uses unknown template 'no-such-template'")]
    [InlineData("unknown-host.cfg", 4, "unknown-host.cfg:6: service 'ping': unknown host 'ghost'")]
    [InlineData("use-loop.cfg", 4, "template loop in host")]
    [InlineData("no-name.cfg", 6, "no-name.cfg:4: command without command_name")]
    [InlineData("refused.cfg", 5, "refused.cfg:4: host 'bad': refused by the backend (422)")]
    public async Task A_broken_file_gives_its_exit_code_and_a_message_with_file_and_line(string file, int code, string message)
    {
        var (exit, output) = await Import("-d", ImportRun.Config("broken", file));
        Assert.True(exit == code, output);
        Assert.Contains(message, output);
        if (code == 3) Assert.Contains("nothing was written", output);
        else Assert.Contains(file == "refused.cfg" ? "host:also-good" : "host:a", await Content()); // the rest is imported
    }

    [Fact]
    public async Task The_command_line_gives_the_documented_exit_codes()
    {
        Assert.Equal(64, (await Import("--no-such-option", ImportRun.Config("update", "v1.cfg"))).Exit);
        Assert.Equal(64, (await Import("-e", "-i", ImportRun.Config("update", "v1.cfg"))).Exit);
        Assert.Equal(2, (await Import()).Exit); // no configuration without -d
        Assert.Equal(2, (await Import("-p", "wrong", ImportRun.Config("update", "v1.cfg"))).Exit);
        var (unreachable, message) = await ImportRun.RunAsync(new Uri("http://127.0.0.1:1"), ImportRun.Config("update", "v1.cfg"));
        Assert.Equal(2, unreachable);
        Assert.Contains("Cannot reach the backend", message);
        // A delete-only run, and -m accepted as the documentation still shows it.
        Assert.Equal(0, (await Import("-m", ImportRun.Config("update", "v1.cfg"))).Exit);
        Assert.Contains("host:h1", await Content());
        Assert.Equal(0, (await Import("-d")).Exit);
        Assert.DoesNotContain("host:h1", await Content());
        Assert.Contains("host:_dummy", await Content()); // the backend's defaults stay
        var (version, text) = await ImportRun.RunAsync(null, "-V");
        Assert.Equal(0, version);
        Assert.Matches(@"^\d+\.\d+\.\d+", text.Trim());
    }
}

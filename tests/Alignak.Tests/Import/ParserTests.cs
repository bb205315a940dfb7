using System.Text;
using Alignak.Import.Config;

namespace Alignak.Tests.Import;

/// <summary>The object language parser alone: no server, real files in a temporary folder.</summary>
public sealed class ParserTests
{
    private static Configuration Parse(string text) => Configuration.FromText(text);

    private static ConfigObject Host(Configuration c, string name) => c.Hosts.Single(h => h.Get("host_name") == name);

    private static List<string> Services(Configuration c) =>
        c.Services.Select(s => s.Get("host_name") + "/" + s.Get("service_description")).Order(StringComparer.Ordinal).ToList();

    private static Problem Only(Configuration c, ProblemKind kind) => Assert.Single(c.Problems.Items, p => p.Kind == kind);

    [Fact]
    public void Comments_continuations_tabs_and_the_brace_on_its_own_line_are_read()
    {
        var c = Parse("""
            # a comment
            ; another one
            define command
            {
            	command_name	check_x   ; inline comment
            	command_line	/bin/check \
            	    -w 1 \; -c 2
            }
            define host{
              host_name h1 ; comment
              address 10.0.0.1
              check_command check_x!a\!b!c
              }
            """);
        Assert.Empty(c.Problems.Items);
        var command = Assert.Single(c.Commands);
        Assert.Equal("check_x", command.Get("command_name"));
        Assert.Equal("/bin/check -w 1 ; -c 2", command.Get("command_line"));
        Assert.Equal("10.0.0.1", Host(c, "h1").Get("address"));
    }

    [Fact]
    public void A_closing_brace_ends_a_block_only_after_a_blank_so_shell_braces_stay_in_values()
    {
        var c = Parse("define command {\n command_name x\n command_line echo ${HOME}\n}\ndefine host { host_name h }\n");
        Assert.Empty(c.Problems.Items);
        Assert.Equal("echo ${HOME}", Assert.Single(c.Commands).Get("command_line"));
        Assert.Single(c.Hosts);
    }

    [Fact]
    public void A_service_template_naming_a_real_host_passes_it_on_by_inheritance()
    {
        var c = Parse("""
            define host { host_name web1 }
            define service { name on-web1
              host_name web1
              register 0 }
            define service { use on-web1
              service_description http }
            """);
        Assert.Empty(c.Problems.Items);
        Assert.Equal(["web1/http"], Services(c));
    }

    [Fact]
    public void A_latin1_file_is_read_as_latin1_and_a_utf8_one_as_utf8()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-import-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "latin1.cfg"), Encoding.Latin1.GetBytes("define host {\n host_name a\n alias Café\n}\n"));
            File.WriteAllBytes(Path.Combine(folder, "utf8.cfg"), Encoding.UTF8.GetBytes("define host {\n host_name b\n alias Zoë ✓\n}\n"));
            File.WriteAllText(Path.Combine(folder, "main.cfg"), "cfg_file=latin1.cfg\ncfg_file=utf8.cfg\n");
            var c = Configuration.Load([Path.Combine(folder, "main.cfg")]);
            Assert.Equal("Café", Host(c, "a").Get("alias"));
            Assert.Equal("Zoë ✓", Host(c, "b").Get("alias"));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void Main_file_directives_read_files_directories_resources_and_includes()
    {
        var folder = Directory.CreateTempSubdirectory("alignak-import-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "conf.d", "deep"));
            File.WriteAllText(Path.Combine(folder, "main.cfg"), """
                cfg_dir=conf.d
                resource_file=resource.cfg
                cfg_file=conf.d/one.cfg
                define host {
                  host_name in-main
                }
                """);
            File.WriteAllText(Path.Combine(folder, "resource.cfg"), "$USER1$=/usr/lib/plugins\n$USER2$=secret\n");
            File.WriteAllText(Path.Combine(folder, "conf.d", "one.cfg"), "define host {\n host_name one\n}\ninclude_file=../extra.txt\n");
            File.WriteAllText(Path.Combine(folder, "conf.d", "deep", "two.cfg"), "define host {\n host_name two\n}\n");
            File.WriteAllText(Path.Combine(folder, "conf.d", "deep", "ignored.txt"), "define host {\n host_name not-read\n}\n");
            File.WriteAllText(Path.Combine(folder, "extra.txt"), "define host {\n host_name included\n}\n");
            var c = Configuration.Load([Path.Combine(folder, "main.cfg")]);
            Assert.Empty(c.Problems.Items);
            Assert.Equal(["in-main", "included", "one", "two"], c.Hosts.Select(h => h.Get("host_name")!).Order(StringComparer.Ordinal));
            Assert.Equal("/usr/lib/plugins", c.Macros["$USER1$"]);
            Assert.Equal("secret", c.Macros["$USER2$"]);
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void With_multiple_templates_the_first_listed_wins_each_resolved_through_its_own_chain()
    {
        var c = Parse("""
            define host { name base
              check_interval 9
              retry_interval 9
              notes from-base
              register 0 }
            define host { name t1
              use base
              check_interval 1
              register 0 }
            define host { name t2
              check_interval 2
              retry_interval 2
              max_check_attempts 2
              register 0 }
            define host { host_name h
              use t1,t2
              max_check_attempts 7 }
            """);
        var h = Host(c, "h");
        Assert.Equal("1", h.Get("check_interval")); // t1 itself
        Assert.Equal("9", h.Get("retry_interval")); // t1's ancestor base comes before t2
        Assert.Equal("from-base", h.Get("notes"));
        Assert.Equal("7", h.Get("max_check_attempts")); // own value
        Assert.Null(h.Get("register"));
        Assert.Null(h.Get("name")); // never inherited
    }

    [Fact]
    public void Plus_adds_to_inherited_values_over_several_levels_and_null_stops_inheritance()
    {
        var c = Parse("""
            define host { name a
              hostgroups g1
              notes inherited-note
              _OS linux
              register 0 }
            define host { name b
              use a
              hostgroups +g2
              register 0 }
            define host { host_name h
              use b
              hostgroups +g3,g1
              notes null }
            define host { host_name lonely
              hostgroups +solo }
            """);
        var h = Host(c, "h");
        Assert.Equal("g1,g2,g3", h.Get("hostgroups"));
        Assert.Null(h.Get("notes"));
        Assert.Contains("notes", h.Nulled);
        Assert.Equal("linux", h.Get("_OS")); // custom variables are inherited, names upper-cased
        Assert.Equal("solo", Host(c, "lonely").Get("hostgroups"));
        Assert.Equal(["g1", "g2", "g3", "solo"], c.Hostgroups.Select(g => g.Get("hostgroup_name")!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_host_name_generator_makes_one_host_per_number()
    {
        var c = Parse("""
            define host { host_name name_[0-19-%03d]
              address 10.0.0.1 }
            define host { host_name srv-[1-3] }
            """);
        Assert.Equal(23, c.Hosts.Count);
        Assert.Equal("name_000", c.Hosts[0].Get("host_name"));
        Assert.Equal("name_019", c.Hosts[19].Get("host_name"));
        Assert.Equal("10.0.0.1", c.Hosts[19].Get("address"));
        Assert.Equal(["srv-1", "srv-2", "srv-3"], c.Hosts.Skip(20).Select(h => h.Get("host_name")!));
    }

    private const string Hostgroups = """
        define host { host_name web1
          hostgroups web,linux }
        define host { host_name web2
          hostgroups web,linux,prod }
        define host { host_name db1
          hostgroups linux,prod }
        define host { host_name win1 }
        define hostgroup { hostgroup_name windows
          members win1 }
        define hostgroup { hostgroup_name all-servers
          hostgroup_members linux,windows }
        """;

    [Fact]
    public void Services_follow_host_lists_wildcards_exclusions_and_hostgroup_expressions()
    {
        var c = Parse(Hostgroups + "\n" + """
            define service { service_description expr
              hostgroup_name (web|windows)&!prod }
            define service { service_description star-but
              host_name *,!db1,!win1 }
            define service { service_description nested
              hostgroup_name all-servers,!prod }
            define service { service_description everything
              hostgroup_name * }
            define service { service_description group-but-one
              hostgroup_name linux,windows,!web
              host_name !db1 }
            """);
        Assert.DoesNotContain(c.Problems.Items, p => p.Kind != ProblemKind.Warning);
        var services = Services(c);
        Assert.Equal(["web1/expr", "win1/expr"], services.Where(s => s.EndsWith("/expr")));
        Assert.Equal(["web1/star-but", "web2/star-but"], services.Where(s => s.EndsWith("/star-but")));
        Assert.Equal(["web1/nested", "win1/nested"], services.Where(s => s.EndsWith("/nested")));
        Assert.Equal(4, services.Count(s => s.EndsWith("/everything")));
        // Exclusions apply to the whole definition: web's hosts and the host db1 are left out of linux,windows.
        Assert.Equal(["win1/group-but-one"], services.Where(s => s.EndsWith("/group-but-one")));
    }

    [Fact]
    public void With_use_regexp_matching_names_with_regex_characters_match_hosts_and_others_stay_names()
    {
        var c = Parse("""
            use_regexp_matching=1
            define host { host_name web-01 }
            define host { host_name web-02 }
            define host { host_name db-01 }
            define hostgroup { hostgroup_name webs
              members web-0[0-9]+ }
            define service { service_description http
              host_name web-.*,!web-02 }
            define service { service_description db
              host_name db-01 }
            """);
        Assert.DoesNotContain(c.Problems.Items, p => p.Kind != ProblemKind.Warning);
        Assert.Equal(["db-01/db", "web-01/http"], Services(c));
        Assert.Equal(["web-01", "web-02"], c.Hostgroups.Single().Links["hosts"].Order(StringComparer.Ordinal));
        var plain = Parse("define host { host_name web-01 }\ndefine service { service_description s\n host_name web-.*\n}\n");
        Assert.Contains("unknown host 'web-.*'", Only(plain, ProblemKind.Unresolved).Message); // off by default
    }

    [Fact]
    public void A_service_defined_on_the_host_beats_the_hostgroup_one()
    {
        var c = Parse(Hostgroups + "\n" + """
            define service { service_description http
              hostgroup_name web
              check_command from-group }
            define service { service_description http
              host_name web2
              check_command direct }
            """);
        var onWeb2 = c.Services.Single(s => s.Get("host_name") == "web2");
        Assert.Equal("direct", onWeb2.Get("check_command"));
        Assert.Equal("from-group", c.Services.Single(s => s.Get("host_name") == "web1").Get("check_command"));
    }

    [Fact]
    public void Group_members_declared_on_either_side_add_up()
    {
        var c = Parse(Hostgroups + "\n" + """
            define hostgroup { hostgroup_name web
              members db1 }
            define contact { contact_name alice
              contactgroups ops }
            define contact { contact_name bob }
            define contactgroup { contactgroup_name ops
              members bob }
            define service { service_description ssh
              host_name web1
              servicegroups remote }
            define servicegroup { servicegroup_name remote
              members web1,ssh,web2,missing }
            """);
        var web = c.Hostgroups.Single(g => g.Get("hostgroup_name") == "web");
        Assert.Equal(["db1", "web1", "web2"], web.Links["hosts"].Order(StringComparer.Ordinal));
        Assert.Equal(["bob", "alice"], c.Contactgroups.Single().Links["users"].Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["web1/ssh"], c.Servicegroups.Single().Links["services"]);
        var problem = Only(c, ProblemKind.Unresolved);
        Assert.Contains("unknown service 'missing' on host 'web2'", problem.Message);
        Assert.Equal(23, problem.Where!.Line); // the members line
        Assert.Equal(["linux", "windows"], c.Hostgroups.Single(g => g.Get("hostgroup_name") == "all-servers").Links["hostgroups"]);
    }

    [Fact]
    public void A_service_template_on_a_host_template_reaches_every_host_using_it_through_a_chain()
    {
        var c = Parse("""
            define host { name linux
              register 0 }
            define host { name debian
              use linux
              register 0 }
            define service { name tpl-ssh
              service_description SSH
              host_name linux
              check_command check_ssh
              register 0 }
            define host { host_name d1
              use debian }
            define host { host_name d2
              use debian
              service_excludes SSH }
            define host { host_name other }
            """);
        var ssh = Assert.Single(c.Services);
        Assert.Equal("d1", ssh.Get("host_name"));
        Assert.True(ssh.FromHostTemplate);
        Assert.Equal(["tpl-ssh"], ssh.Templates!);
    }

    [Fact]
    public void Duplicate_foreach_makes_one_service_per_key_of_the_host_variable()
    {
        var c = Parse("""
            define host { host_name h
              _disks C$(80%)$$(90%)$,D$(85%)$$(95%)$,Port [1-2]
              _!disks D }
            define service { service_description Disk $KEY$
              host_name h
              duplicate_foreach _disks
              default_value 50%
              check_command check_disk!$KEY$!$VALUE1$!$VALUE2$ }
            """);
        Assert.Equal(["h/Disk C", "h/Disk Port 1", "h/Disk Port 2"], Services(c));
        Assert.Equal("check_disk!C!80%!90%", c.Services.Single(s => s.Get("service_description") == "Disk C").Get("check_command"));
        Assert.Equal("check_disk!Port 1!50%!50%", c.Services.Single(s => s.Get("service_description") == "Disk Port 1").Get("check_command"));
    }

    [Fact]
    public void A_service_takes_the_host_contacts_and_periods_it_does_not_set()
    {
        var c = Parse("""
            define host { host_name h
              contacts alice
              notification_period workhours
              notification_interval 30 }
            define service { service_description s
              host_name h
              notification_interval 10 }
            """);
        var s = Assert.Single(c.Services);
        Assert.Equal("alice", s.Get("contacts"));
        Assert.Equal("workhours", s.Get("notification_period"));
        Assert.Equal("10", s.Get("notification_interval"));
    }

    [Fact]
    public void Timeperiod_exceptions_keep_their_whole_spec_and_are_inherited_through_use()
    {
        var c = Parse("""
            define timeperiod { name holidays
              timeperiod_name holidays
              january 1          00:00-00:00
              thursday 4 november 00:00-00:00
              monday -1 may      00:00-00:00
              2026-12-24 - 2026-12-26 / 2   08:00-12:00
              day 1 - 15         10:00-11:00, 14:00-15:00
              monday 3           00:00-24:00
            }
            define timeperiod { timeperiod_name work
              use holidays
              monday 09:00-17:00
              january 1 08:00-10:00
              exclude lunch
            }
            """);
        Assert.Empty(c.Problems.Items);
        var work = c.Timeperiods.Single(t => t.Get("timeperiod_name") == "work");
        Assert.Equal("09:00-17:00", work.Get("monday"));
        Assert.Equal("08:00-10:00", work.Get("january 1")); // its own exception wins over the template's identical one
        Assert.Equal("00:00-00:00", work.Get("thursday 4 november"));
        Assert.Equal("00:00-00:00", work.Get("monday -1 may"));
        Assert.Equal("08:00-12:00", work.Get("2026-12-24 - 2026-12-26 / 2"));
        Assert.Equal("10:00-11:00,14:00-15:00", work.Get("day 1 - 15"));
        Assert.Equal("00:00-24:00", work.Get("monday 3"));
        Assert.Equal("lunch", work.Get("exclude"));
    }

    [Fact]
    public void A_timeperiod_line_without_time_range_is_reported_with_its_line()
    {
        var c = Parse("define timeperiod { timeperiod_name t\n  monday 09:00-17:00\n  someday sometimes\n}\n");
        var problem = Only(c, ProblemKind.Unresolved);
        Assert.Equal(3, problem.Where!.Line);
        Assert.EndsWith("test.cfg", problem.Where.File);
    }

    [Fact]
    public void Realms_get_their_parent_from_either_side()
    {
        var c = Parse("""
            define realm { realm_name World
              realm_members Europe }
            define realm { realm_name Europe }
            define realm { realm_name France
              higher_realms Europe }
            """);
        Assert.Equal(["World"], c.Realms.Single(r => r.Get("realm_name") == "Europe").Links["_parent"]);
        Assert.Equal(["Europe"], c.Realms.Single(r => r.Get("realm_name") == "France").Links["_parent"]);
        Assert.False(c.Realms.Single(r => r.Get("realm_name") == "World").Links.ContainsKey("_parent"));
    }

    [Fact]
    public void The_first_notification_way_gives_periods_and_every_way_adds_its_commands()
    {
        var c = Parse("""
            define notificationway { notificationway_name email
              host_notification_period workhours
              host_notification_commands notify-email }
            define notificationway { notificationway_name sms
              host_notification_period 24x7
              host_notification_commands notify-sms }
            define contact { contact_name alice
              notificationways email,sms
              host_notification_commands notify-own }
            """);
        var alice = Assert.Single(c.Contacts);
        Assert.Equal("workhours", alice.Get("host_notification_period"));
        Assert.Equal("notify-own,notify-email,notify-sms", alice.Get("host_notification_commands"));
    }

    // ---- broken files ------------------------------------------------------------------------

    [Fact]
    public void A_missing_closing_brace_is_a_syntax_error_at_the_define_line()
    {
        var c = Parse("define host {\n  host_name a\n\ndefine host {\n  host_name b\n}\n");
        var problem = Only(c, ProblemKind.Syntax);
        Assert.Equal(1, problem.Where!.Line);
        Assert.Contains("not closed", problem.Message);
        var atEnd = Only(Parse("define host {\n host_name a\n}\ndefine command {\n command_name x\n"), ProblemKind.Syntax);
        Assert.Equal(4, atEnd.Where!.Line);
    }

    [Fact]
    public void An_unknown_template_is_reported_at_the_use_line()
    {
        var c = Parse("define host {\n  host_name a\n  use nowhere\n}\n");
        var problem = Only(c, ProblemKind.Unresolved);
        Assert.Equal(3, problem.Where!.Line);
        Assert.Contains("unknown template 'nowhere'", problem.Message);
        Assert.Single(c.Hosts); // the host itself is kept
    }

    [Fact]
    public void A_loop_of_use_is_reported()
    {
        var c = Parse("define host {\n name a\n use b\n register 0\n}\ndefine host {\n name b\n use a\n register 0\n}\ndefine host {\n host_name h\n use a\n}\n");
        var problem = Only(c, ProblemKind.Unresolved);
        Assert.Contains("template loop", problem.Message);
        Assert.Contains("a -> b -> a", problem.Message);
    }

    [Fact]
    public void A_service_for_an_unknown_host_is_reported_and_not_created()
    {
        var c = Parse("define host {\n host_name a\n}\ndefine service {\n service_description s\n host_name a,ghost\n}\n");
        var problem = Only(c, ProblemKind.Unresolved);
        Assert.Equal(6, problem.Where!.Line);
        Assert.Contains("unknown host 'ghost'", problem.Message);
        Assert.Equal(["a/s"], Services(c));
    }

    [Fact]
    public void An_object_without_its_name_is_reported_and_skipped()
    {
        var c = Parse("define host {\n address 1.2.3.4\n}\ndefine host {\n host_name ok\n}\n");
        var problem = Only(c, ProblemKind.NoName);
        Assert.Equal(1, problem.Where!.Line);
        Assert.Single(c.Hosts);
    }
}

using System.Text.Json.Nodes;
using Alignak.Import.Config;
using Alignak.Import.Mapping;

namespace Alignak.Tests.Import;

/// <summary>Definitions to backend documents, before any HTTP: fields, links by name, the template rule.</summary>
public sealed class MapperTests
{
    private static List<(Space Space, List<Planned> Documents)> Plan(string text) => new Mapper(Configuration.FromText(text)).Plan();

    private static Planned One(List<(Space Space, List<Planned> Documents)> plan, Space space, string key) =>
        plan.Single(p => p.Space == space).Documents.Single(d => d.Key == key);

    private static Link LinkOf(Planned planned, string field) => planned.Links.Single(l => l.Field == field);

    [Fact]
    public void Values_from_the_last_template_are_left_to_the_backend_and_the_others_written()
    {
        var plan = Plan("""
            define host { name t1
              check_interval 1
              register 0 }
            define host { name t2
              check_interval 2
              retry_interval 2
              register 0 }
            define host { host_name h
              use t1,t2
              max_check_attempts 5 }
            """);
        var h = One(plan, Space.Host, "h");
        Assert.Equal(1L, (long)h.Fields["check_interval"]!); // t1 wins in Nagios, the backend would take t2's
        Assert.False(h.Fields.ContainsKey("retry_interval")); // only t2 has it: the backend copies it
        Assert.Equal(5L, (long)h.Fields["max_check_attempts"]!);
        Assert.Equal(["t1", "t2"], LinkOf(h, "_templates").Names);
        Assert.Equal(Space.HostTemplate, LinkOf(h, "_templates").Target);
        Assert.True((bool)One(plan, Space.HostTemplate, "t1").Fields["_is_template"]!);
        Assert.Equal("h", (string)h.Fields["alias"]!); // Nagios defaults alias and address to the name
        Assert.Equal("h", (string)h.Fields["address"]!);
    }

    [Fact]
    public void Options_commands_and_names_take_the_backend_forms()
    {
        var plan = Plan("""
            define command { command_name check_x
              command_line /bin/x }
            define host { host_name h(1)
              notification_options d,u,r
              check_command check_x!a\!b!c
              active_checks_enabled no
              check_interval 0.5 }
            define service { service_description s
              host_name h(1)
              notification_options w,u,c }
            define contact { contact_name admin }
            define timeperiod { timeperiod_name always
              monday 00:00-24:00 }
            define timeperiod { timeperiod_name work
              monday 09:00-17:00
              exclude always,lunch }
            """);
        var h = One(plan, Space.Host, "h(1)");
        Assert.Equal("h_1_", h.Name); // the backend refuses parentheses in names
        Assert.Equal("""["d","x","r"]""", h.Fields["notification_options"]!.ToJsonString());
        Assert.Equal("a!b!c", (string)h.Fields["check_command_args"]!);
        Assert.Equal(["check_x"], LinkOf(h, "check_command").Names);
        Assert.False((bool)h.Fields["active_checks_enabled"]!);
        Assert.Equal(1L, (long)h.Fields["check_interval"]!);
        var s = One(plan, Space.Service, "h(1)/s");
        Assert.Equal("""["w","u","c"]""", s.Fields["notification_options"]!.ToJsonString());
        Assert.Equal(["h(1)"], s.Host!.Names);
        var admin = One(plan, Space.User, "imported_admin");
        Assert.Equal(["24x7"], LinkOf(admin, "host_notification_period").Names);
        Assert.DoesNotContain(plan.Single(p => p.Space == Space.Timeperiod).Documents, d => d.Key == "always"); // the backend's 24x7
        var work = One(plan, Space.Timeperiod, "work");
        Assert.Equal("""["24x7"]""", work.Fields["exclude"]!.ToJsonString());
        Assert.Equal("""[{"monday":"09:00-17:00"}]""", work.Fields["dateranges"]!.ToJsonString());
    }

    [Fact]
    public void An_unknown_excluded_timeperiod_is_reported()
    {
        var config = Configuration.FromText("define timeperiod { timeperiod_name work\n monday 09:00-17:00\n exclude lunch\n}\n");
        new Mapper(config).Plan();
        var problem = Assert.Single(config.Problems.Items);
        Assert.Equal(ProblemKind.Unresolved, problem.Kind);
        Assert.Contains("excludes unknown timeperiod 'lunch'", problem.Message);
        Assert.Equal(3, problem.Where!.Line);
    }

    [Fact]
    public void Group_trees_and_service_templates_on_host_templates_get_their_links()
    {
        var plan = Plan("""
            define host { name linux
              register 0 }
            define service { name ssh-tpl
              service_description SSH
              host_name linux
              register 0 }
            define host { host_name h
              use linux
              hostgroups web }
            define hostgroup { hostgroup_name all-web
              hostgroup_members web }
            """);
        var template = One(plan, Space.ServiceTemplate, "ssh-tpl");
        Assert.Equal("SSH", template.Name);
        Assert.Equal(["linux"], template.Host!.Names);
        var service = One(plan, Space.Service, "h/SSH");
        Assert.True((bool)service.Fields["_templates_from_host_template"]!);
        Assert.Equal(["ssh-tpl"], LinkOf(service, "_templates").Names);
        var groups = plan.Single(p => p.Space == Space.Hostgroup).Documents;
        Mapper.AddGroupParents(groups, "hostgroups");
        var children = LinkOf(groups.Single(g => g.Key == "all-web"), "hostgroups");
        Assert.True(children.Later);
        Assert.Equal(["web"], children.Names);
        Assert.Equal(["all-web"], LinkOf(groups.Single(g => g.Key == "web"), "_parent").Names);
        Assert.Equal(["h"], LinkOf(groups.Single(g => g.Key == "web"), "hosts").Names);
    }

    [Fact]
    public void An_escalation_with_plus_contacts_adds_those_of_the_host_or_service()
    {
        var plan = Plan("""
            define contact { contact_name ops }
            define contact { contact_name boss }
            define contact { contact_name dev }
            define host { host_name h
              contacts ops }
            define service { service_description s
              host_name h
              contacts dev }
            define hostescalation { host_name h
              contacts +boss }
            define serviceescalation { host_name h
              service_description s
              contacts +boss }
            define hostescalation { escalation_name plain
              host_name h
              contacts boss }
            """);
        Assert.Equal(["boss", "ops"], LinkOf(One(plan, Space.HostEscalation, "he_h"), "users").Names);
        Assert.Equal(["boss", "dev"], LinkOf(One(plan, Space.ServiceEscalation, "se_h_s"), "users").Names);
        Assert.Equal(["boss"], LinkOf(One(plan, Space.HostEscalation, "plain"), "users").Names);
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alignak.Import.Config;

namespace Alignak.Import.Mapping;

/// <summary>
/// Object definitions to backend documents (spec a.5-a.9): field names and types, links by name, templates
/// (<c>_is_template</c>, <c>_templates</c>), realms, users, timeperiod ranges and exclusions kept whole.
/// A value a host, service or user inherits from the last template of its <c>use</c> list is left for the
/// backend's template engine to copy (so a template's later edit still reaches it); any other inherited value
/// (an earlier template wins in Nagios, the last one in the backend) is written on the object itself.
/// </summary>
public sealed partial class Mapper
{
    private enum Kind { Str, Int, Bool, StrList, Letters, HostLetters, HostLetter, Ref, RefList, Command }

    private sealed record Field(string Name, Kind Kind, Space Target = Space.Command, bool Later = false, string? Fallback = null);

    private static readonly Dictionary<string, Field> Common = new(StringComparer.Ordinal)
    {
        ["alias"] = new("alias", Kind.Str),
        ["notes"] = new("notes", Kind.Str),
    };

    private static Dictionary<string, Field> Table(params (string Directive, Field Field)[] entries)
    {
        var table = new Dictionary<string, Field>(Common, StringComparer.Ordinal);
        foreach (var (directive, field) in entries) table[directive] = field;
        return table;
    }

    private static (string, Field)[] Strings(params string[] names) => names.Select(n => (n, new Field(n, Kind.Str))).ToArray();
    private static (string, Field)[] Ints(params string[] names) => names.Select(n => (n, new Field(n, Kind.Int))).ToArray();
    private static (string, Field)[] Bools(params string[] names) => names.Select(n => (n, new Field(n, Kind.Bool))).ToArray();

    private static readonly (string, Field)[] Checked =
    [
        .. Strings("display_name", "notes_url", "action_url", "icon_image", "icon_image_alt", "icon_set", "poller_tag",
            "reactionner_tag", "trigger_name", "business_rule_output_template"),
        .. Ints("max_check_attempts", "check_interval", "retry_interval", "freshness_threshold", "low_flap_threshold",
            "high_flap_threshold", "notification_interval", "first_notification_delay", "time_to_orphanage",
            "business_impact", "snapshot_interval"),
        .. Bools("active_checks_enabled", "passive_checks_enabled", "check_freshness", "event_handler_enabled",
            "flap_detection_enabled", "process_perf_data", "notifications_enabled", "snapshot_enabled",
            "business_rule_smart_notifications", "business_rule_downtime_as_ack", "trigger_broker_raise_enabled"),
        ("check_command", new("check_command", Kind.Command)),
        ("event_handler", new("event_handler", Kind.Command)),
        ("snapshot_command", new("snapshot_command", Kind.Command)),
        ("check_period", new("check_period", Kind.Ref, Space.Timeperiod)),
        ("notification_period", new("notification_period", Kind.Ref, Space.Timeperiod)),
        ("maintenance_period", new("maintenance_period", Kind.Ref, Space.Timeperiod)),
        ("snapshot_period", new("snapshot_period", Kind.Ref, Space.Timeperiod)),
        ("contacts", new("users", Kind.RefList, Space.User)),
        ("contact_groups", new("usergroups", Kind.RefList, Space.Usergroup)),
        ("realm", new("_realm", Kind.Ref, Space.Realm)),
        ("labels", new("labels", Kind.StrList)),
        ("custom_views", new("custom_views", Kind.StrList)),
        ("business_rule_host_notification_options", new("business_rule_host_notification_options", Kind.Letters)),
        ("business_rule_service_notification_options", new("business_rule_service_notification_options", Kind.Letters)),
    ];

    private static readonly Dictionary<string, Field> HostFields = Table(
    [
        .. Checked,
        .. Strings("address", "address6", "vrml_image", "statusmap_image", "2d_coords", "3d_coords"),
        ("parents", new("parents", Kind.RefList, Space.Host, Later: true)),
        ("initial_state", new("initial_state", Kind.HostLetter)),
        ("freshness_state", new("freshness_state", Kind.HostLetter)),
        ("notification_options", new("notification_options", Kind.HostLetters)),
        ("flap_detection_options", new("flap_detection_options", Kind.HostLetters)),
        ("stalking_options", new("stalking_options", Kind.HostLetters)),
        ("snapshot_criteria", new("snapshot_criteria", Kind.HostLetters)),
        ("service_excludes", new("service_excludes", Kind.StrList)),
        ("service_includes", new("service_includes", Kind.StrList)),
    ]);

    private static readonly Dictionary<string, Field> ServiceFields = Table(
    [
        .. Checked,
        .. Strings("aggregation", "default_value"),
        .. Bools("is_volatile", "parallelize_check", "host_dependency_enabled"),
        ("merge_host_contacts", new("merge_host_users", Kind.Bool)),
        ("initial_state", new("initial_state", Kind.HostLetter)),
        ("freshness_state", new("freshness_state", Kind.HostLetter)),
        ("notification_options", new("notification_options", Kind.Letters)),
        ("flap_detection_options", new("flap_detection_options", Kind.Letters)),
        ("stalking_options", new("stalking_options", Kind.Letters)),
        ("snapshot_criteria", new("snapshot_criteria", Kind.Letters)),
    ]);

    private static readonly Dictionary<string, Field> UserFields = Table(
    [
        .. Strings("email", "pager", "address1", "address2", "address3", "address4", "address5", "address6", "password"),
        .. Bools("host_notifications_enabled", "service_notifications_enabled", "can_submit_commands", "is_admin",
            "can_update_livestate", "webui_visible"),
        .. Ints("min_business_impact", "skill_level"),
        ("host_notification_period", new("host_notification_period", Kind.Ref, Space.Timeperiod, Fallback: "24x7")),
        ("service_notification_period", new("service_notification_period", Kind.Ref, Space.Timeperiod, Fallback: "24x7")),
        ("host_notification_options", new("host_notification_options", Kind.Letters)),
        ("service_notification_options", new("service_notification_options", Kind.Letters)),
        ("host_notification_commands", new("host_notification_commands", Kind.RefList, Space.Command)),
        ("service_notification_commands", new("service_notification_commands", Kind.RefList, Space.Command)),
    ]);

    private static readonly Dictionary<string, Field> CommandFields = Table(
    [
        .. Strings("command_line", "module_type", "poller_tag", "reactionner_tag"),
        .. Ints("timeout"),
        .. Bools("enable_environment_macros"),
    ]);

    private static readonly Dictionary<string, Field> GroupFields = Table(
    [
        .. Strings("notes_url", "action_url"),
        ("realm", new("_realm", Kind.Ref, Space.Realm)),
    ]);

    private static readonly Dictionary<string, Field> RealmFields = Table(
    [
        .. Ints("hosts_critical_threshold", "hosts_warning_threshold", "services_critical_threshold",
            "services_warning_threshold", "global_critical_threshold", "global_warning_threshold"),
    ]);

    private static readonly Dictionary<string, Field> DependencyFields = Table(
    [
        .. Bools("inherits_parent"),
        ("dependency_period", new("dependency_period", Kind.Ref, Space.Timeperiod, Fallback: "24x7")),
    ]);

    private static readonly Dictionary<string, Field> EscalationFields = Table(
    [
        .. Ints("first_notification", "last_notification", "first_notification_time", "last_notification_time", "notification_interval"),
        ("escalation_period", new("escalation_period", Kind.Ref, Space.Timeperiod, Fallback: "24x7")),
        ("contacts", new("users", Kind.RefList, Space.User)),
        ("contact_groups", new("usergroups", Kind.RefList, Space.Usergroup)),
    ]);

    /// <summary>Timeperiod names the backend already has under its own names (spec a.7).</summary>
    public static string? BackendTimeperiod(string name) => name.ToLowerInvariant() switch
    {
        "24x7" or "always" => "24x7",
        "none" or "never" => "Never",
        _ => null,
    };

    public const string ImportedFrom = "alignak-backend-import";

    private readonly Configuration _config;
    private readonly ProblemList _problems;

    public Mapper(Configuration config)
    {
        _config = config;
        _problems = config.Problems;
    }

    /// <summary>Documents per phase, in the order they are written (spec a.4, hostgroups before what names them).</summary>
    public List<(Space Space, List<Planned> Documents)> Plan()
    {
        var plan = new List<(Space, List<Planned>)>
        {
            (Space.Realm, Realms()),
            (Space.Command, _config.Commands.Where(c => c.Get("command_name") is not ("_internal_host_up" or "_echo"))
                .Select(c => Simple(c, Space.Command, c.Get("command_name")!, CommandFields)).ToList()),
            (Space.Timeperiod, _config.Timeperiods.Where(t => BackendTimeperiod(t.Get("timeperiod_name")!) is null).Select(Timeperiod).ToList()),
            (Space.UserTemplate, _config.ContactTemplates.Select(c => Templated(c, Space.UserTemplate, c.TemplateName!, UserFields)).ToList()),
            (Space.User, _config.Contacts.Select(c => Templated(c, Space.User, UserName(c.Get("contact_name")!), UserFields)).ToList()),
            (Space.Usergroup, _config.Contactgroups.Where(g => g.Get("contactgroup_name") != "All")
                .Select(g => Group(g, Space.Usergroup, "contactgroup_name", "users", Space.User, "usergroups")).ToList()),
            (Space.HostTemplate, _config.HostTemplates.Select(h => Templated(h, Space.HostTemplate, h.TemplateName!, HostFields)).ToList()),
            (Space.Host, _config.Hosts.Select(h => Templated(h, Space.Host, h.Get("host_name")!, HostFields)).ToList()),
            (Space.Hostgroup, _config.Hostgroups.Where(g => g.Get("hostgroup_name") != "All")
                .Select(g => Group(g, Space.Hostgroup, "hostgroup_name", "hosts", Space.Host, "hostgroups")).ToList()),
            (Space.HostDependency, _config.HostDependencies.Select(HostDependency).ToList()),
            (Space.HostEscalation, _config.HostEscalations.Select(HostEscalation).ToList()),
            (Space.ServiceTemplate, _config.ServiceTemplates.Select(ServiceTemplate).ToList()),
            (Space.Service, _config.Services.Select(Service).ToList()),
            (Space.Servicegroup, _config.Servicegroups.Where(g => g.Get("servicegroup_name") != "All")
                .Select(g => Group(g, Space.Servicegroup, "servicegroup_name", "services", Space.Service, "servicegroups")).ToList()),
            (Space.ServiceDependency, _config.ServiceDependencies.Select(ServiceDependency).ToList()),
            (Space.ServiceEscalation, _config.ServiceEscalations.Select(ServiceEscalation).ToList()),
        };
        return plan;
    }

    [GeneratedRegex("[`~!$%^&*\"|'<>?,()=]")]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"[^a-zA-Z0-9 \-_]")]
    private static partial Regex ForbiddenInRealm();

    /// <summary>The backend refuses some characters in host, service, user and realm names: they become <c>_</c>.</summary>
    public static string Sanitize(Space space, string name) => space switch
    {
        Space.Host or Space.HostTemplate or Space.Service or Space.ServiceTemplate or Space.User or Space.UserTemplate
            => Forbidden().Replace(name, "_"),
        Space.Realm => ForbiddenInRealm().Replace(name, "_"),
        _ => name,
    };

    /// <summary>The backend's own <c>admin</c> stays: an imported contact of that name becomes <c>imported_admin</c>.</summary>
    private static string UserName(string name) => name == "admin" ? "imported_admin" : name;

    private static Planned New(ConfigObject o, Space space, string name, string? key = null) => new()
    {
        Space = space,
        Resource = Spaces.Resource(space),
        Key = key ?? name,
        Name = Sanitize(space, name),
        Where = o.Where,
    };

    private Planned Simple(ConfigObject o, Space space, string name, Dictionary<string, Field> table)
    {
        var planned = New(o, space, name);
        planned.Fields["name"] = planned.Name;
        planned.Fields["imported_from"] = ImportedFrom;
        foreach (var (key, value) in o.Values) Apply(planned, o, table, key, value);
        if (space is not (Space.Realm or Space.Host or Space.Hostgroup or Space.Service or Space.Servicegroup))
            planned.Fields["_sub_realm"] = true;
        return planned;
    }

    private List<Planned> Realms()
    {
        // Parents first, so each realm is created under its parent and the backend builds the tree at once.
        var byName = _config.Realms.Where(r => r.Get("realm_name") != "All").ToDictionary(r => r.Get("realm_name")!, StringComparer.Ordinal);
        var ordered = new List<ConfigObject>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Place(ConfigObject realm)
        {
            var name = realm.Get("realm_name")!;
            if (!placed.Add(name)) return;
            if (realm.Links.TryGetValue("_parent", out var parent) && byName.TryGetValue(parent[0], out var p)) Place(p);
            ordered.Add(realm);
        }
        foreach (var realm in byName.Values) Place(realm);
        return ordered.Select(r =>
        {
            var planned = Simple(r, Space.Realm, r.Get("realm_name")!, RealmFields);
            var parent = r.Links.TryGetValue("_parent", out var p) ? p[0] : "All";
            planned.Links.Add(new Link("_parent", Space.Realm, [parent], IsList: false));
            return planned;
        }).ToList();
    }

    private Planned Timeperiod(ConfigObject o)
    {
        var planned = Simple(o, Space.Timeperiod, o.Get("timeperiod_name")!, Table(Bools("is_active")));
        var ranges = new JsonArray();
        foreach (var (key, value) in o.Values.Where(p => Timeperiods.IsDateRangeKey(p.Key) && !p.Key.StartsWith('_')))
            ranges.Add(new JsonObject { [key] = value });
        planned.Fields["dateranges"] = ranges;
        // Exclusions are kept as timeperiod names (the original wrote Alignak's internal ids).
        var excluded = new JsonArray();
        foreach (var name in Lists.Split(o.Get("exclude")))
        {
            if (BackendTimeperiod(name) is { } builtIn) excluded.Add(builtIn);
            else if (_config.Timeperiods.Any(t => t.Get("timeperiod_name") == name)) excluded.Add(name);
            else _problems.Add(ProblemKind.Unresolved, o.WhereOf("exclude"), $"timeperiod '{o.Get("timeperiod_name")}': excludes unknown timeperiod '{name}'");
        }
        planned.Fields["exclude"] = excluded;
        return planned;
    }

    /// <summary>Hosts, services and users, templates or not: <c>_templates</c> and the rule for inherited values.</summary>
    private Planned Templated(ConfigObject o, Space space, string name, Dictionary<string, Field> table, string? key = null)
    {
        var planned = New(o, space, name, key);
        planned.Fields["name"] = planned.Name;
        planned.Fields["imported_from"] = ImportedFrom;
        var templateSpace = space switch
        {
            Space.User or Space.UserTemplate => Space.UserTemplate,
            Space.Host or Space.HostTemplate => Space.HostTemplate,
            _ => Space.ServiceTemplate,
        };
        var known = templateSpace == Space.UserTemplate ? _config.ContactTemplates
            : templateSpace == Space.HostTemplate ? _config.HostTemplates : _config.ServiceTemplates;
        var declared = o.Templates ?? o.Use.ToList();
        var templates = declared.Where(t => known.Any(x => x.TemplateName == t)).ToList(); // unknown ones were reported
        if (Spaces.IsTemplate(space)) planned.Fields["_is_template"] = true;
        if (templates.Count > 0) planned.Links.Add(new Link("_templates", templateSpace, templates, IsList: true));
        // Origin indexes the declared list: only when every template is there is the last one the backend's last.
        var last = templates.Count == declared.Count ? templates.Count - 1 : -1;
        var customs = new JsonObject();
        foreach (var (directive, value) in o.Values)
        {
            if (last >= 0 && o.Origin.TryGetValue(directive, out var from) && from == last)
                continue; // the backend copies it from the last template
            if (directive.StartsWith('_'))
            {
                if (!directive.StartsWith("_!", StringComparison.Ordinal)) customs[directive] = value;
                continue;
            }
            Apply(planned, o, table, directive, value);
        }
        foreach (var nulled in o.Nulled)
            if (table.TryGetValue(nulled, out var field))
            {
                if (field.Kind == Kind.Str) planned.Fields[field.Name] = "";
                else if (field.Kind is Kind.StrList or Kind.Letters or Kind.HostLetters) planned.Fields[field.Name] = new JsonArray();
            }
        if (customs.Count > 0) planned.Fields["customs"] = customs;
        if (space == Space.Host)
        {
            if (o.Get("alias") is null) planned.Fields["alias"] = name;
            if (o.Get("address") is null) planned.Fields["address"] = name;
            if (o.Get("_LOC_LAT") is { } lat && o.Get("_LOC_LNG") is { } lng
                && double.TryParse(lat, CultureInfo.InvariantCulture, out var la) && double.TryParse(lng, CultureInfo.InvariantCulture, out var lo))
                planned.Fields["location"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(la, lo) };
        }
        if (space == Space.HostTemplate) planned.Fields["_sub_realm"] = true;
        if (space is Space.User or Space.UserTemplate) planned.Fields["_sub_realm"] = true;
        if (space is Space.User or Space.UserTemplate)
            foreach (var period in new[] { "host_notification_period", "service_notification_period" })
                if (!planned.Links.Any(l => l.Field == period) && (templates.Count == 0 || space == Space.UserTemplate))
                    planned.Links.Add(new Link(period, Space.Timeperiod, ["24x7"], IsList: false));
        return planned;
    }

    private Planned Group(ConfigObject o, Space space, string nameKey, string membersField, Space memberSpace, string childrenField)
    {
        var planned = Simple(o, space, o.Get(nameKey)!, GroupFields);
        var members = o.Links.GetValueOrDefault(membersField) ?? [];
        if (memberSpace == Space.User) members = members.Select(UserName).ToList();
        planned.Links.Add(new Link(membersField, memberSpace, members, IsList: true));
        var children = o.Links.GetValueOrDefault(childrenField) ?? [];
        if (children.Count > 0) planned.Links.Add(new Link(childrenField, space, children, IsList: true, Later: true));
        return planned;
    }

    /// <summary>A group's <c>_parent</c>: the first group that lists it as a member group (second pass).</summary>
    public static void AddGroupParents(List<Planned> groups, string childrenField)
    {
        var parentOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in groups)
            foreach (var child in group.Links.Where(l => l.Field == childrenField).SelectMany(l => l.Names))
                parentOf.TryAdd(child, group.Key);
        foreach (var group in groups)
            if (parentOf.TryGetValue(group.Key, out var parent) && parent != group.Key)
                group.Links.Add(new Link("_parent", group.Space, [parent], IsList: false, Later: true));
    }

    private Planned ServiceTemplate(ConfigObject o)
    {
        var description = o.Get("service_description") ?? o.TemplateName!;
        var planned = Templated(o, Space.ServiceTemplate, description, ServiceFields, key: o.TemplateName!);
        // The host template it belongs to (the last one named); none: the backend's _dummy. A duplicate_foreach
        // template stays on _dummy too: the backend's hook would make one literal "$KEY$" service per new host.
        var hostTemplate = o.Get("duplicate_foreach") is not null ? null
            : Lists.Split(o.Get("host_name")).LastOrDefault(h => _config.HostTemplates.Any(t => t.TemplateName == h));
        planned.Host = new Link("host", Space.HostTemplate, [hostTemplate ?? "_dummy"], IsList: false);
        if (o.Get("duplicate_foreach") is { } foreach_) planned.Fields["duplicate_foreach"] = foreach_;
        return planned;
    }

    private Planned Service(ConfigObject o)
    {
        var host = o.Get("host_name")!;
        var description = o.Get("service_description")!;
        var planned = Templated(o, Space.Service, description, ServiceFields, key: host + "/" + description);
        planned.Host = new Link("host", Space.Host, [host], IsList: false);
        // A service lives in its host's realm.
        if (o.Get("realm") is null && _config.Host(host)?.Get("realm") is { } realm)
            planned.Links.Add(new Link("_realm", Space.Realm, [realm], IsList: false));
        if (o.FromHostTemplate) planned.Fields["_templates_from_host_template"] = true;
        if (o.Get("service_dependencies") is { } dependencies)
        {
            var pairs = dependencies.Split(',').Select(s => s.Trim()).Chunk(2).Where(c => c.Length == 2)
                .Select(c => (c[0].Length == 0 ? host : c[0]) + "/" + c[1]).ToList();
            planned.Links.Add(new Link("service_dependencies", Space.Service, pairs, IsList: true, Later: true));
        }
        return planned;
    }

    private List<string> HostsOf(ConfigObject o, string hostKey, string groupKey, string what) =>
        _config.SelectHosts(o, hostKey, groupKey, what).Order(StringComparer.Ordinal).ToList();

    private Planned HostDependency(ConfigObject o)
    {
        var masters = Lists.Split(o.Get("host_name"));
        var dependents = Lists.Split(o.Get("dependent_host_name"));
        var masterGroups = Lists.Split(o.Get("hostgroup_name"));
        var dependentGroups = Lists.Split(o.Get("dependent_hostgroup_name"));
        var name = o.Get("dependency_name")
            ?? $"{string.Join(",", masters.Concat(masterGroups))} -> {string.Join(",", (dependents.Count > 0 ? dependents : masters).Concat(dependentGroups))}";
        var planned = Simple(o, Space.HostDependency, name, DependencyFields);
        planned.Links.Add(new Link("hosts", Space.Host, masters, IsList: true));
        planned.Links.Add(new Link("hostgroups", Space.Hostgroup, masterGroups, IsList: true));
        planned.Links.Add(new Link("dependent_hosts", Space.Host, dependents, IsList: true));
        planned.Links.Add(new Link("dependent_hostgroups", Space.Hostgroup, dependentGroups, IsList: true));
        Criteria(planned, o, host: true);
        Period(planned, "dependency_period");
        return planned;
    }

    private Planned ServiceDependency(ConfigObject o)
    {
        var what = "servicedependency";
        var masters = HostsOf(o, "host_name", "hostgroup_name", what);
        var dependentHosts = o.Get("dependent_host_name") is null && o.Get("dependent_hostgroup_name") is null
            ? masters : HostsOf(o, "dependent_host_name", "dependent_hostgroup_name", what);
        var services = Pairs(masters, o.Get("service_description"));
        var dependentServices = Pairs(dependentHosts, o.Get("dependent_service_description"));
        var name = o.Get("dependency_name") ?? $"{string.Join(",", services)} -> {string.Join(",", dependentServices)}";
        var planned = Simple(o, Space.ServiceDependency, name, DependencyFields);
        planned.Links.Add(new Link("hosts", Space.Host, Lists.Split(o.Get("host_name")).Where(_config.HasHost).ToList(), IsList: true));
        planned.Links.Add(new Link("hostgroups", Space.Hostgroup, Lists.Split(o.Get("hostgroup_name")), IsList: true));
        planned.Links.Add(new Link("dependent_hosts", Space.Host, Lists.Split(o.Get("dependent_host_name")).Where(_config.HasHost).ToList(), IsList: true));
        planned.Links.Add(new Link("dependent_hostgroups", Space.Hostgroup, Lists.Split(o.Get("dependent_hostgroup_name")), IsList: true));
        planned.Links.Add(new Link("services", Space.Service, services, IsList: true));
        planned.Links.Add(new Link("dependent_services", Space.Service, dependentServices, IsList: true));
        Criteria(planned, o, host: false);
        Period(planned, "dependency_period");
        return planned;
    }

    /// <summary><c>host/description</c> keys for hosts x descriptions; <c>*</c> is every service of the host.</summary>
    private List<string> Pairs(List<string> hosts, string? descriptions) =>
        hosts.SelectMany(h => Lists.Split(descriptions).SelectMany(d => d == "*" ? _config.ServicesOf(h) : [d]).Select(d => h + "/" + d))
            .Distinct(StringComparer.Ordinal).ToList();

    private static void Criteria(Planned planned, ConfigObject o, bool host)
    {
        foreach (var field in new[] { "execution_failure_criteria", "notification_failure_criteria" })
            if (o.Get(field) is { } value) planned.Fields[field] = Letters(value, host);
    }

    private static void Period(Planned planned, string field)
    {
        if (!planned.Links.Any(l => l.Field == field)) planned.Links.Add(new Link(field, Space.Timeperiod, ["24x7"], IsList: false));
    }

    private Planned HostEscalation(ConfigObject o)
    {
        var hosts = Lists.Split(o.Get("host_name"));
        var groups = Lists.Split(o.Get("hostgroup_name"));
        var name = o.Get("escalation_name") ?? (hosts.Count > 0 ? "he_" + string.Join(",", hosts) : "hehg_" + string.Join(",", groups));
        var planned = Simple(o, Space.HostEscalation, name, EscalationFields);
        planned.Links.Add(new Link("hosts", Space.Host, hosts, IsList: true));
        planned.Links.Add(new Link("hostgroups", Space.Hostgroup, groups, IsList: true));
        if (o.Get("escalation_options") is { } options) planned.Fields["escalation_options"] = Letters(options, host: true);
        Period(planned, "escalation_period");
        AddEscalatedContacts(planned, o, HostsOf(o, "host_name", "hostgroup_name", "hostescalation").Select(_config.Host).OfType<ConfigObject>());
        return planned;
    }

    /// <summary>Nagios: an escalation's <c>+contacts</c> / <c>+contact_groups</c> add to those of what it escalates.</summary>
    private static void AddEscalatedContacts(Planned planned, ConfigObject o, IEnumerable<ConfigObject> escalated)
    {
        var sources = escalated.ToList();
        foreach (var (directive, field) in new[] { ("contacts", "users"), ("contact_groups", "usergroups") })
        {
            if (!(o.Own.TryGetValue(directive, out var own) && own.Value.StartsWith('+'))) continue;
            var link = planned.Links.Single(l => l.Field == field);
            var added = sources.SelectMany(x => Lists.Split(x.Get(directive))).Select(n => field == "users" ? UserName(n) : n);
            planned.Links[planned.Links.IndexOf(link)] = link with { Names = link.Names.Concat(added).Distinct(StringComparer.Ordinal).ToList() };
        }
    }

    private Planned ServiceEscalation(ConfigObject o)
    {
        var hosts = Lists.Split(o.Get("host_name"));
        var groups = Lists.Split(o.Get("hostgroup_name"));
        var description = o.Get("service_description") ?? "";
        var name = o.Get("escalation_name")
            ?? (hosts.Count > 0 ? $"se_{string.Join(",", hosts)}_{description}" : $"sehg_{string.Join(",", groups)}_{description}");
        var planned = Simple(o, Space.ServiceEscalation, name, EscalationFields);
        planned.Links.Add(new Link("hosts", Space.Host, hosts, IsList: true));
        planned.Links.Add(new Link("hostgroups", Space.Hostgroup, groups, IsList: true));
        var services = Pairs(HostsOf(o, "host_name", "hostgroup_name", "serviceescalation"), description);
        planned.Links.Add(new Link("services", Space.Service, services, IsList: true));
        var byKey = services.ToHashSet(StringComparer.Ordinal);
        AddEscalatedContacts(planned, o, _config.Services.Where(x => byKey.Contains(x.Get("host_name") + "/" + x.Get("service_description"))));
        foreach (var required in new[] { "users", "usergroups" })
            if (!planned.Links.Any(l => l.Field == required)) planned.Fields[required] = new JsonArray();
        if (o.Get("escalation_options") is { } options) planned.Fields["escalation_options"] = Letters(options, host: true);
        Period(planned, "escalation_period");
        return planned;
    }

    private static JsonArray Letters(string value, bool host) =>
        new(Lists.Split(value).Select(l => (JsonNode)(host && l == "u" ? "x" : l)).ToArray());

    /// <summary>Directives read elsewhere (names, group sides, expansions): not "ignored".</summary>
    private static readonly HashSet<string> Consumed = new(StringComparer.Ordinal)
    {
        "host_name", "service_description", "name", "use", "register", "hostgroups", "hostgroup_name", "servicegroups",
        "contactgroups", "members", "hostgroup_members", "servicegroup_members", "contactgroup_members", "realm_members",
        "higher_realms", "realm_name", "command_name", "timeperiod_name", "contact_name", "contactgroup_name",
        "servicegroup_name", "notificationway_name", "notificationways", "exclude", "duplicate_foreach",
        "service_dependencies", "service_overrides", "dependent_host_name", "dependent_hostgroup_name",
        "dependent_service_description", "escalation_options", "execution_failure_criteria",
        "notification_failure_criteria", "escalation_name", "default", "servicegroup_name", "dependency_name",
        "imported_from", "definition_order",
    };

    private readonly HashSet<string> _ignoredReported = new(StringComparer.Ordinal);

    private void Apply(Planned planned, ConfigObject o, Dictionary<string, Field> table, string directive, string value)
    {
        if (!table.TryGetValue(directive, out var field))
        {
            // Said once per type and directive (with -v): the backend has no field for it.
            if (!Consumed.Contains(directive) && !(planned.Resource == "timeperiod" && Timeperiods.IsDateRangeKey(directive))
                && _ignoredReported.Add(o.Type + "\u0001" + directive))
                _problems.Add(ProblemKind.Warning, o.WhereOf(directive), $"{o.Type} directive '{directive}' has no backend field: not imported");
            return;
        }
        var where = o.WhereOf(directive);
        switch (field.Kind)
        {
            case Kind.Str: planned.Fields[field.Name] = value; break;
            case Kind.Int:
                if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) planned.Fields[field.Name] = number;
                else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
                {
                    // The backend stores integers (Alignak's interval_length makes 0.5 meaningful there).
                    planned.Fields[field.Name] = (long)Math.Round(real, MidpointRounding.AwayFromZero);
                    _problems.Add(ProblemKind.Warning, where, $"{planned.Describe()}: {directive} '{value}' rounded to {planned.Fields[field.Name]}");
                }
                else _problems.Add(ProblemKind.Unresolved, where, $"{planned.Describe()}: {directive} '{value}' is not a number");
                break;
            case Kind.Bool:
                switch (value.Trim().ToLowerInvariant())
                {
                    case "1" or "yes" or "true" or "on": planned.Fields[field.Name] = true; break;
                    case "0" or "no" or "false" or "off": planned.Fields[field.Name] = false; break;
                    default: _problems.Add(ProblemKind.Unresolved, where, $"{planned.Describe()}: {directive} '{value}' is not a boolean"); break;
                }
                break;
            case Kind.StrList: planned.Fields[field.Name] = new JsonArray(Lists.Split(value).Select(v => (JsonNode)v).ToArray()); break;
            case Kind.Letters: planned.Fields[field.Name] = Letters(value, host: false); break;
            case Kind.HostLetters: planned.Fields[field.Name] = Letters(value, host: planned.Resource == "host"); break;
            case Kind.HostLetter:
                var letter = value.Trim();
                planned.Fields[field.Name] = planned.Resource == "host" && letter == "u" ? "x" : letter;
                break;
            case Kind.Ref:
                var target = field.Target == Space.Timeperiod ? BackendTimeperiod(value) ?? value : value;
                planned.Links.Add(new Link(field.Name, field.Target, [target], IsList: false, field.Later, field.Fallback));
                break;
            case Kind.RefList:
                var names = Lists.Split(value);
                if (field.Target == Space.User) names = names.Select(UserName).ToList();
                planned.Links.Add(new Link(field.Name, field.Target, names, IsList: true, field.Later));
                break;
            case Kind.Command:
                // cmd!arg1!arg2: the command's id, and its arguments as one !-joined string (\! is a literal !).
                var parts = Regex.Split(value, @"(?<!\\)!");
                var command = parts[0].Trim();
                var args = string.Join("!", parts.Skip(1)).Replace("\\!", "!");
                if (command.Length == 0) break;
                planned.Links.Add(new Link(field.Name, Space.Command, [command], IsList: false));
                if (field.Name != "snapshot_command") planned.Fields[field.Name + "_args"] = args;
                break;
        }
    }
}

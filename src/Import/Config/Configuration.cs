using System.Text.RegularExpressions;

namespace Alignak.Import.Config;

/// <summary>
/// A whole configuration, read, inherited and expanded as Nagios/Alignak would (spec b): concrete hosts (name
/// generators applied), services one per host (host lists, hostgroup expressions, host templates,
/// <c>duplicate_foreach</c>, implied inheritance), groups with members from both sides (implicit groups too),
/// realms and their tree, notification ways merged into contacts. Templates are kept for the backend.
/// </summary>
public sealed partial class Configuration
{
    public ProblemList Problems { get; }
    public IReadOnlyDictionary<string, string> Macros { get; private set; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Files { get; private set; } = [];

    public List<ConfigObject> Commands { get; } = [];
    public List<ConfigObject> Timeperiods { get; } = [];
    public List<ConfigObject> Realms { get; } = [];
    public List<ConfigObject> ContactTemplates { get; } = [];
    public List<ConfigObject> Contacts { get; } = [];
    public List<ConfigObject> Contactgroups { get; } = [];
    public List<ConfigObject> HostTemplates { get; } = [];
    public List<ConfigObject> Hosts { get; } = [];
    public List<ConfigObject> Hostgroups { get; } = [];
    public List<ConfigObject> ServiceTemplates { get; } = [];
    public List<ConfigObject> Services { get; } = [];
    public List<ConfigObject> Servicegroups { get; } = [];
    public List<ConfigObject> HostDependencies { get; } = [];
    public List<ConfigObject> ServiceDependencies { get; } = [];
    public List<ConfigObject> HostEscalations { get; } = [];
    public List<ConfigObject> ServiceEscalations { get; } = [];

    private readonly Dictionary<string, ConfigObject> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigObject> _hostgroups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _servicesByHost = new(StringComparer.Ordinal);
    private Inheritance _inheritance = null!;
    /// <summary><c>use_regexp_matching</c> (1: names with <c>* ? +</c> or <c>\.</c> are regexes) or <c>use_true_regexp_matching</c> (2: all are).</summary>
    private int _regexMatching;

    private Configuration(ProblemList problems) => Problems = problems;

    /// <summary>Object types that hold no backend data (daemons, modules, modulations): read and left aside.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "arbiter", "scheduler", "poller", "reactionner", "broker", "receiver", "module", "businessimpactmodulation",
        "resultmodulation", "macromodulation", "checkmodulation", "trigger", "discoveryrule", "discoveryrun",
        "escalation",
    };

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "command", "timeperiod", "realm", "contact", "contactgroup", "notificationway", "host", "hostgroup", "service",
        "servicegroup", "hostdependency", "servicedependency", "hostescalation", "serviceescalation", "hostextinfo",
        "serviceextinfo",
    };

    public static Configuration Load(IEnumerable<string> mainFiles)
    {
        var configuration = new Configuration(new ProblemList());
        var reader = new ConfigReader(configuration.Problems);
        foreach (var file in mainFiles) reader.ReadMain(file);
        configuration.Macros = reader.Macros;
        configuration._regexMatching = reader.Options.GetValueOrDefault("use_true_regexp_matching") == "1" ? 2
            : reader.Options.GetValueOrDefault("use_regexp_matching") == "1" ? 1 : 0;
        configuration.Files = reader.Files;
        configuration.Build(reader.Objects);
        return configuration;
    }

    /// <summary>Parses object definitions given as text (unit tests).</summary>
    public static Configuration FromText(string text, string file = "test.cfg")
    {
        var folder = Directory.CreateTempSubdirectory("alignak-import-").FullName;
        try
        {
            var path = Path.Combine(folder, file);
            File.WriteAllText(path, text);
            return Load([path]);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    private void Build(List<ConfigObject> objects)
    {
        foreach (var o in objects.Where(o => !Known.Contains(o.Type) && !Ignored.Contains(o.Type)))
            Problems.Add(ProblemKind.Warning, o.Where, $"unknown object type '{o.Type}' ignored");
        objects = objects.Where(o => Known.Contains(o.Type)).ToList();
        _inheritance = new Inheritance(objects, Problems);
        foreach (var o in objects)
        {
            _inheritance.Resolve(o);
            Inheritance.DropNulls(o);
        }
        IEnumerable<ConfigObject> Of(string type) => objects.Where(o => o.Type == type);

        Named(Of("command").Where(o => o.IsRegistered), "command_name", Commands);
        Named(Of("timeperiod").Where(o => o.IsRegistered), "timeperiod_name", Timeperiods);
        Named(Of("realm").Where(o => o.IsRegistered), "realm_name", Realms);
        ContactTemplates.AddRange(Of("contact").Where(o => o.TemplateName is not null));
        Named(Of("contact").Where(o => o.IsRegistered), "contact_name", Contacts);
        Named(Of("contactgroup").Where(o => o.IsRegistered), "contactgroup_name", Contactgroups);
        HostTemplates.AddRange(Of("host").Where(o => o.TemplateName is not null));
        BuildHosts(Of("host").Where(o => o.IsRegistered));
        ApplyExtInfo(Of("hostextinfo"), "host");
        Named(Of("hostgroup").Where(o => o.IsRegistered), "hostgroup_name", Hostgroups);
        BuildHostgroups();
        ServiceTemplates.AddRange(Of("service").Where(o => o.TemplateName is not null));
        BuildServices(Of("service").Where(o => o.IsRegistered).ToList());
        ApplyExtInfo(Of("serviceextinfo"), "service");
        Named(Of("servicegroup").Where(o => o.IsRegistered), "servicegroup_name", Servicegroups);
        BuildServicegroups();
        BuildContacts(Of("notificationway").ToList());
        BuildRealms();
        HostDependencies.AddRange(Of("hostdependency").Where(o => o.IsRegistered));
        ServiceDependencies.AddRange(Of("servicedependency").Where(o => o.IsRegistered));
        HostEscalations.AddRange(Of("hostescalation").Where(o => o.IsRegistered));
        ServiceEscalations.AddRange(Of("serviceescalation").Where(o => o.IsRegistered));
    }

    /// <summary>Registered objects need their name; a second definition of a name replaces the first (warned).</summary>
    private void Named(IEnumerable<ConfigObject> objects, string nameKey, List<ConfigObject> into)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            if (o.Get(nameKey) is not { Length: > 0 } name)
            {
                if (o.TemplateName is null)
                    Problems.Add(ProblemKind.NoName, o.Where, $"{o.Type} without {nameKey}: skipped");
                continue;
            }
            if (index.TryGetValue(name, out var at))
            {
                Problems.Add(ProblemKind.Warning, o.Where, $"{o.Type} '{name}' defined again (first at {into[at].Where}): this definition wins");
                into[at] = o;
            }
            else
            {
                index[name] = into.Count;
                into.Add(o);
            }
        }
    }

    public static string NameOf(ConfigObject o) => o.Type switch
    {
        "service" => o.Get("service_description") ?? o.TemplateName ?? "",
        "contact" => o.Get("contact_name") ?? o.TemplateName ?? "",
        _ => o.Get(o.Type + "_name") ?? o.TemplateName ?? "",
    };

    // ---- hosts -----------------------------------------------------------------------------------

    [GeneratedRegex(@"\[(\d+)-(\d+)(?:-%(0?)(\d*)d)?\]")]
    private static partial Regex Generator();

    private void BuildHosts(IEnumerable<ConfigObject> hosts)
    {
        var expanded = new List<ConfigObject>();
        foreach (var host in hosts)
        {
            if (host.Get("host_name") is not { Length: > 0 } name)
            {
                if (host.TemplateName is null) Problems.Add(ProblemKind.NoName, host.Where, "host without host_name: skipped");
                continue;
            }
            if (Generator().Match(name) is { Success: true } g)
            {
                // Shinken/Alignak host name generator: srv-[1-20] or name_[0-19-%03d].
                var width = 0;
                if (!int.TryParse(g.Groups[1].Value, out var from) || !int.TryParse(g.Groups[2].Value, out var to)
                    || (g.Groups[4].Value.Length > 0 && !int.TryParse(g.Groups[4].Value, out width))
                    || to < from || to - from > 100_000 || width > 20)
                {
                    Problems.Add(ProblemKind.Unresolved, host.WhereOf("host_name"), $"bad host name generator '{g.Value}'");
                    continue;
                }
                for (var i = from; i <= to; i++)
                {
                    var copy = host.Copy();
                    copy.Set("host_name", name[..g.Index] + i.ToString(width > 0 ? "D" + width : "D") + name[(g.Index + g.Length)..]);
                    expanded.Add(copy);
                }
            }
            else expanded.Add(host);
        }
        Named(expanded, "host_name", Hosts);
        foreach (var host in Hosts) _hosts[host.Get("host_name")!] = host;
    }

    private void ApplyExtInfo(IEnumerable<ConfigObject> extinfos, string type)
    {
        foreach (var info in extinfos)
        {
            IEnumerable<ConfigObject> targets = type == "host"
                ? Lists.Split(info.Get("host_name")).Select(h => _hosts.GetValueOrDefault(h)).OfType<ConfigObject>()
                : Services.Where(s => s.Get("host_name") == info.Get("host_name") && s.Get("service_description") == info.Get("service_description"));
            foreach (var target in targets)
                foreach (var (key, value) in info.Values)
                    if (key is not ("host_name" or "service_description") && target.Get(key) is null) target.Set(key, value);
        }
    }

    /// <summary>Concrete hosts that use a host template, directly or through other templates.</summary>
    private IEnumerable<string> HostsUsingTemplate(string template)
    {
        bool Uses(ConfigObject o, HashSet<string> seen) => o.Use.Any(u =>
            u == template || (seen.Add(u) && _inheritance.Template("host", u) is { } t && Uses(t, seen)));
        return Hosts.Where(h => Uses(h, [])).Select(h => h.Get("host_name")!);
    }

    public IReadOnlyCollection<string> HostNames => _hosts.Keys;

    /// <summary>One name of a host list: the host, or with regexp matching on, every host the expression finds.</summary>
    private IEnumerable<string>? HostByName(string name) => Matching(name, _hosts.Keys) ?? (_hosts.ContainsKey(name) ? [name] : null);

    private IEnumerable<string>? Matching(string name, IEnumerable<string> names)
    {
        if (_regexMatching == 0 || (_regexMatching == 1 && name.IndexOfAny(['*', '?', '+']) < 0 && !name.Contains("\\.")))
            return null;
        try
        {
            var regex = new Regex(name, RegexOptions.None, TimeSpan.FromSeconds(1));
            var found = names.Where(n => regex.IsMatch(n)).ToList();
            return found.Count > 0 ? found : null;
        }
        catch (ArgumentException) { return null; }
    }
    public ConfigObject? Host(string name) => _hosts.GetValueOrDefault(name);
    public bool HasHost(string name) => _hosts.ContainsKey(name);

    // ---- hostgroups ------------------------------------------------------------------------------

    private void BuildHostgroups()
    {
        foreach (var group in Hostgroups) _hostgroups[group.Get("hostgroup_name")!] = group;
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> Of(string group) => members.TryGetValue(group, out var list) ? list : members[group] = [];
        foreach (var host in Hosts)
            foreach (var group in Lists.Split(host.Get("hostgroups")))
            {
                if (!_hostgroups.ContainsKey(group))
                {
                    // Shinken/Alignak: a group named only by its members exists.
                    var implicitGroup = new ConfigObject("hostgroup", host.WhereOf("hostgroups"));
                    implicitGroup.Set("hostgroup_name", group);
                    Hostgroups.Add(implicitGroup);
                    _hostgroups[group] = implicitGroup;
                }
                Of(group).Add(host.Get("host_name")!);
            }
        foreach (var group in Hostgroups)
        {
            var name = group.Get("hostgroup_name")!;
            if (group.Get("members") is { } list)
                Of(name).AddRange(NameExpression.Evaluate(list, _hosts.Keys, HostByName,
                    unknown => Problems.Add(ProblemKind.Unresolved, group.WhereOf("members"), $"hostgroup '{name}': unknown host '{unknown}'"), _regexMatching > 0)
                    .Order(StringComparer.Ordinal));
            var children = new List<string>();
            foreach (var child in Lists.Split(group.Get("hostgroup_members")))
                if (_hostgroups.ContainsKey(child)) children.Add(child);
                else Problems.Add(ProblemKind.Unresolved, group.WhereOf("hostgroup_members"), $"hostgroup '{name}': unknown hostgroup member '{child}'");
            group.Links["hostgroups"] = children;
        }
        foreach (var group in Hostgroups)
            group.Links["hosts"] = Of(group.Get("hostgroup_name")!).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every host of a hostgroup, those of its nested groups included; null for an unknown group.</summary>
    public IEnumerable<string>? HostsOfGroup(string name)
    {
        if (!_hostgroups.ContainsKey(name))
            return Matching(name, _hostgroups.Keys) is { } groups ? groups.SelectMany(g => HostsOfGroup(g)!).Distinct().ToList() : null;
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var group))
        {
            if (!seen.Add(group) || !_hostgroups.TryGetValue(group, out var o)) continue;
            hosts.UnionWith(o.Links.GetValueOrDefault("hosts") ?? []);
            foreach (var child in o.Links.GetValueOrDefault("hostgroups") ?? []) pending.Push(child);
        }
        return hosts;
    }

    public bool HasHostgroup(string name) => _hostgroups.ContainsKey(name);

    /// <summary>Hosts named by a <c>host_name</c> list and a <c>hostgroup_name</c> expression, unknown names reported.</summary>
    public HashSet<string> SelectHosts(ConfigObject o, string hostKey, string groupKey, string what)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (o.Get(hostKey) is { Length: > 0 } hosts)
            result.UnionWith(NameExpression.Evaluate(hosts, _hosts.Keys, HostByName,
                unknown => Problems.Add(ProblemKind.Unresolved, o.WhereOf(hostKey), $"{what}: unknown host '{unknown}'"), _regexMatching > 0));
        if (o.Get(groupKey) is { Length: > 0 } groups)
            result.UnionWith(NameExpression.Evaluate(groups, _hosts.Keys, HostsOfGroup,
                unknown => Problems.Add(ProblemKind.Unresolved, o.WhereOf(groupKey), $"{what}: unknown hostgroup '{unknown}'"), _regexMatching > 0));
        result.ExceptWith(Excluded(o, hostKey, groupKey));
        return result;
    }

    /// <summary>
    /// <c>!name</c> items of plain lists exclude from the whole definition (Nagios): <c>hostgroup_name web</c> with
    /// <c>host_name !web2</c> leaves web2 out. Expressions handle their own <c>!</c>.
    /// </summary>
    private HashSet<string> Excluded(ConfigObject o, string hostKey, string groupKey)
    {
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> Negated(string key) => Lists.Split(o.Get(key)).Where(i => i.StartsWith('!')).Select(i => i[1..].Trim());
        if (o.Get(hostKey) is { } hosts && !NameExpression.IsExpression(hosts))
            foreach (var name in Negated(hostKey)) excluded.UnionWith(HostByName(name) ?? []);
        if (o.Get(groupKey) is { } groups && !NameExpression.IsExpression(groups))
            foreach (var name in Negated(groupKey)) excluded.UnionWith(HostsOfGroup(name) ?? []);
        return excluded;
    }

    // ---- services --------------------------------------------------------------------------------

    private static readonly string[] ImpliedFromHost =
    [
        "notification_interval", "notification_period", "check_period", "maintenance_period", "poller_tag",
        "reactionner_tag", "business_impact",
    ];

    private void BuildServices(List<ConfigObject> definitions)
    {
        // (host, description) -> (priority, service): a direct host definition beats a hostgroup one, which beats a host template's.
        var chosen = new Dictionary<(string, string), (int Priority, ConfigObject Service)>();
        var order = new List<(string, string)>();
        void Offer(ConfigObject service, string host, int priority)
        {
            foreach (var copy in Duplicates(service, _hosts[host]))
            {
                var key = (host, copy.Get("service_description")!);
                if (chosen.TryGetValue(key, out var existing))
                {
                    if (existing.Priority > priority) continue;
                    if (existing.Priority == priority)
                        Problems.Add(ProblemKind.Warning, copy.Where, $"service '{key.Item2}' on host '{host}' defined again (first at {existing.Service.Where}): this definition wins");
                }
                else order.Add(key);
                chosen[key] = (priority, copy);
            }
        }

        foreach (var template in ServiceTemplates.Where(t => t.Get("host_name") is { Length: > 0 }))
        {
            var description = template.Get("service_description") ?? template.TemplateName!;
            var hosts = NameExpression.Evaluate(template.Get("host_name")!, _hosts.Keys,
                // A real host named by a template is for the services that use it (plain inheritance), not an instance.
                name => _inheritance.Template("host", name) is not null ? HostsUsingTemplate(name) : _hosts.ContainsKey(name) ? [] : null,
                unknown => Problems.Add(ProblemKind.Unresolved, template.WhereOf("host_name"), $"service template '{template.TemplateName}': unknown host template '{unknown}'"));
            foreach (var host in hosts.Order(StringComparer.Ordinal))
            {
                var h = _hosts[host];
                if (Lists.Split(h.Get("service_excludes")).Contains(description)) continue;
                if (h.Get("service_includes") is { } includes && !Lists.Split(includes).Contains(description)) continue;
                var service = template.Copy();
                foreach (var key in service.Values.Keys) service.Origin[key] = 0;
                service.Templates = [template.TemplateName!];
                service.FromHostTemplate = true;
                service.Set("service_description", description);
                service.Set("host_name", host);
                Offer(service, host, 1);
            }
        }

        foreach (var service in definitions)
        {
            if (service.Get("service_description") is not { Length: > 0 } description)
            {
                Problems.Add(ProblemKind.NoName, service.Where, "service without service_description: skipped");
                continue;
            }
            var what = $"service '{description}'";
            if (service.Get("host_name") is not { Length: > 0 } && service.Get("hostgroup_name") is not { Length: > 0 })
            {
                Problems.Add(ProblemKind.Unresolved, service.Where, $"{what} has neither host_name nor hostgroup_name");
                continue;
            }
            var direct = service.Get("host_name") is { Length: > 0 } hostList
                ? NameExpression.Evaluate(hostList, _hosts.Keys, HostByName,
                    unknown => Problems.Add(ProblemKind.Unresolved, service.WhereOf("host_name"), $"{what}: unknown host '{unknown}'"), _regexMatching > 0)
                : [];
            var fromGroups = service.Get("hostgroup_name") is { Length: > 0 } groups
                ? NameExpression.Evaluate(groups, _hosts.Keys, HostsOfGroup,
                    unknown => Problems.Add(ProblemKind.Unresolved, service.WhereOf("hostgroup_name"), $"{what}: unknown hostgroup '{unknown}'"), _regexMatching > 0)
                : [];
            if (fromGroups.Count == 0 && service.Get("hostgroup_name") is { Length: > 0 } && direct.Count == 0)
                Problems.Add(ProblemKind.Warning, service.WhereOf("hostgroup_name"), $"{what}: its hostgroups have no host, no service made");
            var excluded = Excluded(service, "host_name", "hostgroup_name");
            foreach (var host in direct.Union(fromGroups).Except(excluded).Order(StringComparer.Ordinal))
            {
                var copy = service.Copy();
                copy.Set("host_name", host);
                Offer(copy, host, direct.Contains(host) ? 3 : 2);
            }
        }

        foreach (var key in order)
        {
            var service = chosen[key].Service;
            var host = _hosts[key.Item1];
            ApplyOverrides(service, host);
            if (service.Get("contacts") is null && service.Get("contact_groups") is null)
            {
                if (host.Get("contacts") is { } contacts) service.Set("contacts", contacts);
                if (host.Get("contact_groups") is { } contactGroups) service.Set("contact_groups", contactGroups);
            }
            foreach (var field in ImpliedFromHost)
                if (service.Get(field) is null && host.Get(field) is { } value) service.Set(field, value);
            Services.Add(service);
            (_servicesByHost.TryGetValue(key.Item1, out var list) ? list : _servicesByHost[key.Item1] = []).Add(key.Item2);
        }
    }

    /// <summary><c>service_overrides</c> of the host: <c>description,directive value</c>.</summary>
    private void ApplyOverrides(ConfigObject service, ConfigObject host)
    {
        foreach (var entry in (host.Get("service_overrides") ?? "").Split(',').Select(s => s.Trim()).Chunk(2).Where(c => c.Length == 2))
        {
            if (entry[0] != service.Get("service_description") && entry[0] != "*") continue;
            var cut = entry[1].IndexOfAny([' ', '\t']);
            if (cut > 0) service.Set(entry[1][..cut], entry[1][(cut + 1)..].Trim());
        }
    }

    [GeneratedRegex(@"\$\(([^)]*)\)\$")]
    private static partial Regex GeneratorValue();

    [GeneratedRegex(@"\[(\d+)-(\d+)\]")]
    private static partial Regex KeyRange();

    /// <summary><c>duplicate_foreach _VAR</c>: one copy per key of the host's variable (spec b.10); else the service itself.</summary>
    private IEnumerable<ConfigObject> Duplicates(ConfigObject service, ConfigObject host)
    {
        if (service.Get("duplicate_foreach") is not { Length: > 0 } variable)
        {
            yield return service;
            yield break;
        }
        var name = variable.Trim().ToUpperInvariant();
        if (!name.StartsWith('_')) name = "_" + name;
        var skipped = Lists.Split(host.Get("_!" + name[1..])).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, values) in GeneratorEntries(host.Get(name) ?? ""))
        {
            if (skipped.Contains(key)) continue;
            var copy = service.Copy();
            var defaultValue = service.Get("default_value") ?? "";
            string Substitute(string text)
            {
                text = text.Replace("$KEY$", key);
                text = text.Replace("$VALUE$", values.Count > 0 ? values[0] : defaultValue);
                for (var i = 0; i < Math.Max(values.Count, 9); i++)
                    text = text.Replace($"$VALUE{i + 1}$", i < values.Count ? values[i] : defaultValue);
                return text;
            }
            copy.Set("service_description", Regex.Replace(service.Get("service_description")!.Replace("$KEY$", key), "[`~!$%^&*\"|'<>?,()=]", "_"));
            foreach (var field in new[] { "check_command", "event_handler", "aggregation" })
                if (copy.Get(field) is { } text) copy.Set(field, Substitute(text));
            copy.Values.Remove("duplicate_foreach");
            copy.FromHostTemplate = false; // the backend cannot make these itself (see the service template's host)
            yield return copy;
        }
    }

    /// <summary><c>key$(v1)$$(v2)$, Disk [1-3] $(v)$</c>: keys with their values, ranges expanded.</summary>
    internal static List<(string Key, List<string> Values)> GeneratorEntries(string text)
    {
        var entries = new List<(string, List<string>)>();
        foreach (var part in Lists.Split(text))
        {
            var values = GeneratorValue().Matches(part).Select(m => m.Groups[1].Value).ToList();
            var key = GeneratorValue().Replace(part, "").Trim();
            if (KeyRange().Match(key) is { Success: true } range && int.TryParse(range.Groups[1].Value, out var first)
                && int.TryParse(range.Groups[2].Value, out var last) && last - first <= 10_000)
            {
                for (var i = first; i <= last; i++)
                    entries.Add((key[..range.Index] + i + key[(range.Index + range.Length)..], values));
            }
            else if (key.Length > 0) entries.Add((key, values));
        }
        return entries;
    }

    public IReadOnlyList<string> ServicesOf(string host) => _servicesByHost.TryGetValue(host, out var list) ? list : [];
    public bool HasService(string host, string description) => ServicesOf(host).Contains(description);

    // ---- service groups, contacts, realms --------------------------------------------------------

    private void BuildServicegroups()
    {
        var byName = Servicegroups.ToDictionary(g => g.Get("servicegroup_name")!, StringComparer.Ordinal);
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> Of(string group) => members.TryGetValue(group, out var list) ? list : members[group] = [];
        foreach (var service in Services)
            foreach (var group in Lists.Split(service.Get("servicegroups")))
            {
                if (!byName.ContainsKey(group))
                {
                    var implicitGroup = new ConfigObject("servicegroup", service.WhereOf("servicegroups"));
                    implicitGroup.Set("servicegroup_name", group);
                    Servicegroups.Add(implicitGroup);
                    byName[group] = implicitGroup;
                }
                Of(group).Add(service.Get("host_name") + "/" + service.Get("service_description"));
            }
        foreach (var group in Servicegroups)
        {
            var name = group.Get("servicegroup_name")!;
            var list = Lists.Split(group.Get("members"));
            for (var i = 0; i + 1 < list.Count; i += 2)
            {
                if (HasService(list[i], list[i + 1])) Of(name).Add(list[i] + "/" + list[i + 1]);
                else Problems.Add(ProblemKind.Unresolved, group.WhereOf("members"), $"servicegroup '{name}': unknown service '{list[i + 1]}' on host '{list[i]}'");
            }
            if (list.Count % 2 == 1)
                Problems.Add(ProblemKind.Unresolved, group.WhereOf("members"), $"servicegroup '{name}': members must be host,service pairs");
            group.Links["services"] = Of(name).Distinct(StringComparer.Ordinal).ToList();
            group.Links["servicegroups"] = Lists.Split(group.Get("servicegroup_members"))
                .Where(child => byName.ContainsKey(child) || Report(group, "servicegroup_members", $"servicegroup '{name}': unknown servicegroup member '{child}'"))
                .ToList();
        }
    }

    private bool Report(ConfigObject o, string key, string message)
    {
        Problems.Add(ProblemKind.Unresolved, o.WhereOf(key), message);
        return false;
    }

    private static readonly string[] WayFields =
    [
        "host_notifications_enabled", "service_notifications_enabled", "host_notification_period",
        "service_notification_period", "host_notification_options", "service_notification_options", "min_business_impact",
    ];

    private void BuildContacts(List<ConfigObject> ways)
    {
        var waysByName = new Dictionary<string, ConfigObject>(StringComparer.Ordinal);
        foreach (var way in ways.Where(w => w.Get("notificationway_name") is not null)) waysByName[way.Get("notificationway_name")!] = way;
        foreach (var contact in Contacts.Concat(ContactTemplates))
        {
            var names = Lists.Split(contact.Get("notificationways"));
            var known = names.Where(n => waysByName.ContainsKey(n) || Report(contact, "notificationways", $"contact '{NameOf(contact)}': unknown notificationway '{n}'")).ToList();
            if (known.Count == 0) continue;
            // The first notification way gives the periods and options; every way's commands add up (original #19, #83).
            var first = waysByName[known[0]];
            foreach (var field in WayFields)
                if (first.Get(field) is { } value) contact.Set(field, value);
            foreach (var field in new[] { "host_notification_commands", "service_notification_commands" })
            {
                var commands = Lists.Split(contact.Get(field)).Concat(known.SelectMany(n => Lists.Split(waysByName[n].Get(field))));
                if (commands.Any()) contact.Set(field, Lists.Join(commands));
            }
        }

        var groups = Contactgroups.ToDictionary(g => g.Get("contactgroup_name")!, StringComparer.Ordinal);
        var contactNames = Contacts.Select(c => c.Get("contact_name")!).ToHashSet(StringComparer.Ordinal);
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string> Of(string group) => members.TryGetValue(group, out var list) ? list : members[group] = [];
        foreach (var contact in Contacts)
            foreach (var group in Lists.Split(contact.Get("contactgroups")))
            {
                if (!groups.ContainsKey(group))
                {
                    var implicitGroup = new ConfigObject("contactgroup", contact.WhereOf("contactgroups"));
                    implicitGroup.Set("contactgroup_name", group);
                    Contactgroups.Add(implicitGroup);
                    groups[group] = implicitGroup;
                }
                Of(group).Add(contact.Get("contact_name")!);
            }
        foreach (var group in Contactgroups)
        {
            var name = group.Get("contactgroup_name")!;
            Of(name).AddRange(Lists.Split(group.Get("members"))
                .Where(c => contactNames.Contains(c) || Report(group, "members", $"contactgroup '{name}': unknown contact '{c}'")));
            group.Links["users"] = Of(name).Distinct(StringComparer.Ordinal).ToList();
            group.Links["usergroups"] = Lists.Split(group.Get("contactgroup_members"))
                .Where(g => groups.ContainsKey(g) || Report(group, "contactgroup_members", $"contactgroup '{name}': unknown contactgroup member '{g}'"))
                .ToList();
        }
    }

    private void BuildRealms()
    {
        var byName = Realms.ToDictionary(r => r.Get("realm_name")!, StringComparer.Ordinal);
        foreach (var realm in Realms)
        {
            var name = realm.Get("realm_name")!;
            foreach (var child in Lists.Split(realm.Get("realm_members")))
                if (!byName.TryGetValue(child, out var member))
                    Report(realm, "realm_members", $"realm '{name}': unknown realm member '{child}'");
                else if (!member.Links.ContainsKey("_parent")) member.Links["_parent"] = [name];
        }
        foreach (var realm in Realms.Where(r => !r.Links.ContainsKey("_parent")))
            if (Lists.Split(realm.Get("higher_realms")).FirstOrDefault() is { } parent)
            {
                if (byName.ContainsKey(parent)) realm.Links["_parent"] = [parent];
                else Report(realm, "higher_realms", $"realm '{realm.Get("realm_name")}': unknown higher realm '{parent}'");
            }
        // A loop in the tree would never reach All: cut it and say so.
        foreach (var realm in Realms)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var current = realm;
            while (current.Links.TryGetValue("_parent", out var p) && p.Count == 1)
            {
                if (!seen.Add(current.Get("realm_name")!))
                {
                    Report(realm, "realm_members", $"realm '{realm.Get("realm_name")}' is its own ancestor");
                    realm.Links.Remove("_parent");
                    break;
                }
                current = byName[p[0]];
            }
        }
    }
}

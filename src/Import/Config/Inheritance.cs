namespace Alignak.Import.Config;

/// <summary>
/// Templates (spec b.3-b.6): <c>name</c>, <c>use a,b</c> (first listed wins, each fully resolved first),
/// <c>+</c> additive values, <c>null</c>, never inheriting <c>name</c>/<c>register</c>/<c>use</c>; unknown
/// templates and loops reported at the <c>use</c> line.
/// </summary>
public sealed class Inheritance
{
    private static readonly HashSet<string> NeverInherited = new(StringComparer.Ordinal) { "name", "register", "use" };

    private readonly ProblemList _problems;
    private readonly Dictionary<string, Dictionary<string, ConfigObject>> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<ConfigObject> _done = [];

    public Inheritance(IEnumerable<ConfigObject> objects, ProblemList problems)
    {
        _problems = problems;
        foreach (var o in objects)
        {
            if (o.TemplateName is not { } name) continue;
            if (!_templates.TryGetValue(o.Type, out var byName)) _templates[o.Type] = byName = new(StringComparer.Ordinal);
            if (byName.ContainsKey(name))
                problems.Add(ProblemKind.Warning, o.Where, $"{o.Type} template '{name}' defined again: this definition wins");
            byName[name] = o;
        }
    }

    public ConfigObject? Template(string type, string name) =>
        _templates.TryGetValue(type, out var byName) && byName.TryGetValue(name, out var t) ? t : null;

    public IEnumerable<ConfigObject> Templates(string type) =>
        _templates.TryGetValue(type, out var byName) ? byName.Values : [];

    public void Resolve(ConfigObject o) => Resolve(o, []);

    private void Resolve(ConfigObject o, List<ConfigObject> chain)
    {
        if (_done.Contains(o)) return;
        if (chain.Contains(o))
        {
            var names = chain.SkipWhile(c => c != o).Select(c => c.TemplateName ?? "?").Append(o.TemplateName ?? "?");
            _problems.Add(ProblemKind.Unresolved, o.WhereOf("use"), $"template loop in {o.Type}: {string.Join(" -> ", names)}");
            return;
        }
        chain.Add(o);
        var parents = new List<ConfigObject?>();
        foreach (var name in o.Use)
        {
            var template = Template(o.Type, name);
            if (template is null)
                _problems.Add(ProblemKind.Unresolved, o.WhereOf("use"), $"{o.Type} uses unknown template '{name}'");
            else Resolve(template, chain);
            parents.Add(template);
        }
        chain.RemoveAt(chain.Count - 1);

        o.Values.Clear();
        o.Origin.Clear();
        foreach (var (key, directive) in o.Own)
        {
            if (NeverInherited.Contains(key)) continue;
            var value = directive.Value;
            if (value.StartsWith('+'))
            {
                var own = value[1..].Trim();
                var inherited = Inherited(parents, key, out _);
                value = inherited is null or "null" ? own : Lists.Join(Lists.Split(inherited).Concat(Lists.Split(own)));
            }
            o.Values[key] = value;
        }
        for (var i = 0; i < parents.Count; i++)
        {
            if (parents[i] is not { } parent) continue;
            foreach (var (key, value) in parent.Values)
                if (!NeverInherited.Contains(key) && !o.Values.ContainsKey(key))
                {
                    o.Values[key] = value;
                    o.Origin[key] = i;
                }
        }
        _done.Add(o);
    }

    private static string? Inherited(List<ConfigObject?> parents, string key, out int index)
    {
        for (index = 0; index < parents.Count; index++)
            if (parents[index]?.Values.TryGetValue(key, out var value) == true) return value;
        return null;
    }

    /// <summary>After inheritance: <c>null</c> values mean "empty, stop inheriting": they are removed.</summary>
    public static void DropNulls(ConfigObject o)
    {
        foreach (var key in o.Values.Where(p => p.Value == "null").Select(p => p.Key).ToList())
        {
            o.Values.Remove(key);
            o.Origin.Remove(key);
            o.Nulled.Add(key);
        }
    }
}

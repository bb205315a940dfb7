namespace Alignak.Import.Config;

/// <summary>One directive as written: its value and where.</summary>
public sealed record Directive(string Name, string Value, SourceLocation Where);

/// <summary>
/// One <c>define &lt;type&gt; { ... }</c> block. <see cref="Own"/> holds what the block says itself (repeated list
/// directives concatenated, scalars: last one wins); <see cref="Values"/> is filled by <see cref="Inheritance"/>
/// with the templates' values, and <see cref="Origin"/> tells which template of <c>use</c> gave each value.
/// </summary>
public sealed class ConfigObject
{
    public ConfigObject(string type, SourceLocation where)
    {
        Type = type;
        Where = where;
    }

    public string Type { get; }
    public SourceLocation Where { get; }
    public Dictionary<string, Directive> Own { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Per inherited key: the index in <see cref="Use"/> of the template it came from (own keys are absent).</summary>
    public Dictionary<string, int> Origin { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys set to <c>null</c> (empty on purpose, not to be filled from a template by the backend).</summary>
    public HashSet<string> Nulled { get; } = new(StringComparer.Ordinal);

    /// <summary>Lists computed by the loader (group members, a realm's parent...), by backend field.</summary>
    public Dictionary<string, List<string>> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>The templates for the backend's <c>_templates</c>; by default the <c>use</c> list.</summary>
    public List<string>? Templates { get; set; }

    /// <summary>A service made from a service template bound to a host template (spec b.9).</summary>
    public bool FromHostTemplate { get; set; }

    public string? TemplateName => Own.TryGetValue("name", out var d) && d.Value.Length > 0 ? d.Value : null;
    public bool IsRegistered => !(Own.TryGetValue("register", out var d) && d.Value.Trim() == "0");

    public IReadOnlyList<string> Use => Own.TryGetValue("use", out var d) ? Lists.Split(d.Value) : [];

    public string? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public SourceLocation WhereOf(string key) => Own.TryGetValue(key, out var d) ? d.Where : Where;

    /// <summary>A copy for an expansion (a generated host, a service per host): same values and origins.</summary>
    public ConfigObject Copy()
    {
        var copy = new ConfigObject(Type, Where);
        foreach (var (k, v) in Own) copy.Own[k] = v;
        foreach (var (k, v) in Values) copy.Values[k] = v;
        foreach (var (k, v) in Origin) copy.Origin[k] = v;
        copy.Nulled.UnionWith(Nulled);
        copy.Templates = Templates?.ToList();
        copy.FromHostTemplate = FromHostTemplate;
        return copy;
    }

    public void Set(string key, string value)
    {
        Values[key] = value;
        Origin.Remove(key);
    }
}

public static class Lists
{
    /// <summary>A comma list: items trimmed, empty ones dropped.</summary>
    public static List<string> Split(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>Alignak's rule for additive inheritance: inherited first, then own, duplicates dropped, order kept.</summary>
    public static string Join(IEnumerable<string> items) => string.Join(",", items.Distinct(StringComparer.Ordinal));
}

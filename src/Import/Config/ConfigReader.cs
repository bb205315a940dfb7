using System.Text;
using System.Text.RegularExpressions;

namespace Alignak.Import.Config;

/// <summary>
/// Reads main configuration files and the object files they name (spec b.1, b.2): <c>cfg_file</c>, <c>cfg_dir</c>
/// (recursive, <c>*.cfg</c>), <c>resource_file</c> (<c>$USERn$</c> macros), <c>include_file</c>/<c>include_dir</c>;
/// comments, continuations, UTF-8 or Latin-1; <c>define</c> blocks in any of them, the main file included.
/// </summary>
public sealed partial class ConfigReader
{
    private readonly ProblemList _problems;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public List<ConfigObject> Objects { get; } = [];
    public Dictionary<string, string> Macros { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);
    public List<string> Files { get; } = [];

    public ConfigReader(ProblemList problems) => _problems = problems;

    /// <summary>Directives whose repetitions in one block add up instead of replacing each other.</summary>
    private static readonly HashSet<string> ListDirectives = new(StringComparer.Ordinal)
    {
        "members", "hostgroup_members", "servicegroup_members", "contactgroup_members", "realm_members",
        "hostgroups", "servicegroups", "contactgroups", "contacts", "contact_groups", "parents", "use",
        "host_notification_commands", "service_notification_commands", "notificationways", "exclude",
        "service_excludes", "service_includes", "service_overrides", "higher_realms",
    };

    /// <summary>Old directive names and the ones Alignak reads them as (spec a.8).</summary>
    private static readonly Dictionary<string, string> OldNames = new(StringComparer.Ordinal)
    {
        ["normal_check_interval"] = "check_interval",
        ["retry_check_interval"] = "retry_interval",
        ["criticity"] = "business_impact",
    };

    public void ReadMain(string path) => ReadFile(Path.GetFullPath(path), null);

    private void ReadFile(string path, SourceLocation? from)
    {
        if (!_read.Add(path)) return; // a file listed twice is read once, as Alignak
        if (Directory.Exists(path))
        {
            _problems.Add(ProblemKind.Syntax, from, $"{path} is a directory: name it with cfg_dir");
            return;
        }
        string text;
        try { text = Decode(File.ReadAllBytes(path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _problems.Add(ProblemKind.Syntax, from, $"cannot read {path}: {e.Message}");
            return;
        }
        Files.Add(path);
        Parse(path, text);
    }

    /// <summary>UTF-8 when the bytes are valid UTF-8, else Latin-1 (older Nagios files).</summary>
    internal static string Decode(byte[] bytes)
    {
        try { return new UTF8Encoding(false, true).GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }

    private void ReadDir(string dir, SourceLocation from)
    {
        if (!Directory.Exists(dir))
        {
            _problems.Add(ProblemKind.Syntax, from, $"no such directory {dir}");
            return;
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.cfg", SearchOption.AllDirectories)
                     .Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            ReadFile(file, from);
    }

    /// <summary>Logical lines: continuation joined, comments removed, with the number of their first physical line.</summary>
    internal static IEnumerable<(int Line, string Text)> Lines(string text)
    {
        var physical = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var buffer = new StringBuilder();
        var start = 0;
        for (var i = 0; i < physical.Length; i++)
        {
            var line = physical[i];
            if (buffer.Length == 0) start = i + 1;
            else line = line.TrimStart();
            var trimmed = line.TrimEnd();
            if (trimmed.EndsWith('\\') && !trimmed.EndsWith("\\\\", StringComparison.Ordinal))
            {
                buffer.Append(trimmed, 0, trimmed.Length - 1);
                if (i < physical.Length - 1) continue;
            }
            else buffer.Append(line);
            var logical = StripComment(buffer.ToString()).Trim();
            buffer.Clear();
            if (logical.Length > 0) yield return (start, logical);
        }
    }

    /// <summary><c>#</c> or <c>;</c> at the start is a comment line; <c>;</c> later cuts the line unless written <c>\;</c>.</summary>
    internal static string StripComment(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith('#') || trimmed.StartsWith(';')) return "";
        var result = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == ';') { result.Append(';'); i++; continue; }
            if (line[i] == ';') break;
            result.Append(line[i]);
        }
        return result.ToString();
    }

    [GeneratedRegex(@"^define\s+([A-Za-z_]+)\s*(\{)?\s*(.*)$")]
    private static partial Regex DefineLine();

    private void Parse(string path, string text)
    {
        var dir = Path.GetDirectoryName(path)!;
        ConfigObject? current = null;
        var awaitingBrace = false;
        foreach (var (number, line) in Lines(text))
        {
            var where = new SourceLocation(path, number);
            if (DefineLine().Match(line) is { Success: true } define)
            {
                if (current is not null)
                    _problems.Add(ProblemKind.Syntax, current.Where, $"define {current.Type} is not closed by '}}' before the next define at line {number}");
                current = new ConfigObject(define.Groups[1].Value.ToLowerInvariant(), where);
                Objects.Add(current);
                awaitingBrace = !define.Groups[2].Success;
                var rest = define.Groups[3].Value.Trim();
                if (rest.Length > 0 && !awaitingBrace) current = Directive(current, rest, where);
                else if (rest.Length > 0)
                    _problems.Add(ProblemKind.Syntax, where, $"expected '{{' after 'define {current.Type}'");
                continue;
            }
            if (current is not null && awaitingBrace)
            {
                if (line == "{") { awaitingBrace = false; continue; }
                _problems.Add(ProblemKind.Syntax, where, $"expected '{{' after 'define {current.Type}'");
                awaitingBrace = false;
            }
            if (current is not null)
            {
                current = Directive(current, line, where);
                continue;
            }
            if (line == "}")
            {
                _problems.Add(ProblemKind.Syntax, where, "'}' without a define");
                continue;
            }
            MainDirective(line, where, dir);
        }
        if (current is not null)
            _problems.Add(ProblemKind.Syntax, current.Where, $"define {current.Type} is not closed by '}}' before the end of the file");
    }

    /// <summary>A directive inside a block; a trailing <c>}</c> closes it (returns null then).</summary>
    private ConfigObject? Directive(ConfigObject current, string line, SourceLocation where)
    {
        if (line == "}") return null;
        // "members a,b }" closes the block; "command_line echo ${X}" does not.
        var closes = line.EndsWith('}') && line.Length >= 2 && char.IsWhiteSpace(line[^2]) && !line[..^1].Contains('{');
        if (closes) line = line[..^1].TrimEnd();
        if (line.Length == 0) return closes ? null : current;
        var cut = line.IndexOfAny([' ', '\t']);
        var name = cut < 0 ? line : line[..cut];
        var value = cut < 0 ? "" : line[(cut + 1)..].Trim();
        if (current.Type == "timeperiod" && Timeperiods.IsDateRangeLine(name))
        {
            // A date range line: the key is its day spec, so inheritance and duplicates work per exception.
            if (Timeperiods.Split(line) is { } range) Add(current, range.Spec, range.Times, where);
            else _problems.Add(ProblemKind.Unresolved, where, $"timeperiod line '{line}' is not a day or an exception followed by time ranges (HH:MM-HH:MM)");
            return closes ? null : current;
        }
        if (name.StartsWith('_')) name = name.ToUpperInvariant();
        else name = name.ToLowerInvariant();
        if (OldNames.TryGetValue(name, out var renamed)) name = renamed;
        if (current.Type == "host" && name == "hostgroup") name = "hostgroups";
        if (current.Type == "service" && name is "hostgroup" or "hostgroups") name = "hostgroup_name";
        Add(current, name, value, where);
        return closes ? null : current;
    }

    private static void Add(ConfigObject current, string name, string value, SourceLocation where)
    {
        if (ListDirectives.Contains(name) && current.Own.TryGetValue(name, out var previous)
            && value.Length > 0 && previous.Value.Length > 0)
            value = previous.Value + "," + value.TrimStart('+');
        current.Own[name] = new Directive(name, value, where);
    }

    private void MainDirective(string line, SourceLocation where, string dir)
    {
        var equals = line.IndexOf('=');
        if (equals <= 0)
        {
            _problems.Add(ProblemKind.Syntax, where, $"unexpected line outside a define: '{line}'");
            return;
        }
        var key = line[..equals].Trim();
        var value = line[(equals + 1)..].Trim();
        string Full(string p) => Path.GetFullPath(Path.IsPathRooted(p) ? p : Path.Combine(dir, p));
        switch (key)
        {
            case "cfg_file" or "include_file": ReadFile(Full(value), where); break;
            case "cfg_dir" or "include_dir": ReadDir(Full(value), where); break;
            case "resource_file": ReadFile(Full(value), where); break;
            default:
                if (UserMacro().IsMatch(key)) Macros[key] = value;
                else Options[key] = value; // daemons' and scheduling options: only the name matching ones are used
                break;
        }
    }

    [GeneratedRegex(@"^\$USER\d+\$$")]
    private static partial Regex UserMacro();
}

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Alignak.Http.Settings;

/// <summary>
/// What a setting's value must be, read from its <see cref="BackendSettings"/> property (type, range, nullability,
/// aliases), and how a valid value is written for the configuration binder: lists as <c>KEY:0</c>, <c>KEY:1</c>…,
/// enums by member name, null as empty (the setters that accept null map it).
/// </summary>
internal static class SettingRules
{
    private static readonly IReadOnlyDictionary<string, PropertyInfo> Properties = typeof(BackendSettings).GetProperties()
        .Where(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>() is not null)
        .ToDictionary(p => p.GetCustomAttribute<ConfigurationKeyNameAttribute>()!.Name, StringComparer.Ordinal);

    private static readonly NullabilityInfoContext Nullability = new();

    public static IReadOnlyCollection<string> Keys => (IReadOnlyCollection<string>)Properties.Keys;

    public static bool IsKnown(string key) => Properties.ContainsKey(key);

    public static bool IsList(string key) => Properties[key].PropertyType == typeof(IReadOnlyList<string>);

    /// <summary>A list setting a source sets starts empty: the binder appends to the list it finds.</summary>
    public static void ClearList(BackendSettings settings, string key) => Properties[key].SetValue(settings, Array.Empty<string>());

    /// <summary>Checks <paramref name="value"/> for <paramref name="key"/> (a <see cref="FormatException"/> says why) and writes it.</summary>
    public static void Write(string key, JsonElement value, IDictionary<string, string?> data)
    {
        var property = Properties[key];
        var type = property.PropertyType;
        if (type == typeof(bool))
            data[key] = Bool(value) ? "true" : "false";
        else if (type == typeof(int) || type == typeof(long))
        {
            var range = property.GetCustomAttribute<RangeAttribute>()
                ?? throw new InvalidOperationException($"{key} has no Range");
            data[key] = Int(value, (int)range.Minimum, (int)range.Maximum).ToString(CultureInfo.InvariantCulture);
        }
        else if (type == typeof(string))
            data[key] = String(value, allowNull: Nullability.Create(property).WriteState == NullabilityState.Nullable) ?? "";
        else if (type.IsEnum)
            data[key] = EnumName(property, value);
        else if (type == typeof(IReadOnlyList<string>))
        {
            var list = StringList(value);
            // An empty list still marks the key as set by this source.
            if (list.Count == 0) data[key] = "";
            for (var i = 0; i < list.Count; i++) data[ConfigurationPath.Combine(key, i.ToString(CultureInfo.InvariantCulture))] = list[i];
        }
        else
            throw new InvalidOperationException($"{key}: no rule for {type}");
    }

    private static string EnumName(PropertyInfo property, JsonElement value)
    {
        var text = String(value, allowNull: false)!.ToLowerInvariant();
        text = property.GetCustomAttributes<SettingAliasAttribute>().FirstOrDefault(a => a.Alias == text)?.Value.ToLowerInvariant() ?? text;
        var names = Enum.GetNames(property.PropertyType);
        return names.FirstOrDefault(n => n.ToLowerInvariant() == text)
            ?? throw new FormatException($"must be {string.Join(" or ", names.Select(n => n.ToLowerInvariant()))}, not '{text}'");
    }

    private static bool Bool(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
        _ => throw new FormatException($"must be true or false, not {v.GetRawText()}"),
    };

    private static int Int(JsonElement v, int min, int max)
    {
        var ok = v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetInt32(out var n) ? n : (int?)null,
            JsonValueKind.String => int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
            _ => null,
        };
        if (ok is not { } value) throw new FormatException($"must be a whole number, not {v.GetRawText()}");
        if (value < min || value > max) throw new FormatException($"must be between {min} and {max}, not {value}");
        return value;
    }

    private static string? String(JsonElement v, bool allowNull) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null when allowNull => null,
        _ => throw new FormatException($"must be a string, not {v.GetRawText()}"),
    };

    /// <summary>A list of strings; a single string is a one-element list (or comma-separated in a variable).</summary>
    private static IReadOnlyList<string> StringList(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Array => v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new FormatException($"must be a list of strings, not {v.GetRawText()}")).ToList(),
        JsonValueKind.String => v.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        JsonValueKind.Null => [],
        _ => throw new FormatException($"must be a list of strings, not {v.GetRawText()}"),
    };
}

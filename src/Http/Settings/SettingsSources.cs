using System.Collections;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Alignak.Http.Settings;

/// <summary>
/// One place settings come from, as a configuration provider. JSON kinds are lost once values are configuration
/// strings, so each known key is checked here, where its JSON value is read, and only a valid value is kept, in the
/// form the binder reads (see <see cref="SettingRules"/>); keys that are not ours become notes.
/// </summary>
internal abstract class SettingsProvider : ConfigurationProvider, IConfigurationSource
{
    // Keys are the original's exact names: "port" is not PORT (configuration keys are case-insensitive by default).
    protected SettingsProvider() => Data = new Dictionary<string, string?>(StringComparer.Ordinal);

    public List<string> Problems { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>The known keys this source gives a valid value.</summary>
    public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    protected void Set(string key, JsonElement value, string where)
    {
        try
        {
            SettingRules.Write(key, value, Data);
            Keys.Add(key);
        }
        catch (FormatException e)
        {
            Problems.Add($"{where}: {e.Message}");
        }
    }

    /// <summary>Drops a key a later source sets, so the merged configuration holds one source's value (and list) per key.</summary>
    public void Forget(string key)
    {
        if (!Keys.Remove(key)) return;
        foreach (var name in Data.Keys.Where(k => k == key || k.StartsWith(key + ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)).ToList())
            Data.Remove(name);
    }
}

/// <summary>settings.json: JSON with comments and trailing commas, one object of keys (as the original's file).</summary>
internal sealed class SettingsFileProvider(string file) : SettingsProvider
{
    public override void Load()
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Problems.Add($"{file} cannot be read as JSON: {e.Message}");
            return;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                Problems.Add($"{file} must hold a JSON object");
                return;
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (SettingsLoader.IsIgnored(property.Name))
                    Notes.Add($"{property.Name} is ignored: this server has no use for it");
                else if (!SettingRules.IsKnown(property.Name))
                    Notes.Add($"{property.Name} is not a setting of this server and is ignored");
                else
                    Set(property.Name, property.Value, $"{property.Name} in {file}");
            }
        }
    }
}

/// <summary>ALIGNAK_BACKEND_&lt;KEY&gt; variables; a value is JSON when it parses as JSON (true, 5000, ["a"]), else a plain string.</summary>
internal sealed class SettingsVariablesProvider(IDictionary environment, string prefix, string fileVariable) : SettingsProvider
{
    public override void Load()
    {
        foreach (DictionaryEntry entry in environment)
        {
            var name = (string)entry.Key;
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || name == fileVariable) continue;
            var key = name[prefix.Length..];
            if (SettingsLoader.IsIgnored(key) || !SettingRules.IsKnown(key))
            {
                Notes.Add($"{name} is ignored: this server has no use for {key}");
                continue;
            }
            Set(key, FromVariable((string?)entry.Value ?? ""), name);
        }
    }

    private static JsonElement FromVariable(string text)
    {
        try
        {
            using var parsed = JsonDocument.Parse(text);
            return parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }
}

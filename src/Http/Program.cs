using Alignak.Http.Hosting;
using Alignak.Http.Settings;

var notes = new List<string>();
BackendSettings settings;
try
{
    settings = SettingsLoader.Load(Environment.GetEnvironmentVariables(), notes);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

var app = BackendApp.Build(settings, notes, args);
await app.RunAsync();
return 0;

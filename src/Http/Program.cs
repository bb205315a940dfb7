using Alignak.Http.Hosting;
using Alignak.Http.Settings;

var notes = new List<string>();
WebApplication app;
try
{
    var settings = SettingsLoader.Load(Environment.GetEnvironmentVariables(), notes);
    // Building reads the files the settings name (Grafana's queries and tables): their errors are settings errors too.
    app = BackendApp.Build(settings, notes, args);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

await app.RunAsync();
return 0;

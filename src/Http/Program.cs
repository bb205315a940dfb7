using Alignak.Http.Hosting;
using Alignak.Http.Settings;

if (args.Contains(ConfigCheck.Flag))
    return await ConfigCheck.RunAsync(Environment.GetEnvironmentVariables(), args.Where(a => a != ConfigCheck.Flag).ToArray(),
        Console.Out, Console.Error);

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

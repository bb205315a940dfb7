using Spectre.Console;

namespace Alignak.Tests.Import;

/// <summary>Runs the import tool's command line in the test process, against a backend address, capturing what it prints.</summary>
public static class ImportRun
{
    public static string Config(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Import", "Configs", .. parts]);

    public static async Task<(int Exit, string Output)> RunAsync(Uri? backend, params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        string[] full = backend is null ? args : ["-b", backend.ToString(), .. args];
        var exit = await Alignak.Import.Program.RunAsync(full, console, output, output);
        return (exit, output.ToString());
    }
}

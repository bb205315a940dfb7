using System.Collections;
using Alignak.Http.Settings;
using Alignak.Persistence;

namespace Alignak.Http.Hosting;

/// <summary>
/// <c>--check</c> (as <c>icinga2 daemon -C</c>): reads the settings file and the environment, checks every value and
/// the files they name, connects to the database and reports its schema version, then exits 0, or 2 with every problem.
/// Nothing is written: a missing SQLite file is reported, not created.
/// </summary>
public static class ConfigCheck
{
    public const string Flag = "--check";
    public const int ProblemsExitCode = 2;

    public static async Task<int> RunAsync(IDictionary environment, string[] args, TextWriter output, TextWriter errors)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        BackendSettings? settings = null;
        try
        {
            settings = SettingsLoader.Load(environment, notes);
        }
        catch (SettingsException e)
        {
            problems.AddRange(e.Problems);
        }

        if (settings is not null)
        {
            await output.WriteLineAsync($"Settings: {settings.SourceFile ?? "no settings file, built-in defaults"} and ALIGNAK_BACKEND_* variables");
            foreach (var note in notes) await output.WriteLineAsync($"  note: {note}");
            try
            {
                // The same building as a start (it reads the files the settings name), without starting anything.
                await using var app = BackendApp.Build(settings, [], args, quiet: true);
            }
            catch (SettingsException e)
            {
                problems.AddRange(e.Problems);
            }
            await CheckDatabaseAsync(settings.DatabaseOptions, output, problems);
        }

        if (problems.Count == 0)
        {
            await output.WriteLineAsync("Configuration OK");
            return 0;
        }
        await errors.WriteLineAsync($"Configuration has {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
        foreach (var problem in problems) await errors.WriteLineAsync($"  - {problem}");
        return ProblemsExitCode;
    }

    private static async Task CheckDatabaseAsync(DatabaseOptions database, TextWriter output, List<string> problems)
    {
        var provider = database.Provider == DatabaseProvider.Sqlite ? "sqlite" : "postgresql";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            var version = await SchemaMigrations.ReadVersionAsync(database, timeout.Token);
            var latest = SchemaMigrations.LatestVersion;
            switch (version)
            {
                case null:
                    await output.WriteLineAsync($"Database: {provider}, the file does not exist yet (created at first start, schema version {latest})");
                    break;
                case 0:
                    await output.WriteLineAsync($"Database: {provider}, reachable, no tables yet (created at first start, schema version {latest})");
                    break;
                case var v when v > latest:
                    problems.Add($"DATABASE: the schema is at version {v}, newer than this server knows ({latest}): upgrade the server");
                    break;
                case var v:
                    await output.WriteLineAsync($"Database: {provider}, reachable, schema version {v}"
                        + (v < latest ? $" (upgraded to {latest} at start)" : " (current)"));
                    break;
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or OperationCanceledException
                                      or System.Net.Sockets.SocketException or TimeoutException)
        {
            problems.Add($"DATABASE: cannot connect ({provider}): {e.Message}");
        }
    }
}

using System.CommandLine;
using Alignak.Import.Run;
using Spectre.Console;

namespace Alignak.Import;

/// <summary>The command line of the original (spec a.1), on System.CommandLine; exit codes in <see cref="ExitCodes"/>.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, AnsiConsole.Console, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("cfg_file") { Arity = ArgumentArity.ZeroOrMore, Description = "main configuration files (nagios.cfg, alignak.cfg...)" };
        var backend = new Option<string>("--backend", "-b") { Description = "backend URL", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var username = new Option<string>("--username", "-u") { Description = "backend user", DefaultValueFactory = _ => "admin" };
        var password = new Option<string>("--password", "-p") { Description = "backend password", DefaultValueFactory = _ => "admin" };
        var delete = new Option<bool>("--delete", "-d") { Description = "delete the backend's data first (allowed without a configuration)" };
        var update = new Option<bool>("--update", "-e") { Description = "update the objects that exist (found by name); create nothing" };
        var duplicate = new Option<bool>("--duplicate", "-i") { Description = "skip the objects that exist (found by name), add the others" };
        var check = new Option<bool>("--check", "-c") { Description = "dry run: parse, resolve and report; write nothing" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "verbose" };
        var veryVerbose = new Option<bool>("--very-verbose", "-2") { Description = "very verbose" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "only the report of problems" };
        var model = new Option<bool>("--model", "-m") { Description = "accepted and ignored: templates are always imported", Hidden = true };
        var batch = new Option<int>("--batch-size") { Description = "documents per bulk POST", DefaultValueFactory = _ => 250 };

        var root = new RootCommand("Imports Nagios, Shinken and Alignak flat-file configurations into an Alignak backend.")
        {
            files, backend, username, password, delete, update, duplicate, check, verbose, veryVerbose, quiet, model, batch,
        };
        foreach (var option in root.Options.OfType<VersionOption>().ToList()) root.Options.Remove(option);
        root.Options.Add(new VersionOption("--version", "-V"));

        root.SetAction(async (parse, _) =>
        {
            if (!Uri.TryCreate(parse.GetValue(backend), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"bad backend URL '{parse.GetValue(backend)}'");
                return ExitCodes.BadCommandLine;
            }
            if ((parse.GetValue(files) ?? []).FirstOrDefault(f => f.StartsWith('-')) is { } unknown)
            {
                await error.WriteLineAsync($"unknown option '{unknown}'");
                return ExitCodes.BadCommandLine;
            }
            if (parse.GetValue(update) && parse.GetValue(duplicate))
            {
                await error.WriteLineAsync("-e and -i cannot be used together");
                return ExitCodes.BadCommandLine;
            }
            var options = new ImportOptions
            {
                Files = parse.GetValue(files) ?? [],
                Backend = address,
                Username = parse.GetValue(username)!,
                Password = parse.GetValue(password)!,
                Delete = parse.GetValue(delete),
                Update = parse.GetValue(update),
                Duplicate = parse.GetValue(duplicate),
                Check = parse.GetValue(check),
                Verbosity = parse.GetValue(quiet) ? 0 : parse.GetValue(veryVerbose) ? 3 : parse.GetValue(verbose) ? 2 : 1,
                BatchSize = Math.Max(1, parse.GetValue(batch)),
            };
            return await new Importer(options, console, output).RunAsync();
        });

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors) await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Try --help.");
            return ExitCodes.BadCommandLine;
        }
        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Http.Settings;
using Spectre.Console;

/// <summary>
/// mode=import: a generated configuration (hosts on 5 host templates, 10 hostgroups, services bound to the
/// hostgroups) imported with alignak-backend-import into a fresh server; times the parse and the whole run.
/// </summary>
public static class ImportBench
{
    public static string Generate(string folder, int hosts, int servicesPerGroup)
    {
        var objects = new StringBuilder();
        objects.AppendLine("define command {\n  command_name check_dummy\n  command_line $USER1$/check_dummy $ARG1$\n}");
        objects.AppendLine("define timeperiod {\n  timeperiod_name workhours\n  monday 09:00-17:00\n  december 25 00:00-00:00\n}");
        objects.AppendLine("define host {\n  name generic\n  check_command check_dummy!0\n  max_check_attempts 3\n  register 0\n}");
        for (var t = 0; t < 5; t++)
            objects.AppendLine($"define host {{\n  name tpl-{t}\n  use generic\n  check_interval {t + 1}\n  register 0\n}}");
        objects.AppendLine("define service {\n  name generic-service\n  check_interval 5\n  max_check_attempts 3\n  register 0\n}");
        for (var g = 0; g < 10; g++)
        {
            objects.AppendLine($"define hostgroup {{\n  hostgroup_name group-{g}\n}}");
            for (var s = 0; s < servicesPerGroup; s++)
                objects.AppendLine($"define service {{\n  use generic-service\n  hostgroup_name group-{g}\n  service_description svc-{g}-{s}\n  check_command check_dummy!{s}\n}}");
        }
        for (var h = 0; h < hosts; h++)
            objects.AppendLine($"define host {{\n  use tpl-{h % 5}\n  host_name host-{h:D5}\n  address 10.0.{h / 250}.{h % 250}\n  hostgroups group-{h % 10}\n}}");
        File.WriteAllText(Path.Combine(folder, "objects.cfg"), objects.ToString());
        File.WriteAllText(Path.Combine(folder, "resource.cfg"), "$USER1$=/usr/lib/nagios/plugins\n");
        var main = Path.Combine(folder, "alignak.cfg");
        File.WriteAllText(main, "resource_file=resource.cfg\ncfg_file=objects.cfg\n");
        return main;
    }

    public static async Task RunAsync(BackendSettings settings, int hosts, int services)
    {
        var folder = Directory.CreateTempSubdirectory("alignak-import-bench-").FullName;
        var main = Generate(folder, hosts, Math.Max(1, services / hosts));
        var (app, http) = await BenchHttp.StartAsync(settings);
        try
        {
            var watch = Stopwatch.StartNew();
            var exit = await Alignak.Import.Program.RunAsync(["-d", "-b", app.Urls.First(), main], AnsiConsole.Console, Console.Out, Console.Error);
            var elapsed = watch.Elapsed;
            var hostCount = (int)(await BenchHttp.Get(http, "/host?max_results=1"))["_meta"]!["total"]!;
            var serviceCount = (int)(await BenchHttp.Get(http, "/service?max_results=1"))["_meta"]!["total"]!;
            Console.WriteLine($"import exit {exit}: {hostCount} host documents, {serviceCount} service documents in the backend; " +
                              $"whole run {elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System.Collections;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Alignak.Http.Settings;
using Alignak.Persistence;
using Alignak.Tests.Support;

namespace Alignak.Tests.Foundation;

public sealed class SettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("alignak-settings-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A settings file in the original's style: comments, escaped slashes, keys we no longer use.</summary>
    private const string OriginalStyle = """
        {
          "DEBUG": false, /* debug mode */
          "HOST": "",           /* empty: every interface */
          "PORT": 5123,
          "SERVER_NAME": null,
          "X_DOMAINS": "*",
          "PAGINATION_LIMIT": 5000,   /* largest page */
          "PAGINATION_DEFAULT": 50,
          "RATE_LIMIT_GET": null,
          "MONGO_URI": "mongodb:\/\/localhost:27017\/alignak-backend",
          "MONGO_DBNAME": "alignak-backend",
          "IP_CRON": ["127.0.0.1"],
          "LOGGER": "alignak-backend-logger.json",
          /* a comment
             over several lines */
          "ALIGNAK_URL": "http:\/\/127.0.0.1:7770",
          "SCHEDULER_ALIGNAK_ACTIVE": true,
          "SCHEDULER_ALIGNAK_PERIOD": 600,
          "SCHEDULER_LIVESYNTHESIS_HISTORY": 60
        }
        """;

    private string WriteFile(string text)
    {
        var path = Path.Combine(_folder, "settings.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static BackendSettings Load(Dictionary<string, string> environment, List<string>? notes = null) =>
        SettingsLoader.Load(new Hashtable(environment), notes ?? []);

    [Fact]
    public void Without_a_file_the_defaults_bind_loopback_port_5000_on_embedded_sqlite()
    {
        var settings = Load([]);
        Assert.Equal("127.0.0.1", settings.ListenAddress);
        Assert.Equal(5000, settings.Port);
        Assert.Equal(50, settings.PaginationLimit);
        Assert.Equal(25, settings.PaginationDefault);
        Assert.Equal(DatabaseProvider.Sqlite, settings.DatabaseOptions.Provider);
        Assert.Equal(DatabaseOptions.DefaultSqlite, settings.DatabaseOptions.ConnectionString);
    }

    [Fact]
    public void An_original_commented_settings_file_is_read_and_obsolete_keys_are_reported_as_ignored()
    {
        var notes = new List<string>();
        var settings = Load(new() { [SettingsLoader.FileVariable] = WriteFile(OriginalStyle) }, notes);
        Assert.Equal("0.0.0.0", settings.ListenAddress);
        Assert.Equal(5123, settings.Port);
        Assert.Equal(5000, settings.PaginationLimit);
        Assert.Equal(50, settings.PaginationDefault);
        Assert.Equal(["127.0.0.1"], settings.IpCron);
        Assert.Equal("http://127.0.0.1:7770", settings.AlignakUrl);
        Assert.Equal(600, settings.SchedulerAlignakPeriod);
        Assert.Equal(60, settings.SchedulerLivesynthesisHistory);
        Assert.Contains(notes, n => n.StartsWith("MONGO_URI is ignored"));
        Assert.Contains(notes, n => n.StartsWith("LOGGER is ignored"));
    }

    [Fact]
    public void Environment_variables_override_the_file()
    {
        var settings = Load(new()
        {
            [SettingsLoader.FileVariable] = WriteFile(OriginalStyle),
            ["ALIGNAK_BACKEND_HOST"] = "127.0.0.1",
            ["ALIGNAK_BACKEND_PORT"] = "6001",
            ["ALIGNAK_BACKEND_PAGINATION_DEFAULT"] = "10",
            ["ALIGNAK_BACKEND_X_DOMAINS"] = "http://a.example, http://b.example",
            ["ALIGNAK_BACKEND_DEBUG"] = "true",
            ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = "postgresql",
            ["ALIGNAK_BACKEND_DATABASE"] = "Host=127.0.0.1;Database=x;Username=u;Password=p",
        });
        Assert.Equal("127.0.0.1", settings.ListenAddress);
        Assert.Equal(6001, settings.Port);
        Assert.Equal(10, settings.PaginationDefault);
        Assert.Equal(["http://a.example", "http://b.example"], settings.XDomains);
        Assert.True(settings.Debug);
        Assert.Equal(DatabaseProvider.PostgreSql, settings.DatabaseOptions.Provider);
    }

    [Fact]
    public void A_list_replaces_the_default_or_the_files_list_whole()
    {
        var file = WriteFile("""{"X_HEADERS": ["Authorization"], "X_DOMAINS": [], "IP_CRON": ["10.0.0.1", "10.0.0.2", "10.0.0.3"]}""");
        var settings = Load(new() { [SettingsLoader.FileVariable] = file, ["ALIGNAK_BACKEND_IP_CRON"] = "127.0.0.1" });
        Assert.Equal(["Authorization"], settings.XHeaders);
        Assert.Empty(settings.XDomains);
        Assert.Equal(["127.0.0.1"], settings.IpCron);
    }

    [Fact]
    public void Null_where_the_original_allows_it_and_keys_in_another_case_are_not_settings()
    {
        var notes = new List<string>();
        var settings = Load(new() { [SettingsLoader.FileVariable] = WriteFile("""{"HOST": null, "DATABASE": null, "port": 1}""") }, notes);
        Assert.Equal("0.0.0.0", settings.ListenAddress);
        Assert.Null(settings.Database);
        Assert.Equal(5000, settings.Port);
        Assert.Contains(notes, n => n.StartsWith("port is not a setting"));

        var error = Assert.Throws<SettingsException>(() => Load(new() { [SettingsLoader.FileVariable] = WriteFile("""{"CLUSTER_HOST": null}""") }));
        Assert.Contains(error.Problems, p => p.StartsWith("CLUSTER_HOST in") && p.EndsWith("must be a string, not null"));
    }

    [Fact]
    public void The_original_search_path_finds_settings_json_in_the_working_folder()
    {
        Assert.Contains("./settings.json", SettingsLoader.SearchPaths);
        Assert.Equal("/usr/local/etc/alignak-backend/settings.json", SettingsLoader.SearchPaths[0]);
    }

    public static TheoryData<string?, Dictionary<string, string>, string> BadSettings => new()
    {
        { """{"PORT": "abc"}""", new(), "PORT in" },
        { """{"PORT": 70000}""", new(), "must be between 0 and 65535" },
        { """{"PAGINATION_LIMIT": -1}""", new(), "PAGINATION_LIMIT" },
        { """{"LOGS_RETENTION_DAYS": -1}""", new(), "LOGS_RETENTION_DAYS" },
        { """{"DEBUG": "maybe"}""", new(), "must be true or false" },
        { """{"IP_CRON": [1, 2]}""", new(), "must be a list of strings" },
        { """{"PORT": 5000,""", new(), "cannot be read as JSON" },
        { """["PORT"]""", new(), "must hold a JSON object" },
        { """{"PAGINATION_LIMIT": 10, "PAGINATION_DEFAULT": 20}""", new(), "larger than PAGINATION_LIMIT" },
        { null, new() { ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = "mongodb" }, "must be sqlite or postgresql" },
        { null, new() { ["ALIGNAK_BACKEND_DATABASE_PROVIDER"] = "postgresql" }, "connection string is required" },
        { null, new() { ["ALIGNAK_BACKEND_CLUSTER_SEED_NODES"] = "akka.tcp://alignak@127.0.0.1:4053" }, "needs DATABASE_PROVIDER postgresql" },
        { null, new() { ["ALIGNAK_BACKEND_DATABASE"] = "Data Source=" }, "needs a Data Source" },
        { null, new() { ["ALIGNAK_BACKEND_DATABASE"] = "Nonsense Key=1" }, "not a valid Sqlite connection string" },
        { null, new() { [SettingsLoader.FileVariable] = "/nonexistent/settings.json" }, "does not exist" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_settings_are_a_clear_error(string? file, Dictionary<string, string> environment, string expected)
    {
        var all = new Dictionary<string, string>(environment);
        if (file is not null) all[SettingsLoader.FileVariable] = WriteFile(file);
        var error = Assert.Throws<SettingsException>(() => Load(all));
        Assert.Contains(error.Problems, p => p.Contains(expected));
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_bad_settings_and_says_why()
    {
        await using var server = ServerProcess.Launch(new Dictionary<string, string>
        {
            [SettingsLoader.FileVariable] = WriteFile("""{"PORT": "not a port", "PAGINATION_DEFAULT": 0}"""),
        }, _folder);
        Assert.Equal(2, await server.WaitExitAsync());
        Assert.Contains("PORT in", server.Output);
        Assert.Contains("PAGINATION_DEFAULT", server.Output);
        Assert.DoesNotContain("Now listening", server.Output);

        // A file the settings name, read while the server is built, is checked the same way.
        var elsewhere = Directory.CreateDirectory(Path.Combine(_folder, "grafana")).FullName;
        var queries = Path.Combine(elsewhere, "queries.json");
        await File.WriteAllTextAsync(queries, "{ not json", TestContext.Current.CancellationToken);
        await using var grafana = ServerProcess.Launch(new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_GRAFANA_DATASOURCE_QUERIES"] = queries,
        }, elsewhere);
        Assert.Equal(2, await grafana.WaitExitAsync());
        Assert.Contains("queries.json", grafana.Output);
        Assert.DoesNotContain("Unhandled exception", grafana.Output);
    }

    [Fact]
    public async Task The_server_refuses_seed_nodes_on_SQLite_at_start_and_says_why()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = ServerProcess.Launch(database, new Dictionary<string, string>
        {
            ["ALIGNAK_BACKEND_CLUSTER_SEED_NODES"] = "akka.tcp://alignak@127.0.0.1:4053",
        }, _folder);
        Assert.Equal(2, await server.WaitExitAsync());
        Assert.Contains("CLUSTER_SEED_NODES: a cluster of several nodes needs DATABASE_PROVIDER postgresql", server.Output);
        Assert.DoesNotContain("Now listening", server.Output);
        Assert.DoesNotContain("Unhandled exception", server.Output);
        // Nothing was started on the file: it was not even created.
        Assert.False(File.Exists(database.ConnectionString["Data Source=".Length..]));
    }

    [Fact]
    public async Task The_server_starts_unchanged_on_an_original_settings_file()
    {
        await using var database = TestDatabase.Sqlite();
        await using var server = ServerProcess.Launch(database, new Dictionary<string, string>
        {
            [SettingsLoader.FileVariable] = WriteFile(OriginalStyle),
            // The file's empty HOST means every interface; tests stay on loopback.
            ["ALIGNAK_BACKEND_HOST"] = "127.0.0.1",
            ["ALIGNAK_BACKEND_PORT"] = "0",
        });
        await server.WaitListeningAsync();
        using var http = new HttpClient { BaseAddress = server.Address };
        var config = await http.GetFromJsonAsync<JsonObject>("/backendconfig");
        Assert.Equal(5000, (int?)config!["PAGINATION_LIMIT"]);
        Assert.Equal(50, (int?)config["PAGINATION_DEFAULT"]);
        Assert.Contains("MONGO_URI is ignored", server.Output);
    }
}

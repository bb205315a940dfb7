using Akka.Actor;
using Akka.Hosting;
using Alignak.Actors.Messaging;
using Alignak.Actors.Documents;
using Alignak.Actors.Live;
using Alignak.Actors.Security;
using Alignak.Http.Auth;
using Alignak.Http.Endpoints;
using Alignak.Http.Eve;
using Alignak.Http.Grafana;
using Alignak.Http.Health;
using Alignak.Http.Live;
using Alignak.Http.Metrics;
using Alignak.Http.OpenApi;
using Alignak.Http.Push;
using Alignak.Http.Settings;
using Alignak.Http.TimeSeries;
using Alignak.Persistence;
using Alignak.Persistence.Logs;
using Microsoft.AspNetCore.Diagnostics;

namespace Alignak.Http.Hosting;

/// <summary>The composition root: one list of services, one list of routes. Tests build the same app.</summary>
public static class BackendApp
{
    /// <summary>
    /// SQLite commits (Microsoft.Data.Sqlite has no real async I/O) hold a pool thread through each fsync; with the
    /// default minimum (one thread per core) a few commits in flight starve everything else (requests, actors, the
    /// live push senders) until the pool slowly grows.
    /// </summary>
    private const int MinPoolThreads = 64;

    /// <summary>
    /// How long the hosted services may take to stop, Kestrel's drain of in-flight requests first. The actor system
    /// (cluster leave, journal flush) stops last, in about 2 s, so the whole stop stays under a 10 s service timeout.
    /// </summary>
    public static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(7);

    /// <param name="quiet">No console logs (the config check prints its own report).</param>
    public static WebApplication Build(BackendSettings settings, IReadOnlyList<string> notes, string[]? args = null, bool quiet = false)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinPoolThreads), Math.Max(io, MinPoolThreads));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.WebHost.UseUrls($"http://{settings.ListenAddress}:{settings.Port}");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodySize);
        builder.Logging.ClearProviders();
        if (!quiet && settings.LogFormat == LogFormat.Json)
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        else if (!quiet)
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (!settings.Debug) builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopBudget);

        var database = settings.DatabaseOptions;
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton<IDocumentStore>(new SqlDocumentStore(database));
        builder.Services.AddSingleton<DocumentIndex>();
        var limits = new MessageLimits(settings.MaxRequestBodySize);
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton<DocumentWriter>();
        builder.Services.AddSingleton<LocalEntities>();
        builder.Services.AddSingleton<LiveEntities>();
        builder.Services.AddSingleton<IWriteObserver, LiveEffects>();
        builder.Services.AddSingleton<CheckResultIngestion>();
        builder.Services.AddSingleton<LiveSynthesis>();
        builder.Services.AddSingleton(new PasswordHasher(settings.PasswordHashIterations));
        builder.Services.AddSingleton(new LoginThrottle(settings.LoginFailuresPerName, settings.LoginFailuresPerAddress, TimeProvider.System));
        builder.Services.AddSingleton<SqlLogStore>();
        builder.Services.AddSingleton<LogWriter>();
        builder.Services.AddBackendHealth();
        builder.Services.AddSingleton<EntityCounts>();
        if (settings.Metrics)
        {
            builder.Services.AddSingleton<BackendMetrics>();
            builder.Services.AddOpenTelemetry().WithMetrics(BackendMetrics.Configure);
        }

        builder.Services.AddAkka("alignak", (akka, _) =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "alignak.hocon"), HoconAddMode.Append)
                // Akka's own lines go through the same loggers (and LOG_FORMAT) as the rest.
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithBackendHealthChecks()
                // Akka's last lines, after the loggers stopped, would be plain text among the JSON.
                .AddHocon(settings.LogFormat == LogFormat.Json ? "akka.stdout-loglevel = OFF" : "", HoconAddMode.Prepend)
                .WithBackendCluster(settings, limits)
                .WithSqlPersistence(database)
                .AddResourceWriters()
                .AddLiveEntities();
        });
        // Registered after Akka, so it starts once the actor system is up and before requests are served.
        builder.Services.AddHostedService<BackendInitializer>();
        builder.Services.AddSingleton<MemoryRelease>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MemoryRelease>());
        builder.Services.AddHostedService<LogRetention>();
        builder.Services.AddSingleton<LiveSynthesisHistory>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveSynthesisHistory>());
        builder.Services.AddLivePush();
        builder.Services.AddGrafana();
        builder.Services.AddSingleton<TimeSeriesFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TimeSeriesFeed>());

        var app = builder.Build();
        foreach (var note in notes) app.Logger.LogInformation("Settings: {Note}", note);
        app.Logger.LogInformation("Settings from {File}; database {Provider}",
            settings.SourceFile ?? "built-in defaults", settings.DatabaseProvider);

        if (settings.AccessLog) app.UseAccessLog();
        app.UseExceptionHandler(errors => errors.Run(HandleError));
        // A 4xx without a body (no route for the path, a method no route takes) gets the envelope too.
        app.UseStatusCodePages(context => EmptyError(context.HttpContext));
        app.UseStoppingGate();
        app.MapHealth();
        if (settings.Metrics) app.UseBackendMetrics();
        app.UseGrafanaDatasourceCors(settings);
        app.UseEveCors(settings);
        app.UseHttpMethodOverride();
        app.MapSystemEndpoints();
        app.MapLogEndpoints();
        app.MapCheckResultEndpoints();
        app.MapLivePush();
        app.MapLivePage();
        app.MapGrafana(settings);
        app.MapTimeSeriesEndpoints();
        app.MapResourceEndpoints();
        app.MapApiDocs(settings);
        return app;
    }

    private static Task EmptyError(HttpContext context)
    {
        var code = context.Response.StatusCode;
        var message = code switch
        {
            StatusCodes.Status404NotFound => EveResults.NotFoundMessage,
            StatusCodes.Status405MethodNotAllowed => EveResults.MethodNotAllowedMessage,
            _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code),
        };
        return EveResults.Error(code, message).ExecuteAsync(context);
    }

    /// <summary>No 500 for what a client or a slow node caused: the envelope with the right code.</summary>
    private static Task HandleError(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var result = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => EveResults.Error(
                StatusCodes.Status413PayloadTooLarge, "The data value transmitted exceeds the capacity limit."),
            BadHttpRequestException bad => EveResults.Error(bad.StatusCode, RequestBody.BadRequestMessage),
            LiveStateUnavailableException live => EveResults.Error(StatusCodes.Status503ServiceUnavailable,
                $"The live state was not stored: {live.Message}"),
            AskTimeoutException or TaskCanceledException => EveResults.Error(StatusCodes.Status503ServiceUnavailable,
                "The backend did not answer in time; the request may not have been applied"),
            _ => EveResults.Error(StatusCodes.Status500InternalServerError, "Internal server error"),
        };
        return result.ExecuteAsync(context);
    }
}

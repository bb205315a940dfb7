using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alignak.Tests.Grafana;

/// <summary>
/// A stand-in for Grafana's HTTP API, because no Grafana can run here (it is not packaged in Debian): a small
/// Kestrel server on 127.0.0.1 that records every request and answers <c>/api/datasources</c> (list, create) and
/// <c>/api/dashboards/db</c> as Grafana does, refusing any other API key with Grafana's 401.
/// </summary>
public sealed class GrafanaStandIn : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string? Authorization, JsonNode? Body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Request> _requests = new();
    private readonly ConcurrentDictionary<string, int> _datasources = new(StringComparer.Ordinal);
    private int _nextId;

    public string ApiKey { get; }
    public int Port { get; private set; }
    public IReadOnlyList<Request> Requests => _requests.ToArray();

    public IEnumerable<Request> Dashboards => Requests.Where(r => r is { Method: "POST", Path: "/api/dashboards/db" });

    private GrafanaStandIn(string apiKey, IEnumerable<string> existingDatasources)
    {
        ApiKey = apiKey;
        foreach (var name in existingDatasources) _datasources[name] = Interlocked.Increment(ref _nextId);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            JsonNode? body = null;
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
                body = await JsonNode.ParseAsync(context.Request.Body);
            _requests.Enqueue(new Request(context.Request.Method, context.Request.Path, context.Request.Headers.Authorization, body));
            if (context.Request.Headers.Authorization != "Bearer " + ApiKey)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new JsonObject { ["message"] = "Invalid API key" });
                return;
            }
            context.Items["body"] = body;
            await next(context);
        });
        _app.MapGet("/api/datasources", () => new JsonArray(_datasources
            .Select(d => (JsonNode?)new JsonObject { ["id"] = d.Value, ["name"] = d.Key, ["type"] = "graphite" }).ToArray()));
        _app.MapPost("/api/datasources", (HttpContext context) =>
        {
            var name = (string)((JsonNode)context.Items["body"]!)["name"]!;
            var id = _datasources.GetOrAdd(name, _ => Interlocked.Increment(ref _nextId));
            return new JsonObject { ["message"] = "Datasource added", ["id"] = id, ["name"] = name };
        });
        _app.MapPost("/api/dashboards/db", (HttpContext context) =>
        {
            var title = (string?)((JsonNode)context.Items["body"]!)["dashboard"]?["title"];
            return new JsonObject { ["status"] = "success", ["slug"] = title?.ToLowerInvariant().Replace(": ", "-"), ["version"] = 1 };
        });
    }

    public static async Task<GrafanaStandIn> StartAsync(string apiKey, params string[] existingDatasources)
    {
        var standIn = new GrafanaStandIn(apiKey, existingDatasources);
        await standIn._app.StartAsync();
        standIn.Port = new Uri(standIn._app.Urls.First()).Port;
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

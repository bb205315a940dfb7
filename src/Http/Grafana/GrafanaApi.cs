using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Http.Grafana;

/// <summary>One Grafana server as a <c>grafana</c> document describes it.</summary>
public sealed record GrafanaServer(string Name, Uri BaseAddress, string ApiKey)
{
    /// <summary>The server, or null when its address and port make no URL (the schema only asks for a non-empty string).</summary>
    public static GrafanaServer? TryFrom(JsonObject grafana)
    {
        var scheme = (bool?)grafana["ssl"] == true ? "https" : "http";
        var port = (int?)grafana["port"] ?? 3000;
        try
        {
            return new GrafanaServer((string)grafana["name"]!, new UriBuilder(scheme, (string)grafana["address"]!, port).Uri, (string)grafana["apikey"]!);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>Grafana could not be reached (connection refused, TLS failure, no answer within the timeout).</summary>
public sealed class GrafanaUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>The three calls of Grafana's HTTP API the dashboards need, authenticated by the server's API key.</summary>
public sealed class GrafanaApi(IHttpClientFactory clients)
{
    public const string ClientName = "grafana";

    /// <summary>As the original: a Grafana that does not answer in 10 s is reported without connection.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public Task<(bool Success, JsonNode? Body)> GetDatasourcesAsync(GrafanaServer server, CancellationToken cancellationToken) =>
        SendAsync(server, HttpMethod.Get, "api/datasources", null, cancellationToken);

    public Task<(bool Success, JsonNode? Body)> CreateDatasourceAsync(GrafanaServer server, JsonObject datasource, CancellationToken cancellationToken) =>
        SendAsync(server, HttpMethod.Post, "api/datasources", datasource, cancellationToken);

    public Task<(bool Success, JsonNode? Body)> PostDashboardAsync(GrafanaServer server, JsonObject dashboard, CancellationToken cancellationToken) =>
        SendAsync(server, HttpMethod.Post, "api/dashboards/db", dashboard, cancellationToken);

    /// <summary>Success is a 2xx status; the body is Grafana's JSON answer (null when it is not JSON).</summary>
    private async Task<(bool Success, JsonNode? Body)> SendAsync(GrafanaServer server, HttpMethod method, string path, JsonObject? body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.BaseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            JsonNode? json;
            try { json = text.Length > 0 ? JsonNode.Parse(text) : null; }
            catch (JsonException) { json = null; }
            return (response.IsSuccessStatusCode, json);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new GrafanaUnreachableException($"Grafana {server.Name} at {server.BaseAddress} did not answer: {e.Message}", e);
        }
    }
}

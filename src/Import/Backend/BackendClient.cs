using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Alignak.Import.Backend;

/// <summary>The backend's REST API as any client sees it: token login, Basic auth with the token, Eve envelopes.</summary>
public sealed class BackendClient : IDisposable
{
    private readonly HttpClient _http;

    public BackendClient(Uri address)
    {
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
    }

    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, string Text)
    {
        public bool Ok => (int)Status is >= 200 and < 300;
    }

    /// <summary>The token, or null when the backend refuses the user.</summary>
    public async Task<string?> LoginAsync(string username, string password)
    {
        var reply = await SendAsync(HttpMethod.Post, "login", new JsonObject { ["username"] = username, ["password"] = password });
        if (!reply.Ok || (string?)reply.Body?["token"] is not { Length: > 0 } token) return null;
        _http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":")));
        return token;
    }

    public async Task<Reply> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            try { parsed = JsonNode.Parse(text); }
            catch (JsonException) { }
        }
        return new Reply(response.StatusCode, parsed, text);
    }

    /// <summary>Every document of a resource (only the fields asked for), page after page.</summary>
    public async Task<List<JsonObject>> GetAllAsync(string resource, params string[] fields)
    {
        var projection = Uri.EscapeDataString(new JsonObject(fields.Select(f => KeyValuePair.Create(f, (JsonNode?)1))).ToJsonString());
        var all = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var reply = await SendAsync(HttpMethod.Get, $"{resource}?projection={projection}&max_results=50&page={page}");
            if (!reply.Ok) throw new BackendException($"GET {resource}: {(int)reply.Status} {reply.Text}");
            var items = reply.Body?["_items"]?.AsArray() ?? [];
            all.AddRange(items.OfType<JsonObject>());
            if (reply.Body?["_links"]?["next"] is null || items.Count == 0) return all;
        }
    }

    public async Task<long> CountAsync(string resource)
    {
        var reply = await SendAsync(HttpMethod.Get, $"{resource}?max_results=1");
        return reply.Ok ? (long?)reply.Body?["_meta"]?["total"] ?? 0 : 0;
    }

    public void Dispose() => _http.Dispose();
}

public sealed class BackendException(string message) : Exception(message);

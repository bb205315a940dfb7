using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Alignak.Tests.Support;

/// <summary>An HTTP client that speaks to the backend as Alignak's clients do (Basic auth with the token).</summary>
public sealed class EveClient(Uri baseAddress) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<string> LoginAsync(HttpClient http, string username = "admin", string password = "admin", bool generate = false)
    {
        var body = new JsonObject { ["username"] = username, ["password"] = password };
        if (generate) body["action"] = "generate";
        using var response = await http.PostAsJsonAsync("/login", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
    }

    public async Task<EveClient> AsAsync(string username = "admin", string password = "admin")
    {
        UseToken(await LoginAsync(Http, username, password));
        return this;
    }

    /// <summary>The token this client authenticates with (the live push hub takes it too).</summary>
    public string? Token { get; private set; }

    public void UseToken(string token)
    {
        Token = token;
        Http.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":")));
    }

    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? parsed = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json") parsed = JsonNode.Parse(text);
        return (response.StatusCode, parsed ?? (text.Length > 0 ? JsonValue.Create(text) : null));
    }

    public Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body);

    public Task<(HttpStatusCode Status, JsonNode? Body)> PatchAsync(string path, JsonNode body, string? etag) =>
        SendAsync(HttpMethod.Patch, path, body, etag);

    public Task<(HttpStatusCode Status, JsonNode? Body)> DeleteAsync(string path, string? etag = null) =>
        SendAsync(HttpMethod.Delete, path, null, etag);

    /// <summary>Every item of a collection, following the pages.</summary>
    public async Task<List<JsonObject>> AllAsync(string resource, string query = "")
    {
        var items = new List<JsonObject>();
        var next = resource + (query.Length > 0 ? "?" + query : "");
        while (next is not null)
        {
            var (status, body) = await GetAsync("/" + next);
            Assert.Equal(HttpStatusCode.OK, status);
            items.AddRange(body!["_items"]!.AsArray().Select(i => i!.AsObject()));
            next = (string?)body["_links"]?["next"]?["href"];
        }
        return items;
    }

    /// <summary>The one item named <paramref name="name"/>, or null.</summary>
    public async Task<JsonObject?> FindAsync(string resource, string name)
    {
        var items = await AllAsync(resource, "where=" + Uri.EscapeDataString(new JsonObject { ["name"] = name }.ToJsonString()));
        return items.SingleOrDefault();
    }

    public void Dispose() => Http.Dispose();
}

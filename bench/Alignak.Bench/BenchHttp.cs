using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Alignak.Http.Hosting;
using Alignak.Http.Settings;
using Microsoft.AspNetCore.Builder;

/// <summary>The benches' server and client: a real server in-process, an HTTP client logged in as admin.</summary>
public static class BenchHttp
{
    public static async Task<(WebApplication, HttpClient)> StartAsync(BackendSettings settings)
    {
        var app = BackendApp.Build(settings, []);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(10) };
        var token = (string)(await (await http.PostAsJsonAsync("/login", new { username = "admin", password = "admin" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(token + ":")));
        return (app, http);
    }

    public static async Task<JsonNode> Get(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    public static async Task<JsonNode> Post(HttpClient http, string path, JsonNode body)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text[..Math.Min(500, text.Length)]}");
        return JsonNode.Parse(text)!;
    }
}

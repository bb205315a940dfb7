using System.Net;
using System.Text.Json.Nodes;
using Alignak.Tests.Support;

namespace Alignak.Tests.Push;

/// <summary>
/// The /live page in Debian's headless chromium, driven through the DevTools protocol, against a server started by
/// the test (actions applied at once): log in, see a problem appear after a check result posted over REST,
/// acknowledge it and schedule a downtime with the page's buttons, and find both in REST.
/// </summary>
public sealed class LivePageBrowserTests(LivePushFixture fixture) : IClassFixture<LivePushFixture>
{
    private static string Row(string service) => $"[...document.querySelectorAll('#problems tbody tr')].find(r => r.cells[2].textContent === '{service}')";

    [Fact]
    public async Task An_operator_sees_a_problem_arrive_and_handles_it_from_the_page()
    {
        var host = await fixture.PostAsync("host", new JsonObject { ["name"] = "web-01", ["_realm"] = fixture.RealmAll });
        var service = await fixture.PostAsync("service", new JsonObject { ["name"] = "http", ["host"] = host, ["_realm"] = fixture.RealmAll });
        var disk = await fixture.PostAsync("service", new JsonObject { ["name"] = "disk", ["host"] = host, ["_realm"] = fixture.RealmAll });
        await fixture.ResultAsync(host, null, 0, "PING OK");
        await fixture.ResultAsync(host, service, 0, "HTTP OK");
        await fixture.ResultAsync(host, disk, 1, "DISK WARNING - 15% free");

        await using var browser = await HeadlessChromium.OpenAsync();
        await browser.NavigateAsync(new Uri(fixture.Backend.Address, "/live"));
        await browser.WaitForAsync("document.readyState === 'complete' && document.querySelector('#login-button')", "the login form");
        await browser.EvaluateAsync("""
            document.querySelector('#username').value = 'admin';
            document.querySelector('#password').value = 'admin';
            document.querySelector('#login-button').click();
            """);
        await browser.WaitForAsync("document.querySelector('#status').textContent === 'live'", "the live status");
        await browser.WaitForAsync("getComputedStyle(document.querySelector('#login')).display === 'none'", "the login form gone");
        await browser.WaitForAsync("[...document.querySelectorAll('#synthesis tbody tr')].some(r => r.cells[0].textContent === 'All')",
            "the counters of realm All");
        await browser.WaitForAsync($"!{Row("http")}", "no problem for http yet");

        // A problem posted over REST appears without a reload.
        await fixture.ResultAsync(host, service, 2, "HTTP CRITICAL - 503 Service Unavailable");
        await browser.WaitForAsync($"{Row("http")}?.cells[0].textContent.startsWith('CRITICAL')", "the critical http service");
        Assert.Equal("HTTP CRITICAL - 503 Service Unavailable", (string?)await browser.EvaluateAsync($"{Row("http")}.cells[3].textContent"));
        Assert.Equal("web-01", (string?)await browser.EvaluateAsync($"{Row("http")}.cells[1].textContent"));
        await browser.WaitForAsync("[...document.querySelectorAll('#synthesis tbody tr')].some(r => r.cells[0].textContent === 'All' && r.cells[8].textContent !== '0')",
            "a critical service counted in realm All");
        const string services = "[...document.querySelectorAll('#problems tbody tr')].map(r => r.cells[2].textContent).filter(s => s === 'http' || s === 'disk').join()";
        Assert.Equal("http,disk", (string?)await browser.EvaluateAsync(services));

        // The Acknowledge button goes through actionacknowledge; the push brings the change back.
        await browser.EvaluateAsync($"{Row("http")}.querySelector('button[name=acknowledge]').click()");
        await browser.WaitForAsync($"{Row("http")}?.querySelector('.badge.acknowledged')", "the acknowledged badge");
        // Unacknowledged problems come first.
        Assert.Equal("disk,http", (string?)await browser.EvaluateAsync(services));
        var (status, stored) = await fixture.Admin.GetAsync($"/service/{service}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool?)stored!["ls_acknowledged"]);
        var acknowledgements = await fixture.Admin.AllAsync("actionacknowledge", "where=" + Uri.EscapeDataString($$"""{"service":"{{service}}"}"""));
        Assert.Equal("Acknowledged from the live page", (string?)Assert.Single(acknowledgements)["comment"]);

        // And the downtime button through actiondowntime.
        await browser.EvaluateAsync($"{Row("http")}.querySelector('button[name=downtime]').click()");
        await browser.WaitForAsync($"{Row("http")}?.querySelector('.badge.downtimed')", "the downtime badge");
        Assert.True((bool?)(await fixture.Admin.GetAsync($"/service/{service}")).Body!["ls_downtimed"]);
        Assert.Equal("", (string?)await browser.EvaluateAsync("document.querySelector('#action-error').textContent"));
    }

    [Fact]
    public async Task The_page_and_its_scripts_are_served_by_the_backend()
    {
        using var http = new HttpClient { BaseAddress = fixture.Backend.Address };
        foreach (var (path, type) in new[]
                 {
                     ("/live", "text/html"), ("/live/live.js", "text/javascript"), ("/live/live.css", "text/css"),
                     ("/live/signalr.min.js", "text/javascript"),
                 })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains("HubConnectionBuilder", await http.GetStringAsync("/live/signalr.min.js", TestContext.Current.CancellationToken));
        using var missing = await http.GetAsync("/live/nothing.js", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}

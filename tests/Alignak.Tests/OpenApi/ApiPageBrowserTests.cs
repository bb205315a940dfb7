using System.Diagnostics;
using Alignak.Tests.Api;

namespace Alignak.Tests.OpenApi;

/// <summary>
/// The API page in a real browser: Debian's headless chromium (tests/services.sh installs it) loads it from the
/// server, with no network beyond loopback, and the rendered page lists the resources.
/// </summary>
public sealed class ApiPageBrowserTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static async Task<string> RenderedDom(Uri page)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run tests/services.sh, which installs Debian's chromium");
        var profile = Directory.CreateTempSubdirectory("alignak-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", page.ToString(),
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var browser = Process.Start(start)!;
            var dom = browser.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = browser.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await browser.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
            return await dom;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    [Fact]
    public async Task The_api_page_renders_the_resources_offline()
    {
        var dom = await RenderedDom(new Uri(fixture.Backend.Address, "/docs"));
        Assert.Contains("Alignak backend API", dom);
        foreach (var resource in new[] { "actionacknowledge", "logcheckresult", "realm", "userrestrictrole" })
            Assert.Contains(resource, dom);
        Assert.DoesNotContain("Deploy", dom);
    }
}

using Alignak.Tests.Api;
using Alignak.Tests.Support;

namespace Alignak.Tests.OpenApi;

/// <summary>
/// The API page in a real browser: Debian's headless chromium (tests/services.sh installs it) loads it from the
/// server, with no network beyond loopback, and the rendered page lists the resources.
/// </summary>
public sealed class ApiPageBrowserTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task The_api_page_renders_the_resources_offline()
    {
        var dom = await HeadlessChromium.DumpDomAsync(new Uri(fixture.Backend.Address, "/docs"));
        Assert.Contains("Alignak backend API", dom);
        foreach (var resource in new[] { "actionacknowledge", "logcheckresult", "realm", "userrestrictrole" })
            Assert.Contains(resource, dom);
        Assert.DoesNotContain("Deploy", dom);
    }
}

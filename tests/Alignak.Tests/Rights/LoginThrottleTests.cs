using System.Net;
using System.Net.Http.Json;
using Alignak.Http.Auth;
using Alignak.Tests.Support;

namespace Alignak.Tests.Rights;

/// <summary>Failed logins slow down the next attempts per user name and per address; a success forgets the name's.</summary>
public sealed class LoginThrottleTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Past_the_free_failures_each_attempt_waits_twice_as_long_up_to_a_minute()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(freeFailuresPerName: 3, freeFailuresPerAddress: 100, time);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(throttle.RetryAfter("alice", "10.0.0.1"));
            throttle.Failed("alice", "10.0.0.1");
        }
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter("alice", "10.0.0.1"));
        // Another name from the same address is not held back by alice's failures.
        Assert.Null(throttle.RetryAfter("bob", "10.0.0.1"));

        time.Now += TimeSpan.FromSeconds(1);
        Assert.Null(throttle.RetryAfter("alice", "10.0.0.2"));
        throttle.Failed("alice", "10.0.0.2");
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RetryAfter("alice", "10.0.0.3"));
        for (var i = 0; i < 10; i++) throttle.Failed("alice", "10.0.0.2");
        Assert.Equal(LoginThrottle.LongestWait, throttle.RetryAfter("alice", "10.0.0.2"));

        throttle.Succeeded("alice");
        Assert.Null(throttle.RetryAfter("alice", "10.0.0.9"));
    }

    [Fact]
    public void One_address_spraying_many_names_is_slowed_down_and_old_failures_are_forgotten()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(freeFailuresPerName: 5, freeFailuresPerAddress: 4, time);
        for (var i = 0; i < 4; i++) throttle.Failed($"user{i}", "10.0.0.1");
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RetryAfter("fresh", "10.0.0.1"));
        Assert.Null(throttle.RetryAfter("fresh", "10.0.0.2"));

        time.Now += LoginThrottle.Forget + TimeSpan.FromSeconds(1);
        Assert.Null(throttle.RetryAfter("fresh", "10.0.0.1"));
        throttle.Failed("fresh", "10.0.0.1");
        Assert.Null(throttle.RetryAfter("other", "10.0.0.1"));
    }

    [Fact]
    public async Task Login_answers_429_with_retry_after_then_lets_the_right_password_in()
    {
        await using var database = TestDatabase.Sqlite();
        var settings = InProcessBackend.SettingsFor(database);
        settings.LoginFailuresPerName = 2;
        await using var backend = await InProcessBackend.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = backend.Address };
        Task<HttpResponseMessage> Login(string password) =>
            http.PostAsJsonAsync("/login", new { username = "admin", password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Login("wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login("wrong")).StatusCode);
        var held = await Login("admin");
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.True(int.Parse(held.Headers.GetValues("Retry-After").Single()) >= 1);
        var body = await held.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"_status\":\"ERR\"", body);
        Assert.Contains("\"code\":429", body);

        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await Login("admin")).StatusCode);
        // The success forgot the failures: a typo right after is a plain 401 again.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login("wrong")).StatusCode);
    }
}

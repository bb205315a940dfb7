using System.Collections.Concurrent;

namespace Alignak.Http.Auth;

/// <summary>
/// Slows down password guessing on <c>/login</c>, per user name and per client address: past a number of
/// failures in a row, each further attempt must wait 1 s, then 2 s, 4 s... up to <see cref="LongestWait"/>
/// after the last failure, or it is answered 429 with <c>Retry-After</c> without a password check. A success
/// forgets the name's failures; failures older than <see cref="Forget"/> no longer count. In memory and
/// bounded: past <see cref="MaxEntries"/> names and addresses, the oldest are forgotten first.
/// </summary>
public sealed class LoginThrottle(int freeFailuresPerName, int freeFailuresPerAddress, TimeProvider time)
{
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    public const int MaxEntries = 100_000;

    private readonly record struct Failures(int Count, DateTimeOffset Last);

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private static string NameKey(string name) => "n:" + name;

    private static string AddressKey(string address) => "a:" + address;

    /// <summary>How long this attempt must still wait; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string name, string address)
    {
        var wait = new[] { Wait(NameKey(name), freeFailuresPerName), Wait(AddressKey(address), freeFailuresPerAddress) }.Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    private TimeSpan Wait(string key, int free)
    {
        if (!_failures.TryGetValue(key, out var failures) || failures.Count < free) return TimeSpan.Zero;
        var now = time.GetUtcNow();
        if (now - failures.Last > Forget) return TimeSpan.Zero;
        var delay = TimeSpan.FromSeconds(Math.Min(LongestWait.TotalSeconds, Math.Pow(2, failures.Count - free)));
        var left = failures.Last + delay - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public void Failed(string name, string address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxEntries) ForgetOldest();
        foreach (var key in new[] { NameKey(name), AddressKey(address) })
            _failures.AddOrUpdate(key, _ => new Failures(1, now),
                (_, old) => new Failures(now - old.Last > Forget ? 1 : old.Count + 1, now));
    }

    public void Succeeded(string name) => _failures.TryRemove(NameKey(name), out _);

    private void ForgetOldest()
    {
        var cutoff = time.GetUtcNow() - Forget;
        foreach (var (key, failures) in _failures)
            if (failures.Last < cutoff) _failures.TryRemove(key, out _);
        if (_failures.Count < MaxEntries) return;
        // Still full of recent failures (a spray from many addresses): keep the newest half.
        foreach (var (key, _) in _failures.OrderBy(p => p.Value.Last).Take(_failures.Count / 2).ToList())
            _failures.TryRemove(key, out _);
    }
}

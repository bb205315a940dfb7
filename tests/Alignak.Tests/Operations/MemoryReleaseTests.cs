using Alignak.Http.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alignak.Tests.Operations;

/// <summary>The memory a burst left committed goes back to the system once the server has been quiet a while, and only then.</summary>
public class MemoryReleaseTests
{
    private const long MB = 1L << 20;

    [Theory]
    [InlineData(1200, 600, MemoryRelease.QuietLooks, true)]      // 110,000 items after their creation, then a quiet minute
    [InlineData(1200, 600, MemoryRelease.QuietLooks - 1, false)] // the same, quiet for less
    [InlineData(300, 100, MemoryRelease.QuietLooks, false)]      // little held beyond the live heap
    [InlineData(1500, 1100, MemoryRelease.QuietLooks, false)]    // held beyond the live heap: under half of it
    public void It_releases_only_a_server_quiet_for_a_while_holding_much_more_than_it_uses(long committedMb, long liveMb, int quietLooks, bool released) =>
        Assert.Equal(released, MemoryRelease.ShouldRelease(committedMb * MB, liveMb * MB, quietLooks));

    [Fact]
    public void A_release_gives_the_free_memory_of_a_burst_back()
    {
        // A burst that survives its first collections (as parsed documents and replaced states do), then dies.
        var burst = new List<byte[]>();
        for (var i = 0; i < 8192; i++) burst.Add(new byte[64 * 1024 - 64]);
        GC.Collect();
        GC.Collect();
        burst.Clear();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
        var held = GC.GetGCMemoryInfo().TotalCommittedBytes;

        new MemoryRelease(NullLogger<MemoryRelease>.Instance).Release("test");

        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Assert.True(held - after > 256 * MB, $"committed {held / MB} MB before the release, {after / MB} MB after");
    }
}

using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>Runs alone: its tests measure the allocations of the whole process.</summary>
[CollectionDefinition(nameof(PageMemoryCollection), DisableParallelization = true)]
public sealed class PageMemoryCollection;

/// <summary>A large response streams through the page caches in a bounded amount of memory, over a real Kestrel socket.</summary>
[Collection(nameof(PageMemoryCollection))]
public sealed class PageMemoryTests
{
    private const int MaxBodySize = 4 * 1024 * 1024;

    // What the server and the client allocate for themselves while streaming 200 MiB, whatever the page cache does: about
    // 4 MB measured with a 64 KiB MaxBodySize. A buffered 200 MiB body allocates over 200 MiB.
    private const long Slack = 16L * 1024 * 1024;
    private const int Mebibytes = 200;

    public static TheoryData<string, string?> Downloads => new()
    {
        { "/StreamingSite/Download/" + Mebibytes, null },
        { "/Streaming/Download/" + Mebibytes, "middleware" },
    };

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task Download200MB_AllocatesUnderTwiceMaxBodySizePlusSlack(string url, string? mode)
    {
        var (factory, _) = TestAppFactory.Create(s => s.Configure<PageCacheOptions>(o => o.MaxBodySize = MaxBodySize), mode);
        await using var _f = factory;
        using var client = KestrelHost.Start(factory);

        // Warm up (JIT, connection, pools) on a small page, then measure one download, reading and discarding it.
        await client.SendAsync("/site/Plain");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await KestrelHost.GetHeadersAsync(client, url);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            total += read;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Current.SendDiagnosticMessage($"{url}: {allocated:N0} bytes allocated for {total:N0} bytes streamed");

        Assert.Equal(Mebibytes * 1024L * 1024L, total);
        Assert.True(allocated < (2L * MaxBodySize) + Slack, $"{allocated:N0} bytes allocated while streaming {total:N0} bytes");
    }
}

using System.Diagnostics;
using System.Globalization;

namespace FragmentCache.Benchmarks.Bdn;

/// <summary>
/// <c>--alloc</c>: bytes allocated per hit (all threads, <see cref="GC.GetTotalAllocatedBytes(bool)"/>) on the paths
/// <see cref="FragmentHitBenchmarks"/> and <see cref="PageHitBenchmarks"/> measure, each call awaited in a loop as a
/// request awaits it. BenchmarkDotNet's in-process toolchain blocks on every call of an async benchmark instead, and
/// the wait allocates on its own (about 0.6 KB per hit here), so its Allocated column reads higher than this.
/// </summary>
internal static class HitAllocations
{
    private const int Calls = 3000;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    public static async Task RunAsync()
    {
        foreach (var twoTier in new[] { false, true })
        {
            var fragments = new FragmentHitBenchmarks { Rows = 200, TwoTier = twoTier, Compression = false };
            fragments.Setup();
            var budget = fragments.FragmentBytes + 1024;
            Report($"fragment hit, tag helper path, two-tier {Flag(twoTier)}", await MeasureAsync(fragments.TagHelperHit), budget);
            Report($"fragment hit, GetOrRenderBytesAsync, two-tier {Flag(twoTier)}", await MeasureAsync(fragments.BytesHit), budget);
            fragments.Cleanup();

            var pages = new PageHitBenchmarks { TwoTier = twoTier, Compression = false };
            pages.Setup();
            Report($"harness alone (context, headers, body), no cache", await MeasureAsync(pages.HarnessOnly), null);
            Report($"page hit, [CachePage] handler, two-tier {Flag(twoTier)}", await MeasureAsync(pages.CachePageHit), null);
            Report($"page hit, UseCachePage, two-tier {Flag(twoTier)}", await MeasureAsync(pages.CachePageMiddlewareHit), null);
            Report($"page hit, UseSiteCache, two-tier {Flag(twoTier)}", await MeasureAsync(pages.PerSiteHit), null);
            pages.Cleanup();
        }

        Console.WriteLine("fragment: 38,153 B of UTF-8 (target: a hit allocates at most the fragment's bytes + 1 KB); page body: 38,232 B");
        Console.WriteLine("page hits include the harness's own DefaultHttpContext, response headers and body stream: the 'harness alone' row; the library's share is a page hit's figure less that row");
    }

    private static string Flag(bool on) => on ? "on " : "off";

    private static async Task<double> MeasureAsync<T>(Func<Task<T>> hit)
    {
        // Long enough for tiered compilation to replace the first versions, which allocate where tier 1 does not.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < WarmUp)
        {
            await hit();
        }

        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await hit();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Calls;
    }

    private static void Report(string name, double bytes, int? budget)
    {
        var verdict = budget is { } b ? $"  (target <= {b.ToString("N0", CultureInfo.InvariantCulture)} B: {(bytes <= b ? "met" : "not met")})" : "";
        Console.WriteLine($"{name,-52} {bytes.ToString("N0", CultureInfo.InvariantCulture),9} B per hit{verdict}");
    }
}

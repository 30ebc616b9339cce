using BlogSite.Services;
using FragmentCache;
using FragmentCache.Memcached;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BlogSite.Controllers;

/// <summary>What the cache is doing: per fragment and page (the core's own figures), and each Memcached server's health.</summary>
public sealed class CacheController(FragmentCacheStatistics stats, ICacheStore store, BlogStatistics statistics,
    IOptions<MemcachedClientOptions> memcached, IServiceProvider services) : Controller
{
    [HttpGet("/cache")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public IActionResult Index()
    {
        // The process's one Memcached client (the store's, shared): it exists once FragmentCache:Servers lists a server.
        var servers = memcached.Value.Servers.Count > 0 ? services.GetRequiredService<IMemcachedClient>().GetServerStatuses() : null;
        return View(new CachePageModel(stats.Snapshot(), servers, store.GetType().Name, statistics.Computations));
    }

    /// <summary>The same numbers as JSON (for scripts and the tests).</summary>
    [HttpGet("/cache/stats.json")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public IActionResult Json() => Json(stats.Snapshot().Select(r => new
    {
        r.Name,
        Hits = r.CachedLookups,
        Misses = r.RenderedLookups,
        StaleServes = r.StaleHits,
        NotStored = r.NotStored,
        MeanRenderMs = r.MeanRenderedTime.TotalMilliseconds,
        MeanHitMs = r.MeanCachedTime.TotalMilliseconds,
    }));
}

public sealed record CachePageModel(IReadOnlyList<FragmentStatistics> Rows, IReadOnlyList<MemcachedServerStatus>? Servers, string StoreName, int StatisticComputations);

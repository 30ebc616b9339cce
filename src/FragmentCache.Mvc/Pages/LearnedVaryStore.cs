using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The per-site cache's <c>Vary</c> lists, learned per URL from the responses that name them (Django's
/// <c>learn_cache_key</c> and <c>get_cache_key</c>): kept in the store, and briefly in process.
/// </summary>
internal sealed class LearnedVaryStore(ICache cache, PageCacheOptions options, ILogger logger)
{
    // A URL's learned Vary list changes rarely and only grows: keep it in process briefly instead of asking the store on
    // every request. A list that is a few seconds old can only be shorter than the truth, and a page rendered with a key
    // that lacks a Vary header is served but not stored (PageCachePolicy.VaryRefusal), so the staleness costs hits, never
    // correctness.
    private static readonly TimeSpan LocalTime = TimeSpan.FromSeconds(5);

    private readonly MemoryCache _local = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>The request headers learned for the request's URL; none when nothing was learned or the store failed.</summary>
    public async ValueTask<string[]> GetAsync(HttpContext context)
    {
        var key = PageKey.LearnedVaryKey(context.Request, options);
        if (_local.Get(key) is string[] known)
        {
            return known;
        }

        try
        {
            var learned = await cache.GetAsync<string[]>(key, cancellationToken: context.RequestAborted).ConfigureAwait(false) ?? [];
            KeepLocal(key, learned);
            return learned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only with ThrowOnError; a page never fails because the cache did.
            PageCacheLog.StoreFailed(logger, ex);
            return [];
        }
    }

    /// <summary>Records <paramref name="headers"/> as the request URL's <c>Vary</c> list, for <see cref="PageCacheOptions.MaxDuration"/>.</summary>
    public async ValueTask LearnAsync(HttpContext context, string[] headers)
    {
        var key = PageKey.LearnedVaryKey(context.Request, options);
        KeepLocal(key, headers);
        try
        {
            await cache.SetAsync(key, headers, options.MaxDuration, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PageCacheLog.StoreFailed(logger, ex);
        }
    }

    private void KeepLocal(string key, string[] headers) =>
        _local.Set(key, headers, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = LocalTime, Size = 1 });
}

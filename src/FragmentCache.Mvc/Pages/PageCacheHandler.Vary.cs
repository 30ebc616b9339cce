using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;

namespace FragmentCache.Mvc.Pages;

/// <summary>The per-site cache's Vary lists, learned per URL from the responses that name them.</summary>
internal sealed partial class PageCacheHandler
{
    // A URL's learned Vary list changes rarely and only grows: keep it in process briefly instead of asking the store on
    // every request. A list that is a few seconds old can only be shorter than the truth, and a page rendered with a key
    // that lacks a Vary header is served but not stored (see ToEntryAsync), so the staleness costs hits, never correctness.
    private static readonly TimeSpan LearnedVaryLocalTime = TimeSpan.FromSeconds(5);

    private readonly MemoryCache _learnedVary = new(
        new MemoryCacheOptions { SizeLimit = 10_000 });

    private string VaryLearnKey(HttpContext context)
    {
        var request = context.Request;
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        var url = request.Scheme + "://" + (request.Host.Value ?? "").ToLowerInvariant() + (_options.CaseSensitivePaths ? path : path.ToLowerInvariant());
        return "pagevary:" + _options.KeyPrefix + ":" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)), 0, 16);
    }

    private async Task<string[]> LearnedVaryAsync(HttpContext context)
    {
        var key = VaryLearnKey(context);
        if (_learnedVary.TryGetValue(key, out string[]? known) && known is not null)
        {
            return known;
        }

        try
        {
            var learned = await cache.GetAsync<string[]>(key, cancellationToken: context.RequestAborted).ConfigureAwait(false) ?? [];
            KeepLearnedVary(key, learned);
            return learned;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only with ThrowOnError; a page never fails because the cache did.
            LogStoreFailed(logger, ex);
            return [];
        }
    }

    private void KeepLearnedVary(string key, string[] headers) =>
        _learnedVary.Set(key, headers, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = LearnedVaryLocalTime,
            Size = 1,
        });

    private async Task LearnVaryAsync(HttpContext context, string[] headers)
    {
        var key = VaryLearnKey(context);
        KeepLearnedVary(key, headers);
        try
        {
            await cache.SetAsync(key, headers, _options.MaxDuration, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStoreFailed(logger, ex);
        }
    }
}

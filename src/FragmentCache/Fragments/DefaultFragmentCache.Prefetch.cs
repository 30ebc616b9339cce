namespace FragmentCache;

/// <content>Answering a lookup from the read its request started (<see cref="IFragmentPrefetcher"/>).</content>
internal sealed partial class DefaultFragmentCache
{
    /// <summary>This cache's prefetcher (registered as the app's <see cref="IFragmentPrefetcher"/> for the default cache).</summary>
    internal FragmentPrefetcher Prefetcher { get; }

    /// <summary>
    /// The prefetched item, when there is one, validated as a fetched one is (a value, the canonical key, the kind, the
    /// tag generations read with it), and served only while it is neither past its expiration nor inside its
    /// early-recache window (so the request that would re-render it still does) and no invalidation was made in this
    /// process since the read started. Anything else takes the normal lookup.
    /// </summary>
    private async ValueTask<FragmentResult> LookupPrefetchedAsync(FragmentRequest request, FragmentPrefetchScope scope, Task<PrefetchedEntries?> fetch, long started, CancellationToken cancellationToken)
    {
        var expiration = CacheTimeouts.ToStoreExpiration(request.Options.Expiration, _options.DefaultTimeout);
        if (!CacheTimeouts.IsImmediate(expiration)
            && await fetch.ConfigureAwait(false) is { } prefetched
            && !scope.Outdated
            && prefetched.Items.TryGetValue(request.FullKey, out var item)
            && await entries.ValidateAsync(item, request.Key, request.FullKey, prefetched.Generations, request.Kind, cancellationToken).ConfigureAwait(false) is { } entry
            && IsFreshForPrefetch(entry, request, expiration))
        {
            metrics.Hit(MetricLayers.Fragment);
            KeepLocalCopy(request, entry.Kind, entry.Content, entry.Tags, expiration);
            var result = new FragmentResult(FragmentOutcome.Hit, entry.Kind, entry.Content, null);
            metrics.Lookup(request.Label, result.Outcome, started);
            return result;
        }

        return await LookupAsync(request, started, cancellationToken).ConfigureAwait(false);
    }

    private bool IsFreshForPrefetch(FragmentEntry entry, FragmentRequest request, TimeSpan? expiration)
    {
        if (expiration is not { } e)
        {
            return true;
        }

        var recache = store is ICacheLeaseStore
            ? NotNegative(request.Options.EarlyRecacheWindow ?? _options.Stampede.EarlyRecacheWindow)
            : TimeSpan.Zero;
        var age = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - entry.CreatedUnixMilliseconds;
        return age <= (long)(e - recache).TotalMilliseconds;
    }
}

namespace FragmentCache;

/// <summary>The figures of one fragment label (<see cref="FragmentCacheStatistics"/>).</summary>
/// <param name="Name">The label: the fragment's name, or the <see cref="FragmentCacheEntryOptions.MetricName"/> its caller set (pages: <c>page</c> and the route template).</param>
/// <param name="Hits">Lookups answered by a current copy from the store, or by another call's render they joined.</param>
/// <param name="LocalHits">Lookups answered by the two-tier in-process copy.</param>
/// <param name="StaleHits">Lookups answered by a stale copy while one request re-rendered.</param>
/// <param name="Misses">Lookups that rendered (and stored).</param>
/// <param name="NotStored">Lookups that rendered and did not store, because the render said so.</param>
/// <param name="CachedTime">Total time of the lookups answered from the cache (<see cref="Hits"/>, <see cref="LocalHits"/>, <see cref="StaleHits"/>).</param>
/// <param name="RenderedTime">Total time of the lookups that rendered (<see cref="Misses"/>, <see cref="NotStored"/>), their render included.</param>
public sealed record FragmentStatistics(
    string Name, long Hits, long LocalHits, long StaleHits, long Misses, long NotStored, TimeSpan CachedTime, TimeSpan RenderedTime)
{
    /// <summary>Lookups answered from the cache, of every kind: each one a render saved.</summary>
    public long CachedLookups => Hits + LocalHits + StaleHits;

    /// <summary>Lookups that rendered, stored or not.</summary>
    public long RenderedLookups => Misses + NotStored;

    /// <summary>Mean time of a lookup answered from the cache; zero when there was none.</summary>
    public TimeSpan MeanCachedTime => CachedLookups == 0 ? TimeSpan.Zero : CachedTime / CachedLookups;

    /// <summary>Mean time of a lookup that rendered; zero when there was none.</summary>
    public TimeSpan MeanRenderedTime => RenderedLookups == 0 ? TimeSpan.Zero : RenderedTime / RenderedLookups;
}

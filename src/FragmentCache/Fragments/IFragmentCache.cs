namespace FragmentCache;

/// <summary>
/// Cached fragments (Django's <c>{% cache %}</c> from code): keyed by <see cref="FragmentKey"/>, with tags,
/// soft invalidation and stampede protection in-process and across processes. The name + vary value forms
/// (<c>GetOrRenderAsync(name, varyValues, ...)</c>, <c>GetOrRenderBytesAsync</c>, <c>InvalidateAsync(name, varyValues)</c>)
/// are extension methods over these members (<see cref="FragmentCacheExtensions"/>), so a decorator implements only these.
/// </summary>
/// <remarks>
/// A store failure or an unreadable entry never fails a render: the fragment is rendered and
/// served, and the failure is logged (rate-limited) and counted. Only the renderer's own exceptions
/// reach the caller. Invalidations report a store failure as <see langword="false"/> (logged and
/// counted), or throw it when <see cref="FragmentCacheOptions.ThrowOnError"/> is set.
/// </remarks>
public interface IFragmentCache
{
    /// <summary>
    /// Returns the cached fragment, or renders it once (across all processes where the store has leases) and stores it
    /// unless the render says not to. The one primitive every front end (tag helper, component, page cache) calls.
    /// </summary>
    /// <param name="key">The fragment's key; its name is also the metrics label unless <see cref="FragmentCacheEntryOptions.MetricName"/> is set.</param>
    /// <param name="options">How to cache it; <see langword="null"/> for the defaults.</param>
    /// <param name="render">
    /// Renders the fragment; called only on a miss (or by the one request that rebuilds a stale or early-recache copy). Its
    /// <see cref="FragmentRender.Store"/> decides whether the content is stored. If it throws, nothing is cached and the
    /// exception reaches the caller (and the callers that joined its render). Callers that joined a render that was not
    /// stored call their own <paramref name="render"/> (outcome <see cref="FragmentOutcome.NotStored"/>); callers that joined
    /// a render whose own caller was cancelled start again. With <see cref="FragmentCacheEntryOptions.BackgroundRefresh"/> a
    /// rebuild runs in the background instead: its token is cancelled only at shutdown and its exception is logged, not thrown.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait and the render.</param>
    /// <returns>The outcome, the content's bytes and its text.</returns>
    ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates one fragment (Django's <c>cache.delete(make_template_fragment_key(name, vary_on))</c>).
    /// </summary>
    /// <param name="key">The fragment's key.</param>
    /// <param name="soft">
    /// <see langword="false"/> (the default) deletes it; <see langword="true"/> marks it stale, so readers keep the old copy for at most
    /// <see cref="FragmentCacheStampedeOptions.SoftInvalidationTime"/> while one request rebuilds it (a store without leases deletes instead).
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the fragment was cached.</returns>
    ValueTask<bool> InvalidateAsync(FragmentKey key, bool soft = false, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every fragment carrying a tag, on every node (in two-tier mode within <see cref="FragmentCacheTwoTierOptions.PollInterval"/>).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the tag's generation has moved on.</returns>
    ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);
}

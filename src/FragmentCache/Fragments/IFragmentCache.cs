namespace FragmentCache;

/// <summary>
/// Cached fragments (Django's <c>{% cache %}</c> from code): keyed by name and vary values, with tags,
/// soft invalidation and stampede protection in-process and across processes.
/// </summary>
/// <remarks>
/// A store failure or an unreadable entry never fails a render: the fragment is rendered and
/// served, and the failure is logged (rate-limited) and counted. Only the renderer's own exceptions
/// reach the caller. Invalidations report a store failure as <see langword="false"/> (logged and
/// counted), or throw it when <see cref="FragmentCacheOptions.ThrowOnError"/> is set.
/// </remarks>
public interface IFragmentCache
{
    /// <summary>Returns the cached text of a fragment, or renders it once (across all processes where the store has leases) and caches it.</summary>
    /// <param name="name">The fragment's name.</param>
    /// <param name="varyValues">The values it varies by; <see langword="null"/> for none.</param>
    /// <param name="options">How to cache it; <see langword="null"/> for the defaults.</param>
    /// <param name="render">
    /// Renders the fragment; called only on a miss (or by the one request that rebuilds a stale or early-recache copy). If it
    /// throws, nothing is cached and the exception reaches the caller. With <see cref="FragmentCacheEntryOptions.BackgroundRefresh"/>
    /// a rebuild runs in the background instead: its token is cancelled only at shutdown and its exception is logged, not thrown.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait and the render.</param>
    /// <returns>The fragment's text.</returns>
    ValueTask<string> GetOrRenderAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken = default);

    /// <summary>Returns the cached bytes of a fragment, or renders them once and caches them.</summary>
    /// <param name="name">The fragment's name.</param>
    /// <param name="varyValues">The values it varies by; <see langword="null"/> for none.</param>
    /// <param name="options">How to cache it; <see langword="null"/> for the defaults.</param>
    /// <param name="render">Renders the fragment; called only on a miss (or by the one request that rebuilds a stale or early-recache copy, in the background with <see cref="FragmentCacheEntryOptions.BackgroundRefresh"/>).</param>
    /// <param name="cancellationToken">Cancels the wait and the render.</param>
    /// <returns>The fragment's bytes.</returns>
    ValueTask<ReadOnlyMemory<byte>> GetOrRenderBytesAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken = default);

    /// <summary>
    /// Invalidates one fragment (Django's <c>cache.delete(make_template_fragment_key(name, vary_on))</c>).
    /// </summary>
    /// <param name="name">The fragment's name.</param>
    /// <param name="varyValues">The values it varies by; <see langword="null"/> for none.</param>
    /// <param name="soft">
    /// <see langword="false"/> (the default) deletes it; <see langword="true"/> marks it stale, so readers keep the old copy for at most
    /// <see cref="FragmentCacheStampedeOptions.SoftInvalidationTime"/> while one request rebuilds it (a store without leases deletes instead).
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the fragment was cached.</returns>
    ValueTask<bool> InvalidateAsync(string name, IReadOnlyList<object?>? varyValues, bool soft = false, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every fragment carrying a tag, on every node (in two-tier mode within <see cref="FragmentCacheTwoTierOptions.PollInterval"/>).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the tag's generation has moved on.</returns>
    ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);
}

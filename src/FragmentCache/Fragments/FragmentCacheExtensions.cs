using System.Runtime.CompilerServices;

namespace FragmentCache;

/// <summary>The name + vary value forms of <see cref="IFragmentCache"/>, over its key-first primitive.</summary>
public static class FragmentCacheExtensions
{
    /// <summary>Returns the cached text of a fragment, or renders it once (across all processes where the store has leases) and caches it.</summary>
    /// <param name="cache">The fragment cache.</param>
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
    public static ValueTask<string> GetOrRenderAsync(this IFragmentCache cache, string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(render);
        var key = FragmentKey.Create(name, varyValues);
        return cache is DefaultFragmentCache ours
            ? TextAsync(ours.GetOrRenderAsync(key, options, render, cancellationToken))
            : TextAsync(cache.GetOrRenderAsync(key, options, Adapt(render), cancellationToken));
    }

    /// <summary>Returns the cached bytes of a fragment, or renders them once and caches them.</summary>
    /// <param name="cache">The fragment cache.</param>
    /// <param name="name">The fragment's name.</param>
    /// <param name="varyValues">The values it varies by; <see langword="null"/> for none.</param>
    /// <param name="options">How to cache it; <see langword="null"/> for the defaults.</param>
    /// <param name="render">Renders the fragment; called only on a miss (or by the one request that rebuilds a stale or early-recache copy, in the background with <see cref="FragmentCacheEntryOptions.BackgroundRefresh"/>).</param>
    /// <param name="cancellationToken">Cancels the wait and the render.</param>
    /// <returns>The fragment's bytes.</returns>
    public static ValueTask<ReadOnlyMemory<byte>> GetOrRenderBytesAsync(this IFragmentCache cache, string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(render);
        var key = FragmentKey.Create(name, varyValues);
        return cache is DefaultFragmentCache ours
            ? BytesAsync(ours.GetOrRenderAsync(key, options, render, cancellationToken))
            : BytesAsync(cache.GetOrRenderAsync(key, options, Adapt(render), cancellationToken));
    }

    /// <summary>
    /// <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/>
    /// with a state argument for the render, so a caller passes one static delegate instead of a closure per call. The
    /// core's own cache keeps the state with the lookup, past its two-tier copy (a local hit allocates nothing for it);
    /// any other implementation, such as a decorator, is called through the primitive with a closure over the state.
    /// </summary>
    /// <typeparam name="TState">The render's state; a reference type avoids boxing on a miss.</typeparam>
    /// <param name="cache">The fragment cache.</param>
    /// <param name="key">The fragment's key.</param>
    /// <param name="options">How to cache it; <see langword="null"/> for the defaults.</param>
    /// <param name="state">Passed to <paramref name="render"/>.</param>
    /// <param name="render">Renders the fragment, as the primitive's render does.</param>
    /// <param name="cancellationToken">Cancels the wait and the render.</param>
    /// <returns>The outcome, the content's bytes and its text.</returns>
    public static ValueTask<FragmentResult> GetOrRenderAsync<TState>(this IFragmentCache cache, FragmentKey key, FragmentCacheEntryOptions? options, TState state, Func<TState, CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(render);
        return cache is DefaultFragmentCache ours
            ? ours.GetOrRenderAsync(key, options, state, render, cancellationToken)
            : cache.GetOrRenderAsync(key, options, Bind(state, render), cancellationToken);
    }

    /// <summary>
    /// Invalidates one fragment (Django's <c>cache.delete(make_template_fragment_key(name, vary_on))</c>).
    /// </summary>
    /// <param name="cache">The fragment cache.</param>
    /// <param name="name">The fragment's name.</param>
    /// <param name="varyValues">The values it varies by; <see langword="null"/> for none.</param>
    /// <param name="soft">
    /// <see langword="false"/> (the default) deletes it; <see langword="true"/> marks it stale, so readers keep the old copy for at most
    /// <see cref="FragmentCacheStampedeOptions.SoftInvalidationTime"/> while one request rebuilds it (a store without leases deletes instead).
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the fragment was cached.</returns>
    public static ValueTask<bool> InvalidateAsync(this IFragmentCache cache, string name, IReadOnlyList<object?>? varyValues, bool soft = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.InvalidateAsync(FragmentKey.Create(name, varyValues), soft, cancellationToken);
    }

    // Apart, so that only a decorated cache pays for the adapter (a lambda capturing a parameter allocates its closure
    // when the method starts, whichever branch runs).
    private static Func<CancellationToken, ValueTask<FragmentRender>> Bind<TState>(TState state, Func<TState, CancellationToken, ValueTask<FragmentRender>> render)
        => ct => render(state, ct);

    private static Func<CancellationToken, ValueTask<FragmentRender>> Adapt(Func<CancellationToken, ValueTask<string>> render)
        => async ct => FragmentRender.Stored(await render(ct).ConfigureAwait(false));

    private static Func<CancellationToken, ValueTask<FragmentRender>> Adapt(Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render)
        => async ct => FragmentRender.Stored(await render(ct).ConfigureAwait(false));

    // Completes synchronously without allocating on a synchronous result (a two-tier hit); pooled otherwise.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<string> TextAsync(ValueTask<FragmentResult> pending) => (await pending.ConfigureAwait(false)).Text;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ReadOnlyMemory<byte>> BytesAsync(ValueTask<FragmentResult> pending) => (await pending.ConfigureAwait(false)).Utf8;
}

namespace FragmentCache;

/// <summary>
/// Reads a request's fragments ahead: per route, the default fragment cache remembers the full keys (and their tags)
/// that the route's last request looked up, and <see cref="BeginRequest"/> reads them all, with the tags' counters, in
/// one get-many. A lookup during the request is then answered from that read when the entry found there is of the
/// exact key and kind, its tags match the counters read with it, it is neither past its expiration nor inside its
/// early-recache window, and no invalidation was made in this process since the read started; every other lookup
/// takes the normal path (leases included). The MVC layer calls it per action request when
/// <c>FragmentCacheMvcOptions.PrefetchFragments</c> is on.
/// </summary>
/// <remarks>
/// Bounds: at most <see cref="MaxKeysPerRoute"/> keys and <see cref="MaxTagsPerRoute"/> tags per route (the first ones
/// looked up) and <see cref="MaxRoutes"/> routes per process (past that, a new route replaces an old one). The registered
/// prefetcher does nothing when <see cref="IFragmentCache"/> is not the default one (a decorator), or when the store has
/// leases but not <see cref="ICachePrefetchStore"/>. Two-tier local hits and named stores are not prefetched.
/// </remarks>
public interface IFragmentPrefetcher
{
    /// <summary>The most fragment keys remembered per route: 32.</summary>
    const int MaxKeysPerRoute = 32;

    /// <summary>The most tags (whose counters are read with the keys) remembered per route: 32.</summary>
    const int MaxTagsPerRoute = 32;

    /// <summary>The most routes remembered per process: 1,024.</summary>
    const int MaxRoutes = 1024;

    /// <summary>
    /// Opens the prefetch for one request of <paramref name="route"/> in the current execution context and starts the
    /// read of the keys the route's last request looked up, without waiting for it. Dispose the returned scope when the
    /// request ends: that remembers, for the route, the keys this request looked up.
    /// </summary>
    /// <param name="route">
    /// Identifies the route; requests of one route should look up mostly the same fragments. Include what makes their
    /// keys differ (the user, for pages with per-user fragments) to keep one route's keys from being read for another.
    /// </param>
    /// <param name="cancellationToken">Cancels the read (usually the request's abort token).</param>
    /// <returns>The scope; disposing it ends the prefetch for this request.</returns>
    IDisposable BeginRequest(string route, CancellationToken cancellationToken = default);
}

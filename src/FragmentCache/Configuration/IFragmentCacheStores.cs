namespace FragmentCache;

/// <summary>
/// The caches by name: the main one as <c>"default"</c> (Django's alias) and each of
/// <see cref="FragmentCacheOptions.Stores"/>. Names are case-insensitive. Registered by <c>AddFragmentCache</c>, which
/// also makes every store's <see cref="ICache"/> and <see cref="IFragmentCache"/> a keyed service under its name
/// (<c>[FromKeyedServices("sessions")] ICache sessions</c>).
/// </summary>
public interface IFragmentCacheStores
{
    /// <summary>The names of every store: <c>"default"</c> first, then the named stores as configured.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Whether a store is called <paramref name="name"/> (case-insensitive; <c>"default"</c> always is).</summary>
    /// <param name="name">The store's name.</param>
    /// <returns><see langword="true"/> when such a store exists.</returns>
    bool Contains(string name);

    /// <summary>
    /// The low-level cache of the store <paramref name="name"/>: its keys carry that store's prefix and version, and its
    /// values live only in that store. Throws <see cref="InvalidOperationException"/> naming the store and the
    /// configured names when there is none.
    /// </summary>
    /// <param name="name">The store's name; <c>"default"</c> is the main store.</param>
    /// <returns>The store's cache, the same instance on every call.</returns>
    ICache GetCache(string name);

    /// <summary>
    /// The fragment cache of the store <paramref name="name"/>: its tags and invalidations reach only that store.
    /// Throws <see cref="InvalidOperationException"/> naming the store and the configured names when there is none.
    /// </summary>
    /// <param name="name">The store's name; <c>"default"</c> is the main store.</param>
    /// <returns>The store's fragment cache, the same instance on every call.</returns>
    IFragmentCache GetFragmentCache(string name);
}

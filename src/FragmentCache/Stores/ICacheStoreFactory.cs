namespace FragmentCache;

/// <summary>
/// A store backend chosen by configuration: a backend's <c>Use{Backend}()</c> registers one (as a singleton
/// <see cref="ICacheStoreFactory"/>), and the core asks it about every store it builds, the main one (the
/// <c>FragmentCache</c> section) and each named one (<c>FragmentCache:Stores:{name}</c>). The first factory whose
/// <see cref="IsConfigured"/> says yes builds the store; when none does, the store is the in-memory one. A store chosen
/// in code (<c>UseStore</c>, <c>UseDistributedCache</c>) is used for the main store instead of asking any factory.
/// None is registered by default.
/// </summary>
public interface ICacheStoreFactory
{
    /// <summary>
    /// Whether this store's settings select this backend (for Memcached: the store lists servers). Called at startup,
    /// before <see cref="Create"/>; must not connect anywhere.
    /// </summary>
    /// <param name="context">The store being built.</param>
    /// <returns><see langword="true"/> when <see cref="Create"/> should build the store.</returns>
    bool IsConfigured(CacheStoreContext context);

    /// <summary>
    /// Checks this backend's settings of one store at startup. Each message starts with the setting's path relative to
    /// the store's section (<c>"Servers:0: ..."</c>); the core prefixes the section (<c>FragmentCache:</c> or
    /// <c>FragmentCache:Stores:{name}:</c>) and fails the startup with every message.
    /// </summary>
    /// <param name="context">The store being checked.</param>
    /// <returns>The problems found; empty when the settings are valid.</returns>
    IEnumerable<string> Validate(CacheStoreContext context);

    /// <summary>
    /// Builds the store, once, on first use. The core disposes it (when it is <see cref="IDisposable"/> or
    /// <see cref="IAsyncDisposable"/>) with the container, so a store that shares a client it was given must leave that
    /// client open when disposed. The factory logs which store it built: the core logs nothing for it.
    /// </summary>
    /// <param name="context">The store being built.</param>
    /// <returns>The store.</returns>
    ICacheStore Create(CacheStoreContext context);

    /// <summary>
    /// The names of the settings this backend reads directly in a store's section (for Memcached: <c>Servers</c> and
    /// <c>Memcached</c>). At startup a name in a store's section that is neither one of these (for any registered
    /// backend) nor a setting of <see cref="FragmentCacheOptions"/> fails the startup as misspelled. The default is none.
    /// </summary>
    IReadOnlyCollection<string> SettingNames => [];
}

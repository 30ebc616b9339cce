namespace FragmentCache;

/// <summary>
/// Settings of the cache core, bound from the <c>"FragmentCache"</c> configuration section.
/// </summary>
public sealed class FragmentCacheOptions
{
    /// <summary>The configuration section name: <c>"FragmentCache"</c>.</summary>
    public const string SectionName = "FragmentCache";

    /// <summary>
    /// When <see langword="true"/>, startup fails instead of selecting the in-memory store: the store must come from a
    /// backend (<c>UseMemcached()</c> with <c>Servers</c>, or any <see cref="ICacheStoreFactory"/>) or from code
    /// (<c>UseStore</c>), so a deployment that lost its configuration does not run with a per-process cache.
    /// The default is <see langword="false"/>.
    /// </summary>
    public bool RequireServers { get; set; }

    /// <summary>
    /// The most bytes the in-memory store (selected when no backend serves the store) holds: keys, values and a small overhead per
    /// entry. Past it the least recently used entries are dropped, and a value larger than the whole limit is not
    /// stored. The default is 104,857,600 (100 MB), as the built-in output cache's store.
    /// </summary>
    public long MemorySizeLimit { get; set; } = DefaultMemorySizeLimit;

    /// <summary>The default of <see cref="MemorySizeLimit"/>: 104,857,600 bytes (100 MB).</summary>
    public const long DefaultMemorySizeLimit = 100 * 1024 * 1024;

    /// <summary>
    /// The time to live used when a call gives none. The default is 5 minutes (Django's 300 seconds).
    /// <see cref="Timeout.InfiniteTimeSpan"/> means "never expires"; negative values are rejected at startup.
    /// </summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Prepended to every key as <c>{KeyPrefix}:{Version}:{key}</c>. The default is <c>""</c> (Django's
    /// <c>KEY_PREFIX</c>). Must not contain spaces or control characters, and is at most 100 characters.
    /// </summary>
    public string KeyPrefix { get; set; } = "";

    /// <summary>The key version, as Django's <c>VERSION</c>. The default is 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>
    /// When <see langword="true"/>, store failures in <see cref="ICache"/> are thrown (Django's
    /// strictness); when <see langword="false"/>, a failure is a miss plus a rate-limited log line and a
    /// metric. Fragments always degrade to rendering. The default is <see langword="false"/>.
    /// </summary>
    public bool ThrowOnError { get; set; }

    /// <summary>
    /// Builds the full key from <c>(key, prefix, version)</c>, as Django's <c>KEY_FUNCTION</c>.
    /// The default is <see langword="null"/>, which means <c>{prefix}:{version}:{key}</c>.
    /// </summary>
    public Func<string, string, int, string>? KeyFunction { get; set; }

    /// <summary>
    /// Shares the store with another application: <see cref="CacheCompatibility.Django"/> reads and writes keys and values
    /// as Django's <c>PyMemcacheCache</c> does (see <c>docs/django.md</c>). Bound from a name (<c>"Django"</c>); a name that
    /// is not a member fails the startup. The default is <see cref="CacheCompatibility.None"/>.
    /// </summary>
    public CacheCompatibility Compatibility { get; set; } = CacheCompatibility.None;

    /// <summary>Stampede protection of fragments (leases, stale-while-revalidate). See <see cref="FragmentCacheStampedeOptions"/> for the defaults.</summary>
    public FragmentCacheStampedeOptions Stampede { get; set; } = new();

    /// <summary>The optional in-process copy in front of the store. Off by default; see <see cref="FragmentCacheTwoTierOptions"/>.</summary>
    public FragmentCacheTwoTierOptions TwoTier { get; set; } = new();

    /// <summary>In-process copies of fragments whose server is down. On by default; see <see cref="FragmentCacheOutageOptions"/> for the defaults.</summary>
    public FragmentCacheOutageOptions Outage { get; set; } = new();

    /// <summary>
    /// Named stores (Django's cache aliases), bound from <c>"FragmentCache:Stores:{name}"</c>. Each is a whole second cache
    /// with its own settings of this type (key prefix; version; default timeout; stampede; two-tier), its own backend
    /// settings read by the registered <see cref="ICacheStoreFactory"/> (memory when none selects it), and nothing of the
    /// main store's. Reached through
    /// <see cref="IFragmentCacheStores"/>, <c>[FromKeyedServices("name")] ICache</c> or <c>IFragmentCache</c>,
    /// <c>store="name"</c> on a fragment and <c>Store</c> on <c>[CachePage]</c>. Names are case-insensitive;
    /// <c>"default"</c> is the main store and cannot be redefined here. The default is none.
    /// </summary>
    public IDictionary<string, FragmentCacheOptions> Stores { get; } = new Dictionary<string, FragmentCacheOptions>(StringComparer.OrdinalIgnoreCase);
}

namespace FragmentCache;

/// <summary>
/// Outage copies: while the store reports the server of a fragment's key down (<see cref="ICacheStoreAvailability"/>,
/// which the Memcached store implements through its circuit breakers), the fragment rendered for that key is kept in
/// process, whatever the two-tier setting, so a dead server costs one render per key per process and
/// <see cref="CopyLifetime"/>, not one per request. <see cref="CopyLifetime"/> is the staleness bound: no outage copy is
/// served longer than that, and an invalidation made in this process drops the copies it concerns at once.
/// </summary>
public sealed class FragmentCacheOutageOptions
{
    /// <summary>Whether fragments of keys whose server is down are kept in process. The default is <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long an outage copy is served at most (never longer than the fragment's own expiration): the staleness bound during an outage. The default is 5 seconds.</summary>
    public TimeSpan CopyLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most outage copies kept at once; past it, fragments are rendered without a copy until older ones expire. The default is 1,000.</summary>
    public int MaxEntries { get; set; } = 1_000;
}

namespace FragmentCache;

/// <summary>
/// Optional on an <see cref="ICacheStore"/>: the store tells, without a round trip, that the part of its backend holding
/// a key is known to be down (memcached: the circuit breaker of the key's server is open), so a call for that key fails
/// without being tried. While it says so, the fragment cache keeps the fragments it renders for such keys in process for
/// <see cref="FragmentCacheOutageOptions.CopyLifetime"/> (see <see cref="FragmentCacheOptions.Outage"/>).
/// </summary>
public interface ICacheStoreAvailability
{
    /// <summary>Whether the backend that holds <paramref name="key"/> is known to be down right now. Never throws and never waits.</summary>
    /// <param name="key">The full key, as the store's other calls receive it.</param>
    /// <returns><see langword="true"/> while a call for the key would fail without reaching a server; <see langword="false"/> otherwise, including when the store cannot tell.</returns>
    bool IsKnownDown(string key);
}

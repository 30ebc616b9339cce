namespace FragmentCache.Memcached;

/// <summary>
/// Extra behaviour of <see cref="IMemcachedClient.GetItemAsync"/>: touch, CAS, and the lease flags that
/// protect against stampedes (memcached's meta <c>N</c>, <c>R</c> and <c>W</c>/<c>Z</c>/<c>X</c>).
/// </summary>
public readonly record struct MemcachedGetOptions
{
    /// <summary>Sets a new expiration on a hit (get-and-touch). The default is none.</summary>
    public TimeSpan? Touch { get; init; }

    /// <summary>
    /// On a miss, creates an empty placeholder that lives this long and hands this caller the lease
    /// (<see cref="MemcachedItem.Won"/>); later callers see <see cref="MemcachedItem.LeaseTaken"/> until the
    /// winner stores the value with the returned CAS. The default is none.
    /// </summary>
    public TimeSpan? LeaseTime { get; init; }

    /// <summary>
    /// On a hit whose remaining lifetime is below this, hands one caller the lease to recompute the value early
    /// while everyone keeps getting the current one. The default is none.
    /// </summary>
    public TimeSpan? RecacheWindow { get; init; }

    /// <summary>Whether to return the CAS token. The default is <see langword="false"/> (leases always return it).</summary>
    public bool IncludeCas { get; init; }

    /// <summary>Whether to return the remaining lifetime. The default is <see langword="false"/>.</summary>
    public bool IncludeTimeToLive { get; init; }

    /// <summary>
    /// Reads an empty item that carries no lease token (no <c>W</c> or <c>Z</c>) as a hit whatever its flags, rather than
    /// as a placeholder: what another client's empty value looks like (a lease placeholder always carries a token).
    /// </summary>
    internal bool EmptyIsValue { get; init; }
}

namespace FragmentCache;

/// <summary>
/// The optional two-tier mode: a short-lived in-process copy of fragments in front of the store.
/// An invalidation made on any node reaches every node's copy within
/// <see cref="PollInterval"/> (plus one store round trip), and no copy outlives <see cref="LocalExpiration"/>.
/// Enable it on every node: only nodes in two-tier mode announce explicit invalidations to the others.
/// </summary>
public sealed class FragmentCacheTwoTierOptions
{
    /// <summary>Whether fragments are also kept in process. The default is <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long an in-process copy lives at most. The default is 10 seconds.</summary>
    public TimeSpan LocalExpiration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the store's invalidation feed is polled (one get, whatever the number of tags): with the poll's own round
    /// trips, the staleness bound for invalidations made on other nodes. The default is 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most in-process copies kept at once. The default is 10,000.</summary>
    public int MaxEntries { get; set; } = 10_000;
}

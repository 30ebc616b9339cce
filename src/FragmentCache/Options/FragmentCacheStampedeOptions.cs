namespace FragmentCache;

/// <summary>How fragments are protected against stampedes (many requests rebuilding one entry).</summary>
public sealed class FragmentCacheStampedeOptions
{
    /// <summary>
    /// How long a lease won on a miss lasts. Other requests wait at most this long for the winner, then
    /// render for themselves; a crashed winner blocks nobody for longer. The default is 10 seconds.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a waiting request looks for the winner's value. The default is 50 milliseconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long past its expiration an entry may still be served while one request rebuilds it
    /// (stale-while-revalidate): only that request waits for the render; every other one, in this process or another,
    /// gets the stored copy at once. A fragment's own setting wins. The default is <see cref="TimeSpan.Zero"/> (off).
    /// </summary>
    public TimeSpan StaleWhileRevalidate { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long before its expiration one request starts rebuilding an entry while others keep the
    /// current copy at once (early recache). A fragment's own setting wins. The default is <see cref="TimeSpan.Zero"/> (off).
    /// </summary>
    public TimeSpan EarlyRecacheWindow { get; set; } = TimeSpan.Zero;

    /// <summary>How long a soft-invalidated entry is still served (flagged stale) while it is rebuilt. The default is 30 seconds.</summary>
    public TimeSpan SoftInvalidationTime { get; set; } = TimeSpan.FromSeconds(30);
}

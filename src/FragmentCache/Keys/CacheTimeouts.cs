namespace FragmentCache;

/// <summary>Turns API timeouts into store expirations.</summary>
internal static class CacheTimeouts
{
    /// <summary>
    /// null = the default; <see cref="Timeout.InfiniteTimeSpan"/> = never (store: null); zero or negative = at once (store: zero).
    /// </summary>
    public static TimeSpan? ToStoreExpiration(TimeSpan? timeout, TimeSpan defaultTimeout)
    {
        var effective = timeout ?? defaultTimeout;
        if (effective == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        return effective <= TimeSpan.Zero ? TimeSpan.Zero : effective;
    }

    public static bool IsImmediate(TimeSpan? storeExpiration) => storeExpiration is { } e && e <= TimeSpan.Zero;
}

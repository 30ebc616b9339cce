namespace FragmentCache.Memcached;

/// <summary>
/// Turns a caller's expiration into memcached's <c>exptime</c> wire value.
/// </summary>
/// <remarks>
/// memcached reads <c>exptime</c> as: <c>0</c> = never expires; <c>1 .. 2 592 000</c> (30 days) = seconds from
/// now; anything larger = an absolute Unix time; negative = already expired. The server parses it as a 32-bit
/// signed integer.
/// </remarks>
internal static class MemcachedTtl
{
    /// <summary>The largest relative expiration memcached accepts, in seconds (30 days).</summary>
    public const long MaxRelativeSeconds = 60 * 60 * 24 * 30;

    /// <summary>
    /// Converts <paramref name="expiration"/> to an <c>exptime</c>:
    /// <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> is <c>0</c> (never expires);
    /// zero or negative is <c>-1</c> (expires at once); up to 30 days is whole seconds rounded up (so 0.2 s
    /// becomes 1 s, never 0, which would mean "forever"); beyond 30 days is the absolute Unix time
    /// <c>now + expiration</c> (rounded up, capped at <see cref="int.MaxValue"/>).
    /// </summary>
    public static long ToWire(TimeSpan? expiration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);

        if (expiration is not { } value || value == Timeout.InfiniteTimeSpan)
        {
            return 0;
        }

        if (value <= TimeSpan.Zero)
        {
            return -1;
        }

        long seconds = CeilingSeconds(value.Ticks);
        if (seconds <= MaxRelativeSeconds)
        {
            return seconds;
        }

        // Beyond 30 days memcached wants an absolute time. Compute in ticks to avoid DateTimeOffset overflow.
        long nowTicks = time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long maxTicks = int.MaxValue * TimeSpan.TicksPerSecond;
        if (value.Ticks >= maxTicks - nowTicks)
        {
            return int.MaxValue;
        }

        return CeilingSeconds(nowTicks + value.Ticks);
    }

    private static long CeilingSeconds(long ticks)
    {
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        return remainder > 0 ? seconds + 1 : seconds;
    }
}

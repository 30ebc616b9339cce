namespace FragmentCache;

/// <summary>
/// The names to listen to for FragmentCache's traces and metrics, for an OpenTelemetry setup that adds sources and
/// meters by name (the <c>FragmentCache.OpenTelemetry</c> package adds them all with <c>AddFragmentCacheInstrumentation()</c>).
/// </summary>
public static class FragmentCacheTelemetry
{
    /// <summary>
    /// The activity source of fragment and page lookups: <c>"FragmentCache"</c>. One span per fragment lookup
    /// (<c>fragment {label}</c>) and per page lookup (<c>page {route template}</c>), kind Internal. When nothing
    /// listens to it, no span is made.
    /// </summary>
    public const string ActivitySourceName = "FragmentCache";

    /// <summary>The meter of the cache core: <c>"FragmentCache"</c> (hits, misses, renders, errors, per-fragment lookups and durations).</summary>
    public const string MeterName = "FragmentCache";
}

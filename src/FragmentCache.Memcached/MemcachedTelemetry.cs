namespace FragmentCache.Memcached;

/// <summary>
/// The names to listen to for the Memcached client's traces and metrics, for an OpenTelemetry setup that adds sources
/// and meters by name (the <c>FragmentCache.OpenTelemetry</c> package adds them with <c>AddFragmentCacheInstrumentation()</c>).
/// </summary>
public static class MemcachedTelemetry
{
    /// <summary>
    /// The activity source of the client: <c>"FragmentCache.Memcached"</c>. One span per operation sent to a server, kind
    /// Client, with OpenTelemetry's database attributes (<c>db.system.name</c> = <c>memcached</c>, <c>db.operation.name</c>,
    /// <c>server.address</c>, <c>server.port</c>, and <c>error.type</c> when it failed). When nothing listens to it, no span is made.
    /// </summary>
    public const string ActivitySourceName = "FragmentCache.Memcached";

    /// <summary>The meter of the client: <c>"FragmentCache.Memcached"</c> (operations, hits, misses, errors, connections, durations).</summary>
    public const string MeterName = "FragmentCache.Memcached";
}

namespace FragmentCache.Memcached;

/// <summary>How the client sees one server right now.</summary>
/// <param name="Server">The server's address, as configured (canonical form).</param>
/// <param name="IsAvailable">Whether requests go to it (its circuit breaker is closed).</param>
/// <param name="OpenConnections">Connections open now.</param>
/// <param name="ConsecutiveFailures">Failures since the last reply.</param>
/// <param name="LastError">The last connect error, if any (never contains credentials).</param>
public sealed record MemcachedServerStatus(string Server, bool IsAvailable, int OpenConnections, int ConsecutiveFailures, string? LastError);

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FragmentCache;

/// <summary>
/// Optional on an <see cref="ICacheStore"/>: the store reports its own health, for example one entry per server in the
/// result's data. <c>AddHealthChecks().AddFragmentCache()</c> asks a store that implements it, and reads a probe key
/// from any other store.
/// </summary>
public interface ICacheStoreHealth
{
    /// <summary>Checks the store's backend: healthy, degraded (part of it is down) or the registration's failure status.</summary>
    /// <param name="context">The health check's context (its registration holds the failure status).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The store's health, with details in its data.</returns>
    Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default);
}

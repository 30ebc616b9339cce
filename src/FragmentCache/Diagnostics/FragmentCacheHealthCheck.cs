using FragmentCache.Memcached;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FragmentCache;

/// <summary>
/// Reports the cache backend: for the Memcached store, every server (as <see cref="MemcachedHealthCheck"/>);
/// for any other store, one read of a probe key. Registered with <c>AddHealthChecks().AddFragmentCache()</c>.
/// </summary>
internal sealed class FragmentCacheHealthCheck(ICacheStore store) : IHealthCheck
{
    private const string ProbeKey = "fragmentcache:health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store is MemcachedCacheStore memcached)
        {
            return await new MemcachedHealthCheck(memcached.Client).CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await store.GetAsync(ProbeKey, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The {store.GetType().Name} answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {store.GetType().Name} failed.", ex);
        }
    }
}

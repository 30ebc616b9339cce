using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FragmentCache;

/// <summary>
/// Reports the cache backend: a store that reports its own health (<see cref="ICacheStoreHealth"/>, such as the
/// Memcached store's one entry per server) is asked; any other store is read once with a probe key. Named stores are reported too, each server's entry in the data
/// prefixed with the store's name (<c>sessions/10.0.0.7:11211</c>); the worst status wins.
/// Registered with <c>AddHealthChecks().AddFragmentCache()</c>.
/// </summary>
internal sealed class FragmentCacheHealthCheck(ICacheStore store, FragmentCacheStores? stores = null) : IHealthCheck
{
    private const string ProbeKey = "fragmentcache:health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var main = await CheckAsync(store, context, cancellationToken).ConfigureAwait(false);
        if (stores is null || stores.Names.Count == 1)
        {
            return main;
        }

        var status = main.Status;
        var description = main.Description;
        var exception = main.Exception;
        var data = new Dictionary<string, object>(main.Data, StringComparer.Ordinal);
        foreach (var named in stores.Named)
        {
            var result = await CheckAsync(named.Store, context, cancellationToken).ConfigureAwait(false);
            status = result.Status < status ? result.Status : status;
            description += $" Store '{named.Name}': {result.Description}";
            exception ??= result.Exception;
            foreach (var (key, value) in result.Data)
            {
                data[named.Name + "/" + key] = value;
            }
        }

        return new HealthCheckResult(status, description, exception, data);
    }

    private static async Task<HealthCheckResult> CheckAsync(ICacheStore store, HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (store is ICacheStoreHealth health)
        {
            return await health.CheckHealthAsync(context, cancellationToken).ConfigureAwait(false);
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

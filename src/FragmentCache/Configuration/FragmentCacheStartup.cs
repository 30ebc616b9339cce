using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>Selects the store when the host starts, so its one log line appears at startup.</summary>
internal sealed class FragmentCacheStartup(CacheStoreSelector selector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = selector.Store;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>
/// Resolves the store when the host starts, so the selector's one log line appears at startup (and a
/// store registered by the app itself is left alone).
/// </summary>
internal sealed class FragmentCacheStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService(typeof(ICacheStore));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

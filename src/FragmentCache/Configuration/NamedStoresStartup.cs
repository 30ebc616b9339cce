using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>
/// Builds every named store when the host starts (so each says which store it uses at startup, as the main one does)
/// and polls the in-process copies of those in two-tier mode, as <see cref="LocalTierPoller"/> does for the main store.
/// </summary>
internal sealed class NamedStoresStartup(FragmentCacheStores stores, TimeProvider timeProvider) : IHostedService, IDisposable
{
    private readonly List<LocalTierPoller> _pollers = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var store in stores.Named)
        {
            if (store.Local.Enabled)
            {
                var poller = new LocalTierPoller(store.Local, timeProvider);
                _pollers.Add(poller);
                await poller.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var poller in _pollers)
        {
            await poller.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        foreach (var poller in _pollers)
        {
            poller.Dispose();
        }
    }
}

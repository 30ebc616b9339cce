using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>
/// Polls the invalidation feed for the two-tier mode, once at start (so the copies kept from then on have a place in
/// the feed) and then every poll interval; does nothing when it is off.
/// </summary>
internal sealed class LocalTierPoller(LocalFragmentTier tier, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!tier.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(tier.PollInterval, timeProvider);
        try
        {
            await tier.PollOnceAsync(stoppingToken).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await tier.PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

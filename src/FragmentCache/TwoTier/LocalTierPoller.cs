using Microsoft.Extensions.Hosting;

namespace FragmentCache;

/// <summary>Polls the invalidation counters for the two-tier mode; does nothing when it is off.</summary>
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

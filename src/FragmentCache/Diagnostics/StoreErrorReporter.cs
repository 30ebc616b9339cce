using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>
/// Reports store failures: every failure counts in the metric; at most one log line per
/// <see cref="Interval"/> (the rest are counted and mentioned in the next line).
/// </summary>
internal sealed class StoreErrorReporter(ILogger<StoreErrorReporter> logger, FragmentCacheMetrics metrics, TimeProvider timeProvider)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private long _nextLogTicks = long.MinValue;
    private long _suppressed;

    public void Report(Exception exception, string layer, string operation)
    {
        metrics.Error(layer, operation, exception);
        var now = timeProvider.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextLogTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextLogTicks, now + Interval.Ticks, next) == next)
        {
            logger.StoreOperationFailed(exception, operation, Interlocked.Exchange(ref _suppressed, 0));
        }
        else
        {
            Interlocked.Increment(ref _suppressed);
        }
    }
}

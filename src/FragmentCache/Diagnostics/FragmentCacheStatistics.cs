using System.Collections.Concurrent;
using System.Diagnostics;

namespace FragmentCache;

/// <summary>
/// Per-fragment figures of this process since it started, for an application to show (a status page): every
/// <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/>
/// counted by its outcome, under its label: <see cref="FragmentCacheEntryOptions.MetricName"/>, else the key's
/// <see cref="FragmentKey.Name"/>. The same figures go to the meter <c>FragmentCache</c>
/// (<c>fragmentcache.fragment.lookups</c> by <c>fragment</c> and <c>outcome</c>, <c>fragmentcache.fragment.duration</c>).
/// Resolve it from the container (registered by <c>AddFragmentCache</c>; every named store shares it).
/// </summary>
/// <remarks>
/// Labels are bounded: after <see cref="MaxLabels"/> distinct labels, further ones are counted under <see cref="OtherLabel"/>.
/// Labels are names chosen in code (fragment names, route templates), never keys or user input.
/// </remarks>
public sealed class FragmentCacheStatistics
{
    /// <summary>How many distinct labels are counted separately: 1,000.</summary>
    public const int MaxLabels = 1000;

    /// <summary>The label every lookup past <see cref="MaxLabels"/> distinct labels is counted under: <c>(other)</c>.</summary>
    public const string OtherLabel = "(other)";

    private readonly ConcurrentDictionary<string, Counters> _labels = new(StringComparer.Ordinal);

    /// <summary>The figures of every label, sorted by label.</summary>
    /// <returns>A copy taken now.</returns>
    public IReadOnlyList<FragmentStatistics> Snapshot()
    {
        var rows = new List<FragmentStatistics>(_labels.Count);
        foreach (var (label, counters) in _labels)
        {
            rows.Add(counters.ToStatistics(label));
        }

        rows.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return rows;
    }

    /// <summary>The figures of one label; all zero when it has not been looked up.</summary>
    /// <param name="name">The label: a fragment name, or the <see cref="FragmentCacheEntryOptions.MetricName"/> a caller set.</param>
    /// <returns>A copy taken now.</returns>
    public FragmentStatistics Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _labels.TryGetValue(name, out var counters) ? counters.ToStatistics(name) : new FragmentStatistics(name, 0, 0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero);
    }

    /// <summary>The counters of <paramref name="label"/> and the label to report them under (bounded).</summary>
    internal Counters For(string label, out string bounded)
    {
        if (_labels.TryGetValue(label, out var counters))
        {
            bounded = label;
            return counters;
        }

        bounded = _labels.Count < MaxLabels ? label : OtherLabel;
        return _labels.GetOrAdd(bounded, static _ => new Counters());
    }

    internal sealed class Counters
    {
        private long _hits;
        private long _localHits;
        private long _staleHits;
        private long _misses;
        private long _notStored;
        private long _cachedTicks;
        private long _renderedTicks;

        public void Add(FragmentOutcome outcome, long elapsedTicks)
        {
            switch (outcome)
            {
                case FragmentOutcome.Hit:
                    Interlocked.Increment(ref _hits);
                    Interlocked.Add(ref _cachedTicks, elapsedTicks);
                    break;
                case FragmentOutcome.LocalHit:
                    Interlocked.Increment(ref _localHits);
                    Interlocked.Add(ref _cachedTicks, elapsedTicks);
                    break;
                case FragmentOutcome.StaleHit:
                    Interlocked.Increment(ref _staleHits);
                    Interlocked.Add(ref _cachedTicks, elapsedTicks);
                    break;
                case FragmentOutcome.NotStored:
                    Interlocked.Increment(ref _notStored);
                    Interlocked.Add(ref _renderedTicks, elapsedTicks);
                    break;
                default:
                    Interlocked.Increment(ref _misses);
                    Interlocked.Add(ref _renderedTicks, elapsedTicks);
                    break;
            }
        }

        public FragmentStatistics ToStatistics(string name) => new(
            name,
            Volatile.Read(ref _hits),
            Volatile.Read(ref _localHits),
            Volatile.Read(ref _staleHits),
            Volatile.Read(ref _misses),
            Volatile.Read(ref _notStored),
            Elapsed(Volatile.Read(ref _cachedTicks)),
            Elapsed(Volatile.Read(ref _renderedTicks)));

        private static TimeSpan Elapsed(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);
    }
}

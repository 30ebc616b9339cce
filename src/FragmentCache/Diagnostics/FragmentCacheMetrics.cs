using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FragmentCache;

/// <summary>
/// Counters of the cache core, meter <c>"FragmentCache"</c>. Tags are a small fixed set
/// (<c>layer</c>, <c>operation</c>, <c>outcome</c>, and on <c>fragmentcache.errors</c> OpenTelemetry's <c>error.type</c>
/// when the failure was an exception) plus, on the per-fragment instruments, <c>fragment</c>: a label
/// chosen in code (the fragment's name or <see cref="FragmentCacheEntryOptions.MetricName"/>), bounded by
/// <see cref="FragmentCacheStatistics.MaxLabels"/>. They never carry keys or user data.
/// </summary>
internal sealed class FragmentCacheMetrics : IDisposable
{
    public const string MeterName = FragmentCacheTelemetry.MeterName;

    private readonly Meter _meter;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _staleServes;
    private readonly Counter<long> _leaseWins;
    private readonly Counter<long> _leaseWaits;
    private readonly Counter<long> _leaseRepairs;
    private readonly Counter<long> _renders;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _lookups;
    private readonly Histogram<double> _duration;
    private readonly bool _ownsMeter;

    public FragmentCacheMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _hits = _meter.CreateCounter<long>("fragmentcache.hits", "{lookup}", "Lookups answered from the cache.");
        _misses = _meter.CreateCounter<long>("fragmentcache.misses", "{lookup}", "Lookups that found nothing usable.");
        _staleServes = _meter.CreateCounter<long>("fragmentcache.stale_serves", "{lookup}", "Fragments served stale while another request rebuilt them.");
        _leaseWins = _meter.CreateCounter<long>("fragmentcache.lease.wins", "{lease}", "Leases won: this request rebuilds the fragment.");
        _leaseWaits = _meter.CreateCounter<long>("fragmentcache.lease.waits", "{wait}", "Requests that waited for another request's rebuild.");
        _leaseRepairs = _meter.CreateCounter<long>("fragmentcache.lease.repairs", "{lease}", "Won leases settled late, in the background, after the store failed to take the value or the release.");
        _renders = _meter.CreateCounter<long>("fragmentcache.renders", "{render}", "Fragment renders and GetOrSet factory runs.");
        _errors = _meter.CreateCounter<long>("fragmentcache.errors", "{error}", "Store failures, unreadable entries and failed renders.");
        _lookups = _meter.CreateCounter<long>("fragmentcache.fragment.lookups", "{lookup}", "Fragment lookups by fragment label and outcome (hit, local_hit, stale_hit, miss, not_stored).");
        _duration = _meter.CreateHistogram<double>("fragmentcache.fragment.duration", "s", "Time of a fragment lookup by fragment label and outcome; for a miss or not_stored, the render's time included.");
    }

    /// <summary>This process's per-fragment figures (the same lookups the per-fragment instruments count).</summary>
    public FragmentCacheStatistics Statistics { get; } = new();

    /// <summary>One fragment lookup: counted per label in <see cref="Statistics"/> and on the meter.</summary>
    public void Lookup(string label, FragmentOutcome outcome, long startedTimestamp)
    {
        var elapsed = Stopwatch.GetTimestamp() - startedTimestamp;
        Statistics.For(label, out var bounded).Add(outcome, elapsed);
        if (_lookups.Enabled || _duration.Enabled)
        {
            var tags = new TagList { { "fragment", bounded }, { "outcome", FragmentActivities.OutcomeName(outcome) } };
            _lookups.Add(1, tags);
            _duration.Record(elapsed / (double)Stopwatch.Frequency, tags);
        }
    }

    public void Hit(string layer) => _hits.Add(1, new KeyValuePair<string, object?>("layer", layer));

    public void Miss(string layer) => _misses.Add(1, new KeyValuePair<string, object?>("layer", layer));

    public void StaleServe() => _staleServes.Add(1);

    public void LeaseWin() => _leaseWins.Add(1);

    public void LeaseWait() => _leaseWaits.Add(1);

    public void LeaseRepaired() => _leaseRepairs.Add(1);

    public void Render(string layer) => _renders.Add(1, new KeyValuePair<string, object?>("layer", layer));

    /// <summary>One failure; <paramref name="exception"/>, when there is one, gives the <c>error.type</c> tag (its type's full name).</summary>
    public void Error(string layer, string operation, Exception? exception = null)
    {
        var tags = new TagList { { "layer", layer }, { "operation", operation } };
        if (exception is not null)
        {
            tags.Add(FragmentActivities.ErrorTypeAttribute, exception.GetType().FullName);
        }

        _errors.Add(1, tags);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FragmentCache.Memcached;

/// <summary>
/// The client's instruments, on the meter <c>FragmentCache.Memcached</c>. Tags carry the operation name only,
/// never keys (cardinality, privacy).
/// </summary>
internal sealed class MemcachedMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "FragmentCache.Memcached";

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _connects;
    private readonly Counter<long> _connectFailures;
    private readonly Counter<long> _connectionFailures;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Histogram<double> _duration;

    public MemcachedMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("fragmentcache.memcached.operations", "{operation}", "Operations sent.");
        _hits = _meter.CreateCounter<long>("fragmentcache.memcached.hits", "{key}", "Keys found.");
        _misses = _meter.CreateCounter<long>("fragmentcache.memcached.misses", "{key}", "Keys not found (including failures).");
        _errors = _meter.CreateCounter<long>("fragmentcache.memcached.errors", "{operation}", "Operations that failed.");
        _timeouts = _meter.CreateCounter<long>("fragmentcache.memcached.timeouts", "{connection}", "Connections failed because a reply was overdue.");
        _connects = _meter.CreateCounter<long>("fragmentcache.memcached.connects", "{connection}", "Connections opened (first connects and reconnects).");
        _connectFailures = _meter.CreateCounter<long>("fragmentcache.memcached.connect_failures", "{attempt}", "Connection attempts that failed.");
        _connectionFailures = _meter.CreateCounter<long>("fragmentcache.memcached.connection_failures", "{connection}", "Open connections that failed.");
        _inFlight = _meter.CreateUpDownCounter<long>("fragmentcache.memcached.in_flight", "{operation}", "Operations awaiting a reply.");
        _duration = _meter.CreateHistogram<double>("fragmentcache.memcached.operation.duration", "s", "Time from send to reply.");
    }

    public long Start(string operation)
    {
        _operations.Add(1, new KeyValuePair<string, object?>("operation", operation));
        _inFlight.Add(1);
        return _duration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    public void Stop(string operation, long started)
    {
        _inFlight.Add(-1);
        if (started != 0)
        {
            _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }

    public void Hit(int count = 1) => _hits.Add(count);

    public void Miss(int count = 1) => _misses.Add(count);

    public void Error(string operation) => _errors.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Timeout() => _timeouts.Add(1);

    public void Connected() => _connects.Add(1);

    public void ConnectFailed() => _connectFailures.Add(1);

    public void ConnectionFailed() => _connectionFailures.Add(1);

    public void Dispose() => _meter.Dispose();
}

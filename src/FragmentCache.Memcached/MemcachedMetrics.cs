using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FragmentCache.Memcached;

/// <summary>
/// The client's instruments, on the meter <c>FragmentCache.Memcached</c>. Tags follow OpenTelemetry's database
/// conventions: <c>db.system.name</c> (<c>memcached</c>) on every instrument, <c>server.address</c> and <c>server.port</c>
/// on those counted per server, <c>db.operation.name</c> on those counted per operation, <c>error.type</c> on the errors;
/// never keys (cardinality, privacy).
/// </summary>
internal sealed class MemcachedMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = MemcachedTelemetry.MeterName;

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

    /// <summary>
    /// Counts an operation sent and in flight; pass the result to <see cref="Stop"/>. With no listener on these instruments
    /// (the common case) it builds no tags and reads no clock.
    /// </summary>
    public OperationScope Start(string operation, MemcachedEndPoint server)
    {
        if (_operations.Enabled)
        {
            _operations.Add(1, OperationTags(operation, server));
        }

        // Stop takes back exactly what Start added: a listener that arrives between the two sees neither half.
        bool inFlight = _inFlight.Enabled;
        if (inFlight)
        {
            _inFlight.Add(1, ServerTags(server));
        }

        return new OperationScope(_duration.Enabled ? Stopwatch.GetTimestamp() : 0, inFlight);
    }

    public void Stop(string operation, MemcachedEndPoint server, OperationScope scope)
    {
        if (scope.InFlight)
        {
            _inFlight.Add(-1, ServerTags(server));
        }

        if (scope.Started != 0)
        {
            _duration.Record(Stopwatch.GetElapsedTime(scope.Started).TotalSeconds, OperationTags(operation, server));
        }
    }

    /// <summary>What <see cref="Start"/> recorded: the clock when the duration is measured (0 otherwise), and whether it counted the operation in flight.</summary>
    internal readonly record struct OperationScope(long Started, bool InFlight);

    public void Hit(int count = 1)
    {
        if (_hits.Enabled)
        {
            _hits.Add(count, SystemTag);
        }
    }

    public void Miss(int count = 1)
    {
        if (_misses.Enabled)
        {
            _misses.Add(count, SystemTag);
        }
    }

    public void Error(string operation, MemcachedEndPoint server, string errorType)
    {
        var tags = OperationTags(operation, server);
        tags.Add(MemcachedActivities.ErrorTypeAttribute, errorType);
        _errors.Add(1, tags);
    }

    public void Timeout(MemcachedEndPoint server) => _timeouts.Add(1, ServerTags(server));

    public void Connected(MemcachedEndPoint server) => _connects.Add(1, ServerTags(server));

    public void ConnectFailed(MemcachedEndPoint server) => _connectFailures.Add(1, ServerTags(server));

    public void ConnectionFailed(MemcachedEndPoint server) => _connectionFailures.Add(1, ServerTags(server));

    private static readonly KeyValuePair<string, object?> SystemTag = new(MemcachedActivities.SystemAttribute, MemcachedActivities.SystemName);

    /// <summary><c>db.system.name</c>, <c>server.address</c> and, for TCP, <c>server.port</c>: inline in the struct, nothing allocated.</summary>
    private static TagList ServerTags(MemcachedEndPoint server)
    {
        var tags = new TagList { SystemTag, { MemcachedActivities.ServerAddressAttribute, server.TelemetryAddress } };
        if (server.TelemetryPort is { } port)
        {
            tags.Add(MemcachedActivities.ServerPortAttribute, port);
        }

        return tags;
    }

    private static TagList OperationTags(string operation, MemcachedEndPoint server)
    {
        var tags = ServerTags(server);
        tags.Add(MemcachedActivities.OperationAttribute, operation);
        return tags;
    }

    public void Dispose() => _meter.Dispose();
}

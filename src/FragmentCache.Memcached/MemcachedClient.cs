using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using FragmentCache.Memcached.Connections;
using FragmentCache.Memcached.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FragmentCache.Memcached;

/// <summary>
/// The Memcached client: meta protocol, keys placed with ketama (or rendezvous) hashing, a few multiplexed and
/// pipelined connections per server, a circuit breaker per server, and failures reported as misses.
/// Create one per application and share it; it is thread-safe. See <see cref="IMemcachedClient"/> for semantics.
/// </summary>
public sealed partial class MemcachedClient : IMemcachedClient, IAsyncDisposable, IDisposable
{
    // memcached counts the item header, key and terminators against -I; this is a safe upper bound of the overhead.
    private const int ItemOverhead = 64;
    private const int MultiGetChunk = 1000;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_valueBuffer;

    /// <summary>The serializer used when <see cref="MemcachedClientOptions.Serializer"/> is not set.</summary>
    internal static readonly IMemcachedSerializer DefaultSerializer = new SystemTextJsonMemcachedSerializer();

    private readonly MemcachedClientOptions _options;
    private readonly MemcachedServer[] _servers;
    private readonly INodeLocator _locator;
    private readonly IMemcachedSerializer _serializer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MemcachedMetrics _metrics;
    private readonly Timer? _heartbeat;
    private readonly MemcachedClient? _shared;
    private MemcachedClient? _throwing;
    private int _disposed;

    /// <summary>Creates a client. Throws <see cref="ArgumentException"/> naming the setting when the options are invalid.</summary>
    /// <param name="options">The settings; at least one server.</param>
    /// <param name="loggerFactory">Where log lines go. The default is nowhere.</param>
    /// <param name="meterFactory">Where metrics go. The default is a meter of its own.</param>
    /// <param name="timeProvider">The clock for expirations and circuit breaks. The default is the system clock.</param>
    public MemcachedClient(MemcachedClientOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        MemcachedClientOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("FragmentCache.Memcached.MemcachedClient");
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new MemcachedMetrics(meterFactory);
        _serializer = options.Serializer ?? DefaultSerializer;
        var endPoints = options.Servers.Select(MemcachedEndPoint.Parse).ToArray();
        _servers = endPoints.Select(e => new MemcachedServer(e, options, _metrics, _logger, _time)).ToArray();
        _locator = NodeLocator.Create(options.HashAlgorithm, endPoints);
        var period = TimeSpan.FromTicks(Math.Clamp(options.OperationTimeout.Ticks / 5, TimeSpan.FromMilliseconds(5).Ticks, TimeSpan.FromMilliseconds(250).Ticks));
        _heartbeat = new Timer(static state => ((MemcachedClient)state!).Heartbeat(), this, period, period);
    }

    /// <summary>
    /// A view of a shared client that throws <see cref="MemcachedException"/> on failure whatever
    /// <see cref="MemcachedClientOptions.ThrowOnError"/> says: the same servers, connections, circuit breakers and
    /// metrics, so a store that reports failures as exceptions shares one client with callers that want misses.
    /// </summary>
    private MemcachedClient(MemcachedClient shared)
    {
        _shared = shared;
        _options = shared._options.Clone();
        _options.ThrowOnError = true;
        _servers = shared._servers;
        _locator = shared._locator;
        _serializer = shared._serializer;
        _logger = shared._logger;
        _time = shared._time;
        _metrics = shared._metrics;
    }

    /// <summary>The compression threshold in force (for stores that encode their own values).</summary>
    internal int CompressionThreshold => _options.CompressionThreshold;

    /// <summary>This client, with failures thrown (see the view's constructor); the same instance on every call.</summary>
    internal MemcachedClient Throwing
    {
        get
        {
            if (_options.ThrowOnError)
            {
                return this;
            }

            if (_throwing is null)
            {
                Interlocked.CompareExchange(ref _throwing, new MemcachedClient(this), null);
            }

            return _throwing;
        }
    }

    /// <summary>The client that owns the servers: this one, or the one this view shares.</summary>
    internal MemcachedClient Shared => _shared ?? this;

    private bool Disposed => (_shared ?? this)._disposed != 0;

    /// <inheritdoc />
    public IReadOnlyList<MemcachedServerStatus> GetServerStatuses() =>
        _servers.Select(s => new MemcachedServerStatus(s.EndPoint.ToString(), s.Breaker.AllowsRequests, s.OpenConnections,
            s.Breaker.ConsecutiveFailures, s.LastError?.Message)).ToArray();

    /// <summary>Closes every connection. Requests in flight fail.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _heartbeat is null)
        {
            // A view leaves the shared client's servers to their owner.
            return;
        }

        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        foreach (var server in _servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
    }

    /// <summary>Closes every connection. Requests in flight fail.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Heartbeat()
    {
        long now = Stopwatch.GetTimestamp();
        foreach (var server in _servers)
        {
            server.Heartbeat(now);
        }
    }

    /// <summary>Whether the server <paramref name="key"/> is routed to takes no requests now (its breaker is open or probing).</summary>
    internal bool IsKnownDown(string key) => !Disposed && !Route(MemcachedKey.ToWireKey(key)).Breaker.AllowsRequests;

    /// <summary>The server that owns <paramref name="wireKey"/>; with failover, the next live one.</summary>
    private MemcachedServer Route(string wireKey)
    {
        if (_servers.Length == 1)
        {
            return _servers[0];
        }

        Span<byte> bytes = stackalloc byte[MemcachedKey.MaxLength];
        int length = MemcachedKey.GetWireBytes(wireKey, bytes);
        int index = _locator.Locate(bytes[..length]);
        var server = _servers[index];
        if (_options.Failover && !server.Breaker.AllowsRequests)
        {
            for (int i = 1; i < _servers.Length; i++)
            {
                var next = _servers[(index + i) % _servers.Length];
                if (next.Breaker.AllowsRequests)
                {
                    return next;
                }
            }
        }

        return server;
    }

    /// <summary>
    /// Sends one meta command and awaits its reply. Returns null on failure (logged and counted) unless
    /// <see cref="MemcachedClientOptions.ThrowOnError"/> is set. Cancellation always throws.
    /// <paramref name="data"/> may be a borrowed buffer: it is copied before this method first yields.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MetaResult?> ExecuteAsync(string operation, MemcachedServer server, MetaRequest request,
        ReadOnlyMemory<byte> data, CancellationToken cancellationToken, ArrayPool<byte>? valuePool = null)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = MemcachedActivities.Start(operation, server.EndPoint);
        var pending = server.GetConnectionAsync(cancellationToken);
        MemcachedConnection? connection;
        if (pending.IsCompletedSuccessfully)
        {
            connection = pending.Result;
        }
        else
        {
            data = data.ToArray();
            try
            {
                connection = await pending.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                connection = null;
            }
        }

        var op = TrySend(operation, server, connection, request, data, valuePool, out var started);
        if (op is null)
        {
            return Unavailable(operation, server);
        }

        MetaResult reply = default;
        Exception? error = null;
        try
        {
            reply = await op.AsValueTask(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        return Finish(operation, server, started, cancellationToken, reply, error);
    }

    /// <summary>
    /// The outcome of a sent operation, its reply or the error it ended with: stops its metrics, rethrows a cancellation
    /// the caller asked for, and returns the reply, or counts the failure and returns null (it throws with
    /// <see cref="MemcachedClientOptions.ThrowOnError"/>). A server error is counted once, as a server error.
    /// </summary>
    private MetaResult? Finish(string operation, MemcachedServer server, MemcachedMetrics.OperationScope started,
        CancellationToken cancellationToken, in MetaResult reply, Exception? error)
    {
        _metrics.Stop(operation, server.EndPoint, started);
        if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return error is null ? Received(operation, server, reply) : Failed(operation, server, error);
    }

    /// <summary>
    /// Starts the operation's metrics and enqueues its request on <paramref name="connection"/>. Returns null (the
    /// metrics stopped again) when there is no connection or it refused the request; the caller reports it unavailable.
    /// </summary>
    private MetaOperation? TrySend(string operation, MemcachedServer server, MemcachedConnection? connection, in MetaRequest request,
        ReadOnlyMemory<byte> data, ArrayPool<byte>? valuePool, out MemcachedMetrics.OperationScope started)
    {
        started = default;
        if (connection is null)
        {
            return null;
        }

        started = _metrics.Start(operation, server.EndPoint);
        var op = MetaOperation.Rent(request, data, valuePool);
        if (!connection.TryEnqueue(op))
        {
            op.FailUnsent(new MemcachedException("The connection closed."));
            _metrics.Stop(operation, server.EndPoint, started);
            return null;
        }

        return op;
    }

    /// <summary>The reply of a sent operation: a server error is a failure (it throws with <see cref="MemcachedClientOptions.ThrowOnError"/>).</summary>
    private MetaResult? Received(string operation, MemcachedServer server, in MetaResult result) =>
        result.Code == ReplyCode.ServerError ? Failed(operation, server, new MemcachedException($"{server.EndPoint} answered {result.ErrorMessage}")) : result;

    private MetaResult? Unavailable(string operation, MemcachedServer server)
    {
        // The common case while a server is down: count it, and build no exception unless someone will see it.
        var errorType = MemcachedActivities.ErrorType(server.LastError);
        _metrics.Error(operation, server.EndPoint, errorType);
        MemcachedActivities.Failed(errorType);
        if (_options.ThrowOnError)
        {
            throw new MemcachedException($"Memcached server {server.EndPoint} is unavailable.", server.LastError);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.OperationFailed(_logger, operation, server.EndPoint.ToString(), "the server is unavailable");
        }

        return null;
    }

    private MetaResult? Failed(string operation, MemcachedServer server, Exception error)
    {
        var errorType = MemcachedActivities.ErrorType(error);
        _metrics.Error(operation, server.EndPoint, errorType);
        MemcachedActivities.Failed(errorType);
        if (_options.ThrowOnError)
        {
            throw error as MemcachedException ?? new MemcachedException($"Memcached {operation} on {server.EndPoint} failed: {error.Message}", error);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.OperationFailed(_logger, operation, server.EndPoint.ToString(), error.Message);
        }

        return null;
    }

    private long Ttl(TimeSpan? expiration) => MemcachedTtl.ToWire(expiration, _time);

    private static long LeaseSeconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));

    private static ArrayBufferWriter<byte> RentValueBuffer()
    {
        var buffer = t_valueBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private static void ReturnValueBuffer(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > 1024 * 1024)
        {
            t_valueBuffer = null;
        }
    }
}

using Microsoft.Extensions.Logging;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// One endpoint: a few shared connections, the circuit breaker, and reconnection with jittered
/// exponential backoff (one connect at a time per server). Connecting is in <c>MemcachedServer.Connect.cs</c>, TLS and
/// login in <c>MemcachedServer.Login.cs</c>, the breaker's probe and feedback in <c>MemcachedServer.Probe.cs</c>.
/// </summary>
internal sealed partial class MemcachedServer : IAsyncDisposable
{
    private static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly MemcachedClientOptions _options;
    private readonly MemcachedMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MemcachedConnection?[] _slots;
    private readonly object _connectLock = new();
    private Task<MemcachedConnection?>? _connecting;
    private int _roundRobin;
    private int _reconnectFailures;
    private long _nextConnectAt;
    private volatile bool _disposed;

    public MemcachedServer(MemcachedEndPoint endPoint, MemcachedClientOptions options, MemcachedMetrics metrics, ILogger logger, TimeProvider time)
    {
        EndPoint = endPoint;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _slots = new MemcachedConnection?[Math.Max(1, options.ConnectionsPerServer)];
        Breaker = new CircuitBreaker(options.FailureThreshold, options.BreakDuration, options.MaxBreakDuration, time);
    }

    public MemcachedEndPoint EndPoint { get; }

    public CircuitBreaker Breaker { get; }

    /// <summary>Why the last connect failed (for <see cref="MemcachedClientOptions.ThrowOnError"/> and health checks).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Connections that are open now.</summary>
    public int OpenConnections
    {
        get
        {
            int open = 0;
            foreach (var slot in _slots)
            {
                if (slot?.IsOpen == true)
                {
                    open++;
                }
            }

            return open;
        }
    }

    /// <summary>
    /// An open connection of this server, if it has one now and takes requests: the one that resumed this caller when
    /// that is one of ours, else the next open one in turn (and an empty slot starts filling in the background). Never waits.
    /// </summary>
    public bool TryGetOpenConnection([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MemcachedConnection? connection)
    {
        connection = null;
        if (!Breaker.AllowsRequests || _disposed)
        {
            return false;
        }

        var slots = _slots;
        if (CompletionBatch.CurrentSource is { IsOpen: true } source && Array.IndexOf(slots, source) >= 0)
        {
            // A caller resumed by one of this server's connections sends its next request on the same one: the
            // batch that resumed it then writes once for all of them (see CompletionBatch). Callers stay spread
            // over the connections as their first requests were.
            connection = source;
            return true;
        }

        int start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)slots.Length);
        MemcachedConnection? found = null;
        bool missing = false;
        for (int i = 0; i < slots.Length; i++)
        {
            var candidate = Volatile.Read(ref slots[(start + i) % slots.Length]);
            if (candidate?.IsOpen == true)
            {
                found ??= candidate;
            }
            else
            {
                missing = true;
            }
        }

        if (found is not null && missing)
        {
            // Fill the empty slot in the background; this caller does not wait for it.
            _ = StartConnect();
        }

        connection = found;
        return found is not null;
    }

    /// <summary>
    /// An open connection, or null when the server is down or in backoff (the caller treats that as a miss).
    /// Completes synchronously whenever a connection is open.
    /// </summary>
    public ValueTask<MemcachedConnection?> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (!Breaker.AllowsRequests || _disposed)
        {
            return default;
        }

        if (TryGetOpenConnection(out var open))
        {
            return new ValueTask<MemcachedConnection?>(open);
        }

        var connecting = StartConnect();
        return connecting is null ? default : new ValueTask<MemcachedConnection?>(connecting.WaitAsync(cancellationToken));
    }

    /// <summary>Fails connections whose oldest request is overdue; probes the server when its break has ended.</summary>
    public void Heartbeat(long nowTimestamp)
    {
        foreach (var connection in _slots)
        {
            if (connection is not null && connection.FailIfStuck(nowTimestamp, _options.OperationTimeout))
            {
                _metrics.Timeout(EndPoint);
            }
        }

        if (Breaker.TryBeginProbe())
        {
            _ = ProbeAsync();
        }
    }

    /// <summary>Sends a text command to one connection of this server and returns the reply lines.</summary>
    public async Task<IReadOnlyList<string>?> ExecuteTextAsync(TextOperation operation, CancellationToken cancellationToken)
    {
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is null || !connection.TryEnqueue(operation))
        {
            return null;
        }

        return await operation.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        for (int i = 0; i < _slots.Length; i++)
        {
            var connection = Interlocked.Exchange(ref _slots[i], null);
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using FragmentCache.Memcached.Protocol;
using Microsoft.Extensions.Logging;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// One endpoint: a few shared connections, the circuit breaker, and reconnection with jittered
/// exponential backoff (one connect at a time per server).
/// </summary>
internal sealed class MemcachedServer : IAsyncDisposable
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
    /// An open connection, or null when the server is down or in backoff (the caller treats that as a miss).
    /// Completes synchronously whenever a connection is open.
    /// </summary>
    public ValueTask<MemcachedConnection?> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (!Breaker.AllowsRequests || _disposed)
        {
            return default;
        }

        var slots = _slots;
        if (CompletionBatch.CurrentSource is { IsOpen: true } source && Array.IndexOf(slots, source) >= 0)
        {
            // A caller resumed by one of this server's connections sends its next request on the same one: the
            // batch that resumed it then writes once for all of them (see CompletionBatch). Callers stay spread
            // over the connections as their first requests were.
            return new ValueTask<MemcachedConnection?>(source);
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

        if (found is not null)
        {
            if (missing)
            {
                // Fill the empty slot in the background; this caller does not wait for it.
                _ = StartConnect();
            }

            return new ValueTask<MemcachedConnection?>(found);
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
                _metrics.Timeout();
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

    private async Task ProbeAsync()
    {
        try
        {
            var connection = await GetOrConnectForProbeAsync().ConfigureAwait(false);
            if (connection is null)
            {
                return;
            }

            var probe = MetaOperation.Rent(MetaRequest.Create(MetaCommand.NoOp, string.Empty), default);
            if (!connection.TryEnqueue(probe))
            {
                probe.FailUnsent(new MemcachedException("The connection closed before the probe."));
            }

            // The watchdog fails the connection if the probe gets no reply in time.
            await probe.AsValueTask(CancellationToken.None).ConfigureAwait(false);
            if (Breaker.OnSuccess())
            {
                Log.ServerUp(_logger, EndPoint.ToString());
            }
        }
        catch (Exception ex) when (ex is MemcachedException or TimeoutException or IOException or SocketException)
        {
            // The failure was counted where it happened (connect or connection); make sure the breaker reopens.
            if (Breaker.State == CircuitState.HalfOpen)
            {
                Breaker.OnFailure();
            }
        }
    }

    private async Task<MemcachedConnection?> GetOrConnectForProbeAsync()
    {
        foreach (var slot in _slots)
        {
            if (slot?.IsOpen == true)
            {
                return slot;
            }
        }

        Interlocked.Exchange(ref _nextConnectAt, 0);
        var connecting = StartConnect(ignoreBreaker: true);
        return connecting is null ? null : await connecting.ConfigureAwait(false);
    }

    private Task<MemcachedConnection?>? StartConnect(bool ignoreBreaker = false)
    {
        lock (_connectLock)
        {
            if (_connecting is not null)
            {
                return _connecting;
            }

            if (_disposed || (!ignoreBreaker && !Breaker.AllowsRequests) || _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _nextConnectAt))
            {
                return null;
            }

            int free = Array.FindIndex(_slots, s => s?.IsOpen != true);
            if (free < 0)
            {
                return null;
            }

            _connecting = ConnectSlotAsync(free);
            return _connecting;
        }
    }

    private async Task<MemcachedConnection?> ConnectSlotAsync(int slot)
    {
        await Task.Yield();
        MemcachedConnection? connection = null;
        try
        {
            connection = await OpenAsync().ConfigureAwait(false);
            var old = Interlocked.Exchange(ref _slots[slot], connection);
            if (old is not null)
            {
                await old.DisposeAsync().ConfigureAwait(false);
            }

            _reconnectFailures = 0;
            Interlocked.Exchange(ref _nextConnectAt, 0);
            _metrics.Connected();
            Log.Connected(_logger, EndPoint.ToString(), slot);
            return connection;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            var delay = NextReconnectDelay();
            Interlocked.Exchange(ref _nextConnectAt, _time.GetUtcNow().UtcTicks + delay.Ticks);
            _metrics.ConnectFailed();
            Log.ConnectFailed(_logger, EndPoint.ToString(), ex.GetType().Name, ex.Message, delay.TotalMilliseconds);
            if (Breaker.OnFailure())
            {
                Log.ServerDown(_logger, EndPoint.ToString(), Breaker.ConsecutiveFailures);
            }

            LastError = ex;
            return null;
        }
        finally
        {
            lock (_connectLock)
            {
                _connecting = null;
            }
        }
    }

    private TimeSpan NextReconnectDelay()
    {
        int failures = Math.Min(++_reconnectFailures, 16);
        var cap = Math.Min(MaxReconnectDelay.Ticks, MinReconnectDelay.Ticks << failures);
        // Full jitter: anywhere up to the cap, but not below the minimum.
        return TimeSpan.FromTicks(Math.Max(MinReconnectDelay.Ticks, (long)(Random.Shared.NextDouble() * cap)));
    }

    private async Task<MemcachedConnection> OpenAsync()
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout);
        var endPoint = EndPoint.ToEndPoint();
        var socket = EndPoint.IsUnixSocket
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        Stream? stream = null;
        try
        {
            if (!EndPoint.IsUnixSocket)
            {
                socket.NoDelay = _options.NoDelay;
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            }

            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (_options.Tls.Enabled)
            {
                stream = await AuthenticateTlsAsync(stream, timeout.Token).ConfigureAwait(false);
            }

            var connection = new MemcachedConnection(socket, stream, _options.MaxInFlightPerConnection, OnConnectionFailed, OnReply);
            connection.Start();
            try
            {
                await LoginAndProbeAsync(connection, timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return connection;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Dispose(socket, stream);
            throw new MemcachedException($"Connecting to {EndPoint} timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms.");
        }
        catch
        {
            Dispose(socket, stream);
            throw;
        }

        static void Dispose(Socket socket, Stream? stream)
        {
            stream?.Dispose();
            socket.Dispose();
        }
    }

    private async Task<Stream> AuthenticateTlsAsync(Stream inner, CancellationToken cancellationToken)
    {
        var tls = _options.Tls;
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = tls.TargetHost ?? EndPoint.Host ?? "localhost",
            EnabledSslProtocols = tls.EnabledProtocols,
            RemoteCertificateValidationCallback = tls.ServerCertificateValidation,
            // memcached 1.6.18 answers a resumed session that needs a client certificate with an internal-error
            // alert; connections are long-lived, so a full handshake each time costs nothing that matters.
            AllowTlsResume = false,
        };
        if (tls.ClientCertificate is not null)
        {
            authentication.ClientCertificates = [tls.ClientCertificate];
        }

        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new MemcachedException($"The TLS handshake with {EndPoint} failed: {ex.Message}", ex);
        }

        return ssl;
    }

    private async Task LoginAndProbeAsync(MemcachedConnection connection, CancellationToken cancellationToken)
    {
        if (_options.Username is not null)
        {
            var credentials = Encoding.ASCII.GetBytes($"{_options.Username} {_options.Password}");
            var login = new TextOperation($"set _auth 0 0 {credentials.Length}", credentials);
            if (!connection.TryEnqueue(login))
            {
                throw new MemcachedException($"The connection to {EndPoint} closed before the login.");
            }

            var reply = await login.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (reply.Count != 1 || reply[0] != "STORED")
            {
                throw new MemcachedAuthenticationException(
                    $"{EndPoint} rejected the credentials (Username/Password) ({reply[0]}).");
            }
        }

        var probe = new TextOperation("mn");
        if (!connection.TryEnqueue(probe))
        {
            throw new MemcachedException($"The connection to {EndPoint} closed before the first request.");
        }

        var answer = await probe.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Count != 1 || answer[0] != "MN")
        {
            throw new MemcachedException($"{EndPoint} did not answer the first request as memcached does ('{answer[0]}'); " +
                (answer[0].Contains("unauthenticated", StringComparison.Ordinal) ? "it requires a login (Username/Password)." : "is it a memcached server?"));
        }
    }

    private void OnConnectionFailed(MemcachedConnection connection, Exception error)
    {
        if (_disposed || error is ObjectDisposedException)
        {
            return;
        }

        _metrics.ConnectionFailed();
        Log.ConnectionFailed(_logger, EndPoint.ToString(), error.GetType().Name, error.Message);
        if (Breaker.OnFailure())
        {
            Log.ServerDown(_logger, EndPoint.ToString(), Breaker.ConsecutiveFailures);
        }
    }

    private void OnReply()
    {
        if (Breaker.OnSuccess())
        {
            Log.ServerUp(_logger, EndPoint.ToString());
        }
    }
}

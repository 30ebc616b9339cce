using System.Net.Sockets;

namespace FragmentCache.Memcached.Connections;

/// <summary>Opening connections: one connect at a time per server, with jittered exponential backoff after a failure.</summary>
internal sealed partial class MemcachedServer
{
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
        bool connected = false;
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
            _metrics.Connected(EndPoint);
            Log.Connected(_logger, EndPoint.ToString(), slot);
            connected = true;
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
            _metrics.ConnectFailed(EndPoint);
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

            if (connected && Array.Exists(_slots, static s => s?.IsOpen != true))
            {
                // Open the other slots now, one after another, rather than when a caller happens to find one empty: callers
                // resumed by a connection send their next requests on it (see GetConnectionAsync), so callers that started
                // while only one slot was open would otherwise all stay on that one.
                _ = StartConnect();
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
            throw new MemcachedException($"Connecting to {EndPoint} timed out after {_options.ConnectTimeout.TotalMilliseconds:0} ms.", new TimeoutException());
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
}

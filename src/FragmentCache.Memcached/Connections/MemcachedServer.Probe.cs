using System.Net.Sockets;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>The circuit breaker's inputs: the probe of a server whose break has ended, and each connection's failures and replies.</summary>
internal sealed partial class MemcachedServer
{
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

    private void OnConnectionFailed(MemcachedConnection connection, Exception error)
    {
        if (_disposed || error is ObjectDisposedException)
        {
            return;
        }

        _metrics.ConnectionFailed(EndPoint);
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

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>Forwarding: the accept loop, one pump per direction, stalls, cuts and injected garbage.</summary>
public sealed partial class FaultProxy
{
    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        var pumps = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && _acceptedConnections < MaxAcceptedConnections)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }

                Interlocked.Increment(ref _acceptedConnections);
                if (_refuseNew)
                {
                    client.Dispose();
                    continue;
                }

                pumps.RemoveAll(static pump => pump.IsCompleted);
                pumps.Add(RunConnectionAsync(client, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        client.NoDelay = true;
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connection = new ProxiedConnection(client, server, cancellationToken);
        try
        {
            await server.ConnectAsync(_target, connection.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            connection.Reset();
            return;
        }

        lock (_gate)
        {
            _connections.Add(connection);
        }

        try
        {
            // Client EOF is passed on as a half-close; the server then closes, which ends toClient.
            // Once the server side is gone (or anything failed) both sockets are closed.
            var toServer = PumpAsync(connection, toClient: false, connection.Token);
            var toClient = PumpAsync(connection, toClient: true, connection.Token);
            await toClient;
            connection.Close();
            await toServer;
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(connection);
            }

            connection.Close();
        }
    }

    private async Task PumpAsync(ProxiedConnection connection, bool toClient, CancellationToken cancellationToken)
    {
        var source = toClient ? connection.Server : connection.Client;
        var destination = toClient ? connection.Client : connection.Server;
        var buffer = new byte[BufferSize];
        var cutBudget = -1;
        try
        {
            // Bounded by the connection's life (MaxLifetime at most) and a chunk count.
            for (long chunk = 0; chunk < MaxChunksPerDirection && !cancellationToken.IsCancellationRequested; chunk++)
            {
                var read = await source.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    destination.Shutdown(SocketShutdown.Send);
                    return;
                }

                await WaitWhileStalledAsync(toClient, cancellationToken);
                if (!toClient)
                {
                    // Counted before sending, so a test that has seen the bytes arrive also sees them counted.
                    Interlocked.Add(ref _bytesToServer, read);
                    await SendAllAsync(destination, buffer.AsMemory(0, read), cancellationToken);
                    continue;
                }

                byte[]? garbage;
                lock (_gate)
                {
                    garbage = _garbage;
                    _garbage = null;
                    if (_cutAfter >= 0 && cutBudget < 0)
                    {
                        cutBudget = _cutAfter;
                        _cutAfter = -1;
                    }
                }

                if (garbage is not null)
                {
                    Interlocked.Add(ref _bytesToClient, garbage.Length);
                    await SendAllAsync(destination, garbage, cancellationToken);
                }

                var forward = cutBudget >= 0 ? Math.Min(cutBudget, read) : read;
                Interlocked.Add(ref _bytesToClient, forward);
                await SendAllAsync(destination, buffer.AsMemory(0, forward), cancellationToken);
                if (cutBudget >= 0)
                {
                    cutBudget -= forward;
                    if (cutBudget == 0)
                    {
                        connection.Reset();
                        return;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The connection was reset or closed (by a peer, a fault or dispose): close both sides.
            connection.Close();
        }
    }

    private async Task WaitWhileStalledAsync(bool toClient, CancellationToken cancellationToken)
    {
        // Each wait ends on Resume() or dispose (MaxLifetime at the latest).
        for (var wait = 0; wait < MaxStallWaits; wait++)
        {
            Task resumed;
            lock (_gate)
            {
                var stalled = toClient ? _stallToClient : _stallToServer;
                if (!stalled)
                {
                    return;
                }

                resumed = _resumed.Task;
            }

            await resumed.WaitAsync(cancellationToken);
        }

        throw new InvalidOperationException("stalled and resumed more than " + MaxStallWaits + " times while one chunk waited");
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }
}

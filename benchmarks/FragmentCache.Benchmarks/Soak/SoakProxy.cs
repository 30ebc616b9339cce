using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FragmentCache.Benchmarks.Soak;

/// <summary>
/// A loopback TCP proxy in front of one memcached (the idea of the tests' FaultProxy, cut down): it can stall
/// (stop forwarding server-to-client bytes), reset every connection, and be pointed at a restarted server.
/// </summary>
internal sealed class SoakProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<Socket, Socket> _pairs = new();
    private readonly Task _acceptLoop;
    private volatile bool _stalled;
    private IPEndPoint _target;

    public SoakProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(256);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public string Address => "127.0.0.1:" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public IPEndPoint Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value);
    }

    public bool Stalled
    {
        get => _stalled;
        set => _stalled = value;
    }

    /// <summary>Closes every proxied connection with RST, mid-value or not.</summary>
    public int ResetAll()
    {
        int count = 0;
        foreach (var (client, server) in _pairs)
        {
            Abort(client);
            Abort(server);
            count++;
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        _listener.Dispose();
        ResetAll();
        await _acceptLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _lifetime.Dispose();
    }

    private static void Abort(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_lifetime.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_lifetime.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RunPairAsync(client);
        }
    }

    private async Task RunPairAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(2));
            await server.ConnectAsync(Target, connectTimeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            Abort(client);
            server.Dispose();
            return;
        }

        _pairs[client] = server;
        try
        {
            await Task.WhenAny(PumpAsync(client, server, stallable: false), PumpAsync(server, client, stallable: true));
        }
        finally
        {
            _pairs.TryRemove(client, out _);
            Abort(client);
            Abort(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool stallable)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _lifetime.Token);
                if (read == 0)
                {
                    return;
                }

                // A stall holds the bytes (bounded: at most 30 s, the proxy never hangs a run).
                for (int waited = 0; stallable && _stalled && waited < 3000; waited++)
                {
                    await Task.Delay(10, _lifetime.Token);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _lifetime.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}

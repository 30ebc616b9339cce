using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on 127.0.0.1:free-port in front of a target, with faults a test switches on and off: stall,
/// reset, garbage, cut mid-value, refuse. Controls are thread-safe and act at once, on existing connections too.
/// Each connection is two async pumps (no thread per connection); everything stops on dispose or after
/// <see cref="MaxLifetime"/>.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    /// <summary>The proxy shuts itself down after this long, so a forgotten proxy cannot outlive a test run.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    private const int BufferSize = 64 * 1024;
    private const int Backlog = 128;
    private const int MaxAcceptedConnections = 100_000;
    private const long MaxChunksPerDirection = 100_000_000;
    private const int MaxStallWaits = 100_000;

    private readonly Socket _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _lifetime = new(MaxLifetime);
    private readonly Lock _gate = new();
    private readonly HashSet<ProxiedConnection> _connections = [];
    private readonly Task _acceptLoop;
    private TaskCompletionSource _resumed = NewCompletedSignal();
    private bool _stallToClient;
    private bool _stallToServer;
    private byte[]? _garbage;
    private int _cutAfter = -1;
    private int _acceptedConnections;
    private long _bytesToClient;
    private long _bytesToServer;
    private volatile bool _refuseNew;

    /// <summary>Starts a proxy to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public FaultProxy(string targetHost, int targetPort)
        : this(new IPEndPoint(IPAddress.Parse(targetHost), targetPort))
    {
    }

    /// <summary>Starts a proxy to <paramref name="target"/>.</summary>
    public FaultProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(Backlog);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync(_lifetime.Token);
    }

    /// <summary>Starts a proxy in front of a running memcached (TCP only).</summary>
    public FaultProxy(MemcachedProcess target)
        : this(new IPEndPoint(IPAddress.Loopback, target.Port))
    {
    }

    /// <summary>The proxy's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c> of the proxy.</summary>
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Connections accepted so far (including refused ones).</summary>
    public int AcceptedConnections => Volatile.Read(ref _acceptedConnections);

    /// <summary>Connections currently open through the proxy.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Bytes forwarded server -> client (garbage included).</summary>
    public long BytesToClient => Interlocked.Read(ref _bytesToClient);

    /// <summary>Bytes forwarded client -> server.</summary>
    public long BytesToServer => Interlocked.Read(ref _bytesToServer);

    /// <summary>When <c>true</c>, new connections are accepted and closed at once. The default is <c>false</c>.</summary>
    public bool RefuseNew
    {
        get => _refuseNew;
        set => _refuseNew = value;
    }

    /// <summary>Stops forwarding server -> client bytes (they are held, not dropped), and also client -> server
    /// when <paramref name="clientToServerToo"/>. Affects open connections immediately.</summary>
    public void Stall(bool clientToServerToo = false)
    {
        lock (_gate)
        {
            _stallToClient = true;
            _stallToServer |= clientToServerToo;
            if (_resumed.Task.IsCompleted)
            {
                _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Forwards again, starting with the bytes held during the stall.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _stallToClient = false;
            _stallToServer = false;
            _resumed.TrySetResult();
        }
    }

    /// <summary>Aborts every open connection with a TCP RST (linger 0, then close) on both sides.</summary>
    public void ResetAll()
    {
        ProxiedConnection[] connections;
        lock (_gate)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            connection.Reset();
        }
    }

    /// <summary>The next server -> client chunk (on any connection) is preceded by <paramref name="garbage"/>.</summary>
    public void InjectGarbageOnce(byte[] garbage)
    {
        ArgumentNullException.ThrowIfNull(garbage);
        lock (_gate)
        {
            _garbage = garbage;
        }
    }

    /// <summary>The next server -> client transfer (on whichever connection sends first) forwards only
    /// <paramref name="byteCount"/> bytes, then that connection is reset: a reset in the middle of a value.</summary>
    public void CutAfterBytes(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        lock (_gate)
        {
            _cutAfter = byteCount;
        }
    }

    /// <summary>Stops accepting, resets every connection and waits for the pumps to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        _listener.Dispose();
        ResetAll();
        Resume();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _lifetime.Dispose();
    }

    private static TaskCompletionSource NewCompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    private sealed class ProxiedConnection : IDisposable
    {
        private readonly CancellationTokenSource _closed;

        public ProxiedConnection(Socket client, Socket server, CancellationToken lifetime)
        {
            Client = client;
            Server = server;
            _closed = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
            Token = _closed.Token;
        }

        public Socket Client { get; }

        public Socket Server { get; }

        /// <summary>Cancelled when the connection is reset or closed, or the proxy ends.</summary>
        public CancellationToken Token { get; }

        public void Reset()
        {
            Abort(Client);
            Abort(Server);
            Cancel();
        }

        public void Close()
        {
            Client.Dispose();
            Server.Dispose();
            Cancel();
        }

        public void Dispose() => _closed.Dispose();

        private void Cancel()
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private static void Abort(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
            }

            socket.Dispose(); // Close with linger 0 sends RST.
        }
    }
}

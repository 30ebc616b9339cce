using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// A scripted server on 127.0.0.1:free-port: every accepted connection runs <c>behaviour(stream, token)</c>, so a
/// test can send exactly the bytes it wants (partial frames, a reply for the wrong opaque, an over-long header
/// line, EOF mid-value). The connection is closed when the delegate returns. Stops on dispose or after
/// <see cref="MaxLifetime"/>.
/// </summary>
public sealed class FakeServer : IAsyncDisposable
{
    /// <summary>The server shuts itself down after this long.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    private const int MaxLineBytes = 64 * 1024;
    private const int MaxAcceptedConnections = 100_000;

    private readonly Func<Stream, CancellationToken, Task> _behaviour;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _lifetime = new(MaxLifetime);
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly Task _acceptLoop;
    private int _acceptedConnections;

    /// <summary>Starts listening; each connection runs <paramref name="behaviour"/>.</summary>
    public FakeServer(Func<Stream, CancellationToken, Task> behaviour)
    {
        _behaviour = behaviour;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync(_lifetime.Token);
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedConnections => Volatile.Read(ref _acceptedConnections);

    /// <summary>Exceptions thrown by the behaviour (other than cancellation and a peer's reset).</summary>
    public IReadOnlyCollection<Exception> Errors => _errors;

    /// <summary>Reads one request line (up to <c>\n</c>, at most 64 KiB) as Latin-1 without the line end, or
    /// <c>null</c> at EOF. Reads byte by byte, so bytes after the line stay in the stream.</summary>
    public static async Task<string?> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length < MaxLineBytes)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            if (one[0] == (byte)'\n')
            {
                return line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
            }

            line.Append((char)one[0]);
        }

        throw new InvalidDataException("request line longer than 64 KiB");
    }

    /// <summary>
    /// A behaviour that answers <c>mn</c> (the client's connect check) with <c>MN</c> and every request line starting
    /// with <paramref name="requestPrefix"/> with <paramref name="reply"/> (Latin-1, sent as is); other lines get nothing.
    /// </summary>
    public static Func<Stream, CancellationToken, Task> Answering(string requestPrefix, string reply) => async (stream, token) =>
    {
        while (await ReadLineAsync(stream, token) is { } line)
        {
            if (line == "mn")
            {
                await WriteAsync(stream, "MN\r\n", token);
            }
            else if (line.StartsWith(requestPrefix, StringComparison.Ordinal))
            {
                await WriteAsync(stream, reply, token);
            }
        }
    };

    /// <summary>Writes <paramref name="text"/> as Latin-1 and flushes.</summary>
    public static async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Stops accepting, cancels every behaviour and closes its connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifetime.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        _lifetime.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && _acceptedConnections < MaxAcceptedConnections)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptAsync(cancellationToken);
                }
                catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    break;
                }

                Interlocked.Increment(ref _acceptedConnections);
                connections.RemoveAll(static task => task.IsCompleted);
                connections.Add(RunConnectionAsync(socket, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunConnectionAsync(Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        await using (stream)
        {
            using var registration = cancellationToken.Register(static state => ((Socket)state!).Dispose(), socket);
            try
            {
                await _behaviour(stream, cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // Dispose, or the client went away: not an error of the script.
            }
            catch (Exception exception)
            {
                _errors.Enqueue(exception);
            }
        }
    }
}

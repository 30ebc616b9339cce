using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// A long-lived plain socket for tests that need one connection across several steps (through a
/// <see cref="FaultProxy"/>, for example). Text is Latin-1; every read is bounded by a timeout.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    /// <summary>The default read timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private const int MaxPendingChars = 16 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private RawConnection(Socket socket) => _socket = socket;

    /// <summary>The underlying socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<RawConnection> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new RawConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="text"/> verbatim.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken = default)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    /// <summary>Reads until the received text ends with <paramref name="terminator"/>; returns it and consumes it.
    /// Returns what arrived so far if the peer closes first.</summary>
    /// <exception cref="TimeoutException">Nothing matching arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="SocketException">The connection was reset.</exception>
    public async Task<string> ReadUntilAsync(string terminator, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            while (_pending.Length < MaxPendingChars)
            {
                var text = _pending.ToString();
                var end = text.IndexOf(terminator, StringComparison.Ordinal);
                if (end >= 0)
                {
                    _pending.Remove(0, end + terminator.Length);
                    return text[..(end + terminator.Length)];
                }

                var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    _pending.Clear();
                    return text;
                }

                _pending.Append(Encoding.Latin1.GetString(_buffer, 0, read));
            }

            throw new InvalidDataException($"more than {MaxPendingChars} characters without '{terminator.Trim()}'");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"'{terminator.Trim()}' did not arrive; received so far: '{_pending}'");
        }
    }

    /// <summary>Closes the socket.</summary>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

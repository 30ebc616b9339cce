using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.WebBench.Ceilings;

/// <summary>
/// The physical floor of one memcached get from a web request: a pool of plain loopback sockets, one per request in
/// flight, each request sending <c>mg KEY v</c> in one write and reading its reply into the socket's own buffer. No
/// client around it: no pipelining across requests, no key checks, no metrics, no breaker, no copy of the value. What is
/// left is the kernel's send and receive and memcached's work, which any client pays.
/// </summary>
public sealed class RawSocketGets : IDisposable
{
    private const int BufferSize = 256 * 1024;

    private readonly EndPoint _endPoint;
    private readonly ConcurrentBag<Connection> _idle = [];

    public RawSocketGets(IConfiguration configuration)
    {
        var server = configuration["FragmentCache:Servers:0"] ?? "127.0.0.1:11211";
        _endPoint = IPEndPoint.Parse(server);
    }

    /// <summary>Runs one get of <paramref name="request"/> (a whole <c>mg</c> line) on a pooled socket.</summary>
    /// <returns>The connection, to pass back to <see cref="Return"/> once its value is written, and the value (empty on a miss).</returns>
    public async ValueTask<(Connection Connection, ReadOnlyMemory<byte> Value, bool Hit)> GetAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = await Connection.OpenAsync(_endPoint, cancellationToken);
        }

        try
        {
            var (value, hit) = await connection.GetAsync(request, cancellationToken);
            return (connection, value, hit);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Hands a connection back once the value it returned has been written.</summary>
    public void Return(Connection connection) => _idle.Add(connection);

    public void Dispose()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    /// <summary>One loopback socket and its receive buffer.</summary>
    public sealed class Connection : IDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _buffer = new byte[BufferSize];

        private Connection(Socket socket) => _socket = socket;

        public static async ValueTask<Connection> OpenAsync(EndPoint endPoint, CancellationToken cancellationToken)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new Connection(socket);
        }

        /// <summary>Sends the request; reads <c>VA len</c>, the data and its CRLF (a hit) or <c>EN</c> (a miss).</summary>
        public async ValueTask<(ReadOnlyMemory<byte> Value, bool Hit)> GetAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
        {
            await _socket.SendAsync(request, SocketFlags.None, cancellationToken);
            int received = 0;
            int headerEnd;
            while ((headerEnd = _buffer.AsSpan(0, received).IndexOf("\r\n"u8)) < 0)
            {
                received += await ReceiveAsync(received, cancellationToken);
            }

            var header = _buffer.AsSpan(0, headerEnd);
            if (header.StartsWith("EN"u8))
            {
                return (ReadOnlyMemory<byte>.Empty, false);
            }

            if (!header.StartsWith("VA "u8) || !Utf8Parser.TryParse(header[3..], out int length, out _))
            {
                throw new InvalidDataException("unexpected reply: " + Encoding.ASCII.GetString(header));
            }

            int start = headerEnd + 2;
            int end = start + length + 2;
            if (end > _buffer.Length)
            {
                throw new InvalidDataException($"a value of {length} bytes does not fit the {BufferSize}-byte buffer");
            }

            while (received < end)
            {
                received += await ReceiveAsync(received, cancellationToken);
            }

            return (_buffer.AsMemory(start, length), true);
        }

        private async ValueTask<int> ReceiveAsync(int offset, CancellationToken cancellationToken)
        {
            int n = await _socket.ReceiveAsync(_buffer.AsMemory(offset), SocketFlags.None, cancellationToken);
            return n > 0 ? n : throw new IOException("memcached closed the connection");
        }

        public void Dispose() => _socket.Dispose();
    }
}

using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FragmentCache.Benchmarks.Raw;

/// <summary>
/// One raw socket speaking just <c>mg key:N v</c>: requests are prebuilt, replies are parsed exactly
/// (<c>VA &lt;len&gt;\r\n</c>, then <c>len</c> bytes, then <c>\r\n</c>); anything else is an error.
/// This is the "speed of light" a client is compared against.
/// </summary>
internal sealed class MgConnection : IDisposable
{
    private const int ReceiveBufferSize = 256 * 1024;
    private const int MaxHeaderLength = 64;

    private readonly Socket _socket;
    private readonly byte[][] _requests;
    private readonly byte[] _sendBuffer;
    private readonly byte[] _receive = new byte[ReceiveBufferSize];
    private readonly int _valueSize;
    private int _start;
    private int _end;

    /// <summary>Sends and receives since start (all raw connections), for the diagnostic per-op figures.</summary>
    internal static long s_writes;
    internal static long s_reads;

    private MgConnection(Socket socket, int keyCount, int valueSize, int maxDepth)
    {
        _socket = socket;
        _valueSize = valueSize;
        _requests = new byte[keyCount][];
        var longest = 0;
        for (var key = 0; key < keyCount; key++)
        {
            _requests[key] = Encoding.ASCII.GetBytes($"mg key:{key} v\r\n");
            longest = Math.Max(longest, _requests[key].Length);
        }

        _sendBuffer = new byte[longest * maxDepth];
    }

    public int KeyCount => _requests.Length;

    /// <summary>Copy each value into a new array of its own, as an API that returns the value must.</summary>
    public bool CopyValues { get; set; }

    /// <summary>The last value copied (with <see cref="CopyValues"/>), so the copies are not optimised away.</summary>
    public byte[]? LastValue { get; private set; }

    public static async Task<MgConnection> ConnectAsync(IPEndPoint endPoint, int keyCount, int valueSize, int maxDepth, CancellationToken cancellationToken)
    {
        // The timeouts bound the synchronous Get; the async loops are bounded by their cancellation token.
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 5000, SendTimeout = 5000 };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new MgConnection(socket, keyCount, valueSize, maxDepth);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects synchronously. A socket that never ran an async operation stays in blocking mode, so the
    /// synchronous <see cref="Get"/> does not go through the async engine (which allocates per call on Linux).</summary>
    public static MgConnection Connect(IPEndPoint endPoint, int keyCount, int valueSize)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 5000, SendTimeout = 5000 };
        try
        {
            socket.Connect(endPoint);
            return new MgConnection(socket, keyCount, valueSize, 1);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="depth"/> requests (keys from <paramref name="firstKey"/>, wrapping) in one
    /// write, then reads and checks all <paramref name="depth"/> replies.</summary>
    public async ValueTask GetBatchAsync(int firstKey, int depth, CancellationToken cancellationToken)
    {
        var length = 0;
        for (var i = 0; i < depth; i++)
        {
            var request = _requests[(firstKey + i) % _requests.Length];
            request.CopyTo(_sendBuffer, length);
            length += request.Length;
        }

        var sent = 0;
        while (sent < length)
        {
            Interlocked.Increment(ref s_writes);
            sent += await _socket.SendAsync(_sendBuffer.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken);
        }

        for (var i = 0; i < depth; i++)
        {
            await ReadValueReplyAsync(cancellationToken);
        }
    }

    /// <summary>Synchronous single get (for the BenchmarkDotNet example).</summary>
    public void Get(int key)
    {
        var request = _requests[key % _requests.Length];
        _socket.Send(request);
        while (!TryConsumeReply())
        {
            Fill(_socket.Receive(_receive.AsSpan(_end)));
        }
    }

    public void Dispose() => _socket.Dispose();

    private async ValueTask ReadValueReplyAsync(CancellationToken cancellationToken)
    {
        while (!TryConsumeReply())
        {
            Interlocked.Increment(ref s_reads);
            Fill(await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken));
        }
    }

    private void Fill(int read)
    {
        if (read == 0)
        {
            throw new InvalidOperationException("memcached closed the connection");
        }

        _end += read;
    }

    /// <summary>Consumes one complete <c>VA</c> reply if it is buffered; compacts the buffer when it needs room.</summary>
    private bool TryConsumeReply()
    {
        var buffered = _receive.AsSpan(_start, _end - _start);
        var lineEnd = buffered.IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            if (buffered.Length > MaxHeaderLength)
            {
                throw new InvalidOperationException("reply header too long: " + Encoding.ASCII.GetString(buffered[..MaxHeaderLength]));
            }

            Compact();
            return false;
        }

        var header = buffered[..lineEnd];
        if (header.Length < 5 || header[0] != (byte)'V' || header[1] != (byte)'A' || header[2] != (byte)' ' || header[^1] != (byte)'\r'
            || !Utf8Parser.TryParse(header[3..^1], out int length, out var consumed) || consumed != header.Length - 4 || length != _valueSize)
        {
            throw new InvalidOperationException("unexpected reply: " + Encoding.ASCII.GetString(header));
        }

        var frame = lineEnd + 1 + length + 2;
        if (buffered.Length < frame)
        {
            Compact();
            return false;
        }

        if (buffered[frame - 2] != (byte)'\r' || buffered[frame - 1] != (byte)'\n')
        {
            throw new InvalidOperationException("value not followed by \\r\\n");
        }

        if (CopyValues)
        {
            var value = GC.AllocateUninitializedArray<byte>(length);
            buffered.Slice(lineEnd + 1, length).CopyTo(value);
            LastValue = value;
        }

        _start += frame;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return true;
    }

    private void Compact()
    {
        if (_start == 0)
        {
            if (_end == _receive.Length)
            {
                throw new InvalidOperationException("receive buffer full");
            }

            return;
        }

        _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
        _end -= _start;
        _start = 0;
    }
}

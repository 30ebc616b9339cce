using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks.Sources;

namespace FragmentCache.Benchmarks.Raw;

/// <summary>
/// The least an async get API must do over one pipelined socket, and nothing more: each caller appends its request and
/// awaits a pooled <see cref="IValueTaskSource{TResult}"/>; one reader loop per connection parses the replies in FIFO
/// order, copies each value into an array of its own and completes the caller's source, whose continuation runs inline
/// on the reader and appends the caller's next request; after the read's replies are handed over, the reader sends
/// everything appended meanwhile in one write and reads again. No key validation, no opaque check, no metrics, no
/// breaker, no timeout: the ceiling for a client with one awaiting caller per get.
/// </summary>
internal sealed class AwaitingCallerConnection : IDisposable
{
    private const int ReceiveBufferSize = 256 * 1024;
    private const int MaxHeaderLength = 128;

    /// <summary>Sends and receives since start (all ceiling connections).</summary>
    internal static long s_writes;
    internal static long s_reads;

    /// <summary><c>FRAGMENTCACHE_BENCH_CEILING_NOCOPY=1</c>: hand callers one shared array instead of a copy of each value
    /// (to measure what the copy into an array of its own costs; a real API cannot do this).</summary>
    private static readonly bool NoCopy = Environment.GetEnvironmentVariable("FRAGMENTCACHE_BENCH_CEILING_NOCOPY") == "1";

    private static byte[]? s_shared;

    /// <summary>The connection whose reader is handing replies over on this thread: its callers' requests wait for its write.</summary>
    [ThreadStatic]
    private static AwaitingCallerConnection? t_delivering;

    private readonly Socket _socket;
    private readonly byte[][] _requests;
    private readonly bool _clientWire;
    private readonly int _valueSize;
    private readonly byte[] _receive = new byte[ReceiveBufferSize];
    private readonly object _lock = new();
    private readonly Queue<Caller> _fifo = new();
    private byte[] _pending = new byte[16 * 1024];
    private byte[] _spare = new byte[16 * 1024];
    private int _pendingLength;
    private bool _sending;
    private uint _opaque;
    private int _start;
    private int _end;
    private Task? _reader;

    private AwaitingCallerConnection(Socket socket, int keyCount, int valueSize, bool clientWire)
    {
        _socket = socket;
        _valueSize = valueSize;
        _clientWire = clientWire;
        _requests = new byte[keyCount][];
        for (var key = 0; key < keyCount; key++)
        {
            // With the client's wire format the line is completed per request with " O<opaque>\r\n".
            _requests[key] = Encoding.ASCII.GetBytes(clientWire ? $"mg key:{key} f v k" : $"mg key:{key} v\r\n");
        }
    }

    public int KeyCount => _requests.Length;

    /// <param name="clientWire">Send what the client sends for a get (<c>mg key f v k O&lt;n&gt;</c>, so the reply
    /// carries flags, key and opaque) instead of the raw loops' <c>mg key v</c>.</param>
    public static async Task<AwaitingCallerConnection> ConnectAsync(IPEndPoint endPoint, int keyCount, int valueSize, bool clientWire, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            var connection = new AwaitingCallerConnection(socket, keyCount, valueSize, clientWire);
            connection._reader = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>mg key:N</c> and awaits the value. A caller owns its <paramref name="caller"/> and awaits one get at a time.</summary>
    public ValueTask<byte[]> GetAsync(int key, Caller caller)
    {
        bool send;
        lock (_lock)
        {
            var request = _requests[key % _requests.Length];
            Reserve(request.Length + 16);
            request.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += request.Length;
            if (_clientWire)
            {
                var span = _pending.AsSpan(_pendingLength);
                span[0] = (byte)' ';
                span[1] = (byte)'O';
                Utf8Formatter.TryFormat(++_opaque, span[2..], out var digits);
                span[2 + digits] = (byte)'\r';
                span[3 + digits] = (byte)'\n';
                _pendingLength += 4 + digits;
            }

            _fifo.Enqueue(caller);
            // Resumed by this connection's reader: it writes for all its callers once they have run. Otherwise the
            // caller writes, unless a write is under way (which sends this request too).
            send = t_delivering != this && !_sending;
            if (send)
            {
                _sending = true;
            }
        }

        if (send)
        {
            var flush = FlushAsync();
            if (!flush.IsCompletedSuccessfully)
            {
                _ = flush.AsTask();
            }
        }

        return caller.Task;
    }

    public void Dispose()
    {
        _socket.Dispose();
        try
        {
            _reader?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The reader ends with the socket.
        }
    }

    private void Reserve(int more)
    {
        if (_pendingLength + more > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + more));
        }
    }

    /// <summary>Sends whatever is pending until nothing is; the caller set <see cref="_sending"/>.</summary>
    private async ValueTask FlushAsync()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            lock (_lock)
            {
                if (_pendingLength == 0)
                {
                    _sending = false;
                    return;
                }

                buffer = _pending;
                length = _pendingLength;
                _pending = _spare.Length >= buffer.Length ? _spare : new byte[buffer.Length];
                _spare = buffer;
                _pendingLength = 0;
            }

            var sent = 0;
            while (sent < length)
            {
                Interlocked.Increment(ref s_writes);
                sent += await _socket.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None);
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None);
                Interlocked.Increment(ref s_reads);
                if (read == 0)
                {
                    return;
                }

                _end += read;
                t_delivering = this;
                try
                {
                    while (TryConsumeReply(out var value))
                    {
                        Caller caller;
                        lock (_lock)
                        {
                            caller = _fifo.Dequeue();
                        }

                        caller.Complete(value);
                    }
                }
                finally
                {
                    t_delivering = null;
                }

                bool send;
                lock (_lock)
                {
                    send = _pendingLength > 0 && !_sending;
                    if (send)
                    {
                        _sending = true;
                    }
                }

                if (send)
                {
                    await FlushAsync();
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Disposed at the end of the measurement.
            FailAll(ex);
        }
        catch (Exception ex)
        {
            // A wrong reply: every waiting caller sees it, none waits forever.
            FailAll(ex);
            throw;
        }
    }

    private void FailAll(Exception error)
    {
        Caller[] waiting;
        lock (_lock)
        {
            waiting = _fifo.ToArray();
            _fifo.Clear();
        }

        foreach (var caller in waiting)
        {
            caller.Fail(error);
        }
    }

    /// <summary>Consumes one complete <c>VA</c> reply if it is buffered and returns its value in an array of its own.</summary>
    private bool TryConsumeReply(out byte[] value)
    {
        value = [];
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
            || !Utf8Parser.TryParse(header[3..^1], out int length, out var consumed) || length != _valueSize
            || (consumed != header.Length - 4 && header[3 + consumed] != (byte)' '))
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

        if (NoCopy)
        {
            // Diagnostic only: every caller gets the same array, so the cost of a fresh value per get can be seen apart.
            value = s_shared ??= new byte[length];
        }
        else
        {
            value = GC.AllocateUninitializedArray<byte>(length);
            buffered.Slice(lineEnd + 1, length).CopyTo(value);
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

    /// <summary>One awaiting caller's reusable completion source: one get at a time.</summary>
    internal sealed class Caller : IValueTaskSource<byte[]>
    {
        private ManualResetValueTaskSourceCore<byte[]> _core = new() { RunContinuationsAsynchronously = false };

        public ValueTask<byte[]> Task => new(this, _core.Version);

        public void Complete(byte[] value) => _core.SetResult(value);

        public void Fail(Exception error) => _core.SetException(error);

        public byte[] GetResult(short token)
        {
            var value = _core.GetResult(token);
            _core.Reset();
            return value;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}

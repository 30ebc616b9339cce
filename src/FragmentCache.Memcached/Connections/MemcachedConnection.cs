using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// One socket to one server, shared by every caller. Requests from concurrent callers are appended to
/// one outgoing buffer and written together (coalesced, pipelined); one reader loop completes them in
/// FIFO order, resuming their callers itself right after each read, and then writes in one go the requests
/// those callers sent next before it reads again: one wake-up, one read and one write per cycle, as in a
/// hand-written pipelined loop. Appending a request and enqueuing its operation happen under one lock, so the order on
/// the wire always equals the order of the FIFO. Any doubt about the stream fails the connection as a
/// whole: every in-flight operation fails and the owner replaces the connection. A continuation that blocks the
/// reader is rescued by the heartbeat: a new reader takes over and the callers behind it are resumed elsewhere
/// (<see cref="FailIfStuck"/>).
/// </summary>
internal sealed partial class MemcachedConnection : IThreadPoolWorkItem, IAsyncDisposable
{
    private const int InitialBufferSize = 16 * 1024;
    private const int RetainedBufferSize = 1024 * 1024;

    /// <summary>A reader that has been resuming callers for longer than this is taken over at the next heartbeat.</summary>
    internal static readonly TimeSpan ReaderStallAfter = TimeSpan.FromMilliseconds(1);

    private static readonly long ReaderStallAfterTicks = (long)(ReaderStallAfter.TotalSeconds * Stopwatch.Frequency);

    private readonly object _lock = new();
    private readonly Queue<PendingOperation> _inFlight = new();
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly Action<MemcachedConnection, Exception> _onFailed;
    private readonly Action _onReply;
    private readonly int _maxInFlight;
    private ArrayBufferWriter<byte> _pending = new(InitialBufferSize);
    private ArrayBufferWriter<byte> _sending = new(InitialBufferSize);
    private bool _flushScheduled;
    private int _flushDeferred;
    private uint _nextOpaque;
    private Exception? _failure;
    private Task? _readLoop;

    // The reader role: only the loop of the current generation touches the PipeReader. While that loop resumes callers
    // inline, _delivering is its batch (guarded by _readerLock), so the heartbeat can take over a reader that a
    // continuation blocks.
    private readonly object _readerLock = new();
    private int _readerGeneration;
    private CompletionBatch? _delivering;
    private long _deliveringSince;

    /// <summary>Readers started to replace one a blocking continuation held (all connections), for tests and benchmarks.</summary>
    internal static long s_readerTakeovers;

    /// <summary>Writes and reads since start (all connections): lets benchmarks see how well requests coalesce.</summary>
    internal static long s_writes;
    internal static long s_reads;

    /// <param name="socket">A connected socket.</param>
    /// <param name="stream">The stream over it (a <see cref="NetworkStream"/> or an authenticated SslStream).</param>
    /// <param name="maxInFlight">Operations allowed in the FIFO at once; more are refused (back-pressure).</param>
    /// <param name="onFailed">Told once, when the connection fails.</param>
    /// <param name="onReply">Told after each batch of replies (the server is alive).</param>
    public MemcachedConnection(Socket socket, Stream stream, int maxInFlight, Action<MemcachedConnection, Exception> onFailed, Action onReply)
    {
        _socket = socket;
        _stream = stream;
        _maxInFlight = maxInFlight;
        _onFailed = onFailed;
        _onReply = onReply;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4096, leaveOpen: true));
    }

    /// <summary>Whether the connection still accepts requests.</summary>
    public bool IsOpen => Volatile.Read(ref _failure) is null;

    /// <summary>Why the connection failed, or null while it is open.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Operations written or waiting to be written whose replies have not been read.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>Starts the reader loop. Call once, after any handshake done directly on the stream.</summary>
    public void Start() => _readLoop = Task.Run(() => ReadLoopAsync(0));

    /// <summary>
    /// Appends the operation's request to the outgoing buffer and the operation to the FIFO. Returns false
    /// (nothing sent) when the connection has failed or too many operations are in flight.
    /// </summary>
    public bool TryEnqueue(PendingOperation operation)
    {
        bool schedule = false, writeNow = false;
        lock (_lock)
        {
            if (_failure is not null || _inFlight.Count >= _maxInFlight)
            {
                return false;
            }

            // An idle connection has nobody to coalesce with: this caller writes at once, saving a thread hop.
            writeNow = _inFlight.Count == 0 && !_flushScheduled;

            uint opaque = ++_nextOpaque;
            operation.WriteRequest(_pending, opaque);
            operation.EnqueuedAt = Environment.TickCount64;
            _inFlight.Enqueue(operation);
            if (!_flushScheduled)
            {
                _flushScheduled = true;
                schedule = true;
            }
        }

        if (!schedule)
        {
            return true;
        }

        if (CompletionBatch.TryDeferFlush(this))
        {
            // Inside a completion batch: the batch writes once for every caller it resumes.
            Volatile.Write(ref _flushDeferred, 1);
        }
        else if (writeNow)
        {
            _ = FlushAsync();
        }
        else
        {
            // On this thread's local queue: requests this thread sends meanwhile join the write, and an idle
            // thread may steal it sooner.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }

        return true;
    }

    /// <summary>Writes what a completion batch held back, unless the heartbeat already took it over.</summary>
    public void FlushDeferred()
    {
        if (Interlocked.Exchange(ref _flushDeferred, 0) == 1)
        {
            _ = FlushAsync();
        }
    }

    /// <summary>
    /// Fails the connection when its oldest in-flight operation has waited longer than
    /// <paramref name="timeout"/>: replies come in order, so nothing behind it can be answered sooner.
    /// First sends anything a completion batch still holds back: a caller in that batch that blocks
    /// synchronously on its own request would otherwise wait for a write that comes after it. And when a
    /// continuation has held the reader for longer than <see cref="ReaderStallAfter"/>, starts a new reader and
    /// resumes the callers behind that continuation on a work item: a blocked continuation delays the others by at most
    /// one heartbeat, and its own reply (read by the new reader) unblocks it.
    /// </summary>
    public bool FailIfStuck(long nowTimestamp, TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _flushDeferred, 0) == 1)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        TakeOverStalledReader(nowTimestamp);

        long enqueuedAt;
        lock (_lock)
        {
            if (_failure is not null || _inFlight.Count == 0)
            {
                return false;
            }

            enqueuedAt = _inFlight.Peek().EnqueuedAt;
        }

        if (Environment.TickCount64 - enqueuedAt <= (long)timeout.TotalMilliseconds)
        {
            return false;
        }

        Fail(new TimeoutException($"No reply from the server within {timeout.TotalMilliseconds:0} ms."));
        return true;
    }

    /// <summary>Fails the connection: every in-flight operation fails with <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        PendingOperation[] drained;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = error;
            drained = _inFlight.ToArray();
            _inFlight.Clear();
        }

        foreach (var operation in drained)
        {
            operation.Fail(error);
            operation.OnDequeued();
        }

        Abort();
        _onFailed(this, error);
    }

    public async ValueTask DisposeAsync()
    {
        Fail(new ObjectDisposedException(nameof(MemcachedConnection)));
        // A caller resumed by a reader (a continuation of its get disposing the client) must not wait for a reader loop
        // to end: that loop may be below it on this very stack, and would wait for it in turn. The failure stops the loop.
        if (_readLoop is not null && !CompletionBatch.IsDelivering)
        {
            await _readLoop.ConfigureAwait(false);
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = FlushAsync();

    private async Task FlushAsync()
    {
        try
        {
            while (true)
            {
                ArrayBufferWriter<byte> batch;
                lock (_lock)
                {
                    if (_pending.WrittenCount == 0 || _failure is not null)
                    {
                        _flushScheduled = false;
                        return;
                    }

                    batch = _pending;
                    _pending = _sending;
                    _sending = batch;
                }

                Interlocked.Increment(ref s_writes);
                await _stream.WriteAsync(batch.WrittenMemory).ConfigureAwait(false);
                if (batch.Capacity > RetainedBufferSize)
                {
                    // A large value grew the buffer: let it go rather than keep megabytes per connection.
                    lock (_lock)
                    {
                        _sending = new ArrayBufferWriter<byte>(InitialBufferSize);
                    }
                }
                else
                {
                    batch.ResetWrittenCount();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(new MemcachedException("Writing to the server failed.", ex));
        }
    }

    private void TakeOverStalledReader(long nowTimestamp)
    {
        CompletionBatch? rest;
        int generation;
        lock (_readerLock)
        {
            if (_delivering is null || _failure is not null || nowTimestamp - _deliveringSince <= ReaderStallAfterTicks)
            {
                return;
            }

            // The stalled loop finishes the continuation it is running, finds its generation gone and leaves the
            // PipeReader alone; it had already consumed what it read, so the new loop reads on from there.
            rest = _delivering.TakeRest();
            _delivering = null;
            generation = ++_readerGeneration;
        }

        Interlocked.Increment(ref s_readerTakeovers);
        if (rest is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(rest, preferLocal: false);
        }

        _readLoop = Task.Run(() => ReadLoopAsync(generation));
    }

    private async Task ReadLoopAsync(int generation)
    {
        // Owned by this loop, reused for every read; after a takeover it is left to the stalled thread.
        var batch = CompletionBatch.Rent(this);
        bool replaced = false;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                Interlocked.Increment(ref s_reads);
                var buffer = result.Buffer;
                SequencePosition consumed;
                try
                {
                    consumed = ProcessReplies(buffer, batch);
                }
                catch
                {
                    // Replies claimed before the bad one are still delivered, off this failing loop.
                    if (batch.TakeRest() is { } claimed)
                    {
                        ThreadPool.UnsafeQueueUserWorkItem(claimed, preferLocal: false);
                    }

                    throw;
                }

                bool midFrame = result.IsCompleted && (buffer.Slice(consumed).Length > 0 || InFlight > 0);
                if (!result.IsCompleted)
                {
                    // Consumed before the callers run: a reader that takes over reads on from here.
                    _input.AdvanceTo(consumed, buffer.End);
                }

                if (batch.Count > 0)
                {
                    _onReply();
                    if (!DeliverInline(batch, generation))
                    {
                        replaced = true;
                        return;
                    }
                }

                if (result.IsCompleted)
                {
                    Fail(new MemcachedException(midFrame
                        ? "The server closed the connection in the middle of a reply."
                        : "The server closed the connection."));
                    break;
                }

                if (!IsOpen)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex is MemcachedException ? ex : new MemcachedException("Reading from the server failed.", ex));
        }
        finally
        {
            if (!replaced)
            {
                await _input.CompleteAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Resumes the batch's callers on this reader; the requests they send meanwhile leave in one write when the batch
    /// ends, before the next read. Returns false when the heartbeat took the reader role over meanwhile.
    /// </summary>
    private bool DeliverInline(CompletionBatch batch, int generation)
    {
        lock (_readerLock)
        {
            if (generation != _readerGeneration)
            {
                return false;
            }

            _delivering = batch;
            _deliveringSince = Stopwatch.GetTimestamp();
        }

        batch.DeliverInline();
        lock (_readerLock)
        {
            if (generation != _readerGeneration)
            {
                return false;
            }

            _delivering = null;
        }

        batch.Reset();
        return true;
    }

    private SequencePosition ProcessReplies(in ReadOnlySequence<byte> buffer, CompletionBatch batch)
    {
        var reader = new SequenceReader<byte>(buffer);
        PendingOperation? head;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return buffer.End;
            }

            head = _inFlight.Count > 0 ? _inFlight.Peek() : null;
        }

        // Results parsed from this read are delivered together once the read is consumed: the callers' continuations
        // run one after another on the reader and their next requests leave in one write.
        while (!reader.End)
        {
            if (head is null)
            {
                throw new MemcachedProtocolException(
                    $"The server sent '{MetaReplyParser.Printable(reader.UnreadSpan)}' with no request in flight.");
            }

            if (!head.TryConsumeReply(ref reader))
            {
                break;
            }

            var done = head;
            bool dequeued;
            lock (_lock)
            {
                // After a failure, Fail() drained the FIFO and owns the references; the result is still delivered.
                dequeued = _failure is null;
                if (dequeued)
                {
                    _inFlight.Dequeue();
                    head = _inFlight.Count > 0 ? _inFlight.Peek() : null;
                }
            }

            batch.Add(done, dequeued);
            if (!dequeued)
            {
                return buffer.End;
            }
        }

        return reader.Position;
    }

    private void Abort()
    {
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }

        _stream.Dispose();
    }
}

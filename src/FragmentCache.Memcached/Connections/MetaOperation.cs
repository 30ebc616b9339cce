using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// A single meta command awaiting a single reply. Pooled: a hit allocates only the value's buffer.
/// Two owners hold a reference, the FIFO and the awaiting caller; the object returns to the pool when
/// both have let go, so a caller that gave up (cancelled) never races a reader still completing it.
/// </summary>
internal sealed class MetaOperation : PendingOperation, IValueTaskSource<MetaResult>, IValueTaskSource<MemcachedItem>, IThreadPoolWorkItem
{
    private const int PoolCapacity = 1024;
    private const int ThreadCacheCapacity = 64;
    private static readonly ConcurrentQueue<MetaOperation> Pool = new();
    private static int s_pooled;

    // Each thread keeps the operations it released for its own next requests: a connection's reader releases an
    // operation and rents the next one for the caller it resumes on the same thread, so the common case touches no
    // memory shared between cores. The shared queue takes the overflow and serves threads whose cache is empty.
    [ThreadStatic]
    private static MetaOperation?[]? t_cache;

    [ThreadStatic]
    private static int t_cached;

    // Continuations run inline where the outcome is delivered: in a completion batch, on the connection's reader right
    // after its read (see MemcachedConnection), or in this operation's own work item for failures.
    private ManualResetValueTaskSourceCore<MetaResult> _core = new() { RunContinuationsAsynchronously = false };
    private MetaResult _result;
    private Exception? _error;
    private MetaRequest _request;
    private ReadOnlyMemory<byte> _data;
    private ArrayPool<byte>? _valuePool;
    private uint _opaque;
    private int _references;
    private CancellationTokenRegistration _cancellation;

    // Set by AsItemValueTask: the get this operation finishes itself when its caller takes the result.
    private MemcachedClient? _client;
    private MemcachedServer? _server;
    private MemcachedGetOptions _getOptions;
    private MemcachedMetrics.OperationScope _started;
    private CancellationToken _cancellationToken;

    private MetaOperation()
    {
    }

    /// <summary>
    /// Takes an operation from the pool for <paramref name="request"/>. With <paramref name="valuePool"/>, a value reply
    /// is received into an array rented from it (<see cref="MetaResult.Rented"/>), which the caller gives back.
    /// </summary>
    public static MetaOperation Rent(in MetaRequest request, ReadOnlyMemory<byte> data, ArrayPool<byte>? valuePool = null)
    {
        MetaOperation? op;
        if (t_cached > 0)
        {
            op = t_cache![--t_cached]!;
            t_cache[t_cached] = null;
        }
        else if (Pool.TryDequeue(out op))
        {
            Interlocked.Decrement(ref s_pooled);
        }
        else
        {
            op = new MetaOperation();
        }

        op._request = request;
        op._data = data;
        op._valuePool = valuePool;
        op.ResetOutcome();
        op._references = 2;
        return op;
    }

    /// <summary>The awaitable for the caller; call once, after the operation was enqueued (or failed).</summary>
    public ValueTask<MetaResult> AsValueTask(CancellationToken cancellationToken)
    {
        Register(cancellationToken);
        return new ValueTask<MetaResult>(this, _core.Version);
    }

    private void Register(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((MetaOperation)state!).Fail(new OperationCanceledException(token)),
                this);
        }
    }

    /// <summary>
    /// The awaitable for a get whose caller wants the item: taking the result turns the reply (or the failure) into the
    /// item through <see cref="MemcachedClient.FinishGet"/>, so no async method has to wait in between. Call once, after
    /// the operation was enqueued.
    /// </summary>
    public ValueTask<MemcachedItem> AsItemValueTask(MemcachedClient client, MemcachedServer server, in MemcachedGetOptions options,
        MemcachedMetrics.OperationScope started, CancellationToken cancellationToken)
    {
        _client = client;
        _server = server;
        _getOptions = options;
        _started = started;
        _cancellationToken = cancellationToken;
        Register(cancellationToken);
        return new ValueTask<MemcachedItem>(this, _core.Version);
    }

    /// <summary>For an operation that never reached a connection: the FIFO reference is dropped at once.</summary>
    public void FailUnsent(Exception error)
    {
        Fail(error);
        Release();
    }

    public override void WriteRequest(IBufferWriter<byte> output, uint opaque)
    {
        _opaque = opaque;
        MetaRequestWriter.Write(output, _request, _data.Span, opaque);
        _data = default;
    }

    public override bool TryConsumeReply(ref SequenceReader<byte> reader)
    {
        if (!MetaReplyParser.TryReadReply(ref reader, out var reply, out var data, expectedKey: _request.EchoesKey ? _request.Key : null))
        {
            // A value's header can arrive before its data. One that is not ours fails the connection now, rather than
            // after waiting (up to the operation timeout) for data that garbage such as "VA 99999999" never sends.
            if (reply.Code == ReplyCode.Value && !IsOurs(reply))
            {
                throw OutOfStep(reply.Opaque);
            }

            return false;
        }

        switch (reply.Code)
        {
            case ReplyCode.ClientError when _request.Command == MetaCommand.Arithmetic
                && reply.ErrorMessage!.Contains("non-numeric", StringComparison.Ordinal):
                // A well-formed request on a value that is not a number: one reply, the stream is fine.
                break;
            case ReplyCode.Error:
            case ReplyCode.ClientError:
                // The server may send more than one reply for a request it could not parse: the stream
                // can no longer be trusted.
                throw new MemcachedProtocolException($"Server rejected a request: {reply.ErrorMessage}");
            case ReplyCode.ServerError:
                break;
            default:
                if (!IsOurs(reply))
                {
                    throw OutOfStep(reply.Opaque);
                }

                break;
        }

        if (IsPending)
        {
            var result = MetaResult.From(reply, data, _request.Command == MetaCommand.Arithmetic, _valuePool);
            _result = result;
            // Claimed: the connection's completion batch delivers it, after the reader has moved on.
            Claim();
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="reply"/> answers this request. <c>mn</c> takes no flags, so its <c>MN</c> carries no
    /// opaque: a no-op is answered by <c>MN</c> and nothing else, and <c>MN</c> answers nothing else.
    /// </summary>
    private bool IsOurs(in MetaReply reply) => _request.Command == MetaCommand.NoOp
        ? reply.Code == ReplyCode.NoOp
        : reply.Code != ReplyCode.NoOp && reply.Opaque == _opaque && !ForAnotherKey(reply);

    /// <summary>
    /// A reply that echoes a key other than ours, or a value that should have echoed it and did not: the opaque matched
    /// by accident (a lost reply, then a corrupted one), and handing it over would give this caller another key's value.
    /// </summary>
    private bool ForAnotherKey(in MetaReply reply) =>
        _request.EchoesKey && (reply.HasKey ? !reply.KeyMatches : reply.Code == ReplyCode.Value);

    private MemcachedProtocolException OutOfStep(ulong opaque) =>
        new($"Reply for request {(opaque == MetaReply.NoOpaque ? "(none)" : opaque.ToString(System.Globalization.CultureInfo.InvariantCulture))} arrived while waiting for {_opaque} (key '{_request.Key}'), or named another key: the connection is out of step.");

    public override void Fail(Exception error)
    {
        if (TryFinishPending())
        {
            _error = error;
            // The caller's continuation must not run on the failing thread (a reader, a timer, a canceller).
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public override void Deliver()
    {
        if (TryFinishClaimed())
        {
            _core.SetResult(_result);
        }
    }

    void IThreadPoolWorkItem.Execute() => _core.SetException(_error!);

    public override void OnDequeued() => Release();

    MetaResult IValueTaskSource<MetaResult>.GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Release();
        }
    }

    ValueTaskSourceStatus IValueTaskSource<MetaResult>.GetStatus(short token) => _core.GetStatus(token);

    MemcachedItem IValueTaskSource<MemcachedItem>.GetResult(short token)
    {
        // Read before Release: the operation may be rented again as soon as it is back in the pool.
        var client = _client!;
        var server = _server!;
        var options = _getOptions;
        var started = _started;
        var cancellationToken = _cancellationToken;
        MetaResult reply = default;
        Exception? error = null;
        try
        {
            reply = _core.GetResult(token);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
            Release();
        }

        return client.FinishGet(server, options, started, cancellationToken, reply, error);
    }

    ValueTaskSourceStatus IValueTaskSource<MemcachedItem>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<MemcachedItem>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource<MetaResult>.OnCompleted(
        Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        // Waits for a cancellation callback that may be running, so it can never touch the next use.
        _cancellation.Dispose();
        _cancellation = default;
        _request = default;
        _data = default;
        _valuePool = null;
        _client = null;
        _server = null;
        _getOptions = default;
        _started = default;
        _cancellationToken = default;
        _result = default;
        _error = null;
        _core.Reset();
        var cache = t_cache ??= new MetaOperation?[ThreadCacheCapacity];
        if (t_cached < cache.Length)
        {
            cache[t_cached++] = this;
        }
        else if (Interlocked.Increment(ref s_pooled) <= PoolCapacity)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
    }
}

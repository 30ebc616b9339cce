using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// The operations whose replies one read produced, delivered together: by the connection's reader itself, right after
/// the read (<see cref="DeliverInline"/>), or on a thread-pool thread (<see cref="Execute"/>). Their callers'
/// continuations run one after another, so the requests they send next join one write, as a pipelined batch would.
/// Connections that callers send to while the batch runs are flushed once, when it ends: one write for
/// the whole batch instead of one per caller (a caller that blocks on such a request is rescued by the
/// client's heartbeat, see <see cref="MemcachedConnection.FailIfStuck"/>).
/// Continuations that do real work (a web request rendering the rest of its page) would make the callers
/// behind them wait: once a batch has run for <see cref="SplitAfter"/>, the rest of it goes to another
/// work item that any idle thread can take, so heavy continuations still spread over the cores.
/// Operations are claimed one at a time (<see cref="TakeRest"/> can take the unclaimed rest from another thread), so
/// every operation is delivered exactly once whoever delivers it.
/// </summary>
internal sealed class CompletionBatch : IThreadPoolWorkItem
{
    /// <summary>How long one thread delivers before handing the rest of the batch to another work item.</summary>
    internal static readonly TimeSpan SplitAfter = TimeSpan.FromMicroseconds(50);

    private const int Taken = 1 << 30;
    private static readonly long SplitAfterTicks = (long)(SplitAfter.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private static readonly ConcurrentQueue<CompletionBatch> Pool = new();

    [ThreadStatic]
    private static CompletionBatch? t_running;

    /// <summary>Batches whose rest was handed to another work item after <see cref="SplitAfter"/> (all connections), for benchmarks.</summary>
    internal static long s_splits;

    private readonly List<(PendingOperation Operation, bool ReleaseFifoReference)> _operations = new(64);
    private readonly List<MemcachedConnection> _flushes = new(4);
    private int _next;

    /// <summary>The connection whose replies this batch delivers.</summary>
    public MemcachedConnection? Source { get; private set; }

    /// <summary>Operations added since the batch was rented or reset.</summary>
    public int Count => _operations.Count;

    /// <summary>The connection whose batch is resuming callers on this thread, if any.</summary>
    public static MemcachedConnection? CurrentSource => t_running?.Source;

    /// <summary>Whether this thread is resuming callers (possibly a connection's reader, further up its stack).</summary>
    public static bool IsDelivering => t_running is not null;

    public static CompletionBatch Rent(MemcachedConnection? source)
    {
        var batch = Pool.TryDequeue(out var pooled) ? pooled : new CompletionBatch();
        batch.Source = source;
        return batch;
    }

    public void Add(PendingOperation operation, bool releaseFifoReference) => _operations.Add((operation, releaseFifoReference));

    /// <summary>
    /// When the current thread is running a batch, takes over <paramref name="connection"/>'s flush until the
    /// batch ends and returns true; otherwise returns false and the caller flushes as usual.
    /// </summary>
    public static bool TryDeferFlush(MemcachedConnection connection)
    {
        var running = t_running;
        if (running is null)
        {
            return false;
        }

        running._flushes.Add(connection);
        return true;
    }

    /// <summary>
    /// Takes the operations no thread has claimed yet into a new batch (null when none are left); the thread delivering
    /// this batch stops after the continuation it is running. Safe to call from another thread while it delivers.
    /// </summary>
    public CompletionBatch? TakeRest()
    {
        int from = Interlocked.Exchange(ref _next, Taken);
        if (from >= _operations.Count)
        {
            return null;
        }

        var rest = Rent(Source);
        rest._operations.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_operations)[from..]);
        return rest;
    }

    /// <summary>Delivers on the calling thread (the connection's reader); the owner then calls <see cref="Reset"/>.</summary>
    public void DeliverInline() => Deliver();

    /// <summary>Empties an inline batch for the next read.</summary>
    public void Reset()
    {
        _operations.Clear();
        Volatile.Write(ref _next, 0);
    }

    public void Execute()
    {
        Deliver();
        Reset();
        Source = null;
        if (Pool.Count < 64)
        {
            Pool.Enqueue(this);
        }
    }

    private void Deliver()
    {
        var outer = t_running;
        t_running = this;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        List<Exception>? thrown = null;
        try
        {
            int count = _operations.Count;
            while (true)
            {
                int i = Interlocked.Increment(ref _next) - 1;
                if (i >= count)
                {
                    break;
                }

                var (operation, release) = _operations[i];
                try
                {
                    operation.Deliver();
                }
                catch (Exception ex)
                {
                    // A continuation that throws must not cost the callers behind it their replies.
                    (thrown ??= []).Add(ex);
                }

                if (release)
                {
                    operation.OnDequeued();
                }

                if (i + 1 < count && System.Diagnostics.Stopwatch.GetTimestamp() - started > SplitAfterTicks)
                {
                    if (TakeRest() is { } rest)
                    {
                        Interlocked.Increment(ref s_splits);
                        ThreadPool.UnsafeQueueUserWorkItem(rest, preferLocal: false);
                    }

                    break;
                }
            }
        }
        finally
        {
            t_running = outer;
            foreach (var connection in _flushes)
            {
                connection.FlushDeferred();
            }

            _flushes.Clear();
        }

        if (thrown is not null)
        {
            // Surfaces as it would have without the batch: unhandled, on a thread-pool thread, never on the reader.
            foreach (var ex in thrown)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static state => ExceptionDispatchInfo.Throw(state), ex, preferLocal: false);
            }
        }
    }
}

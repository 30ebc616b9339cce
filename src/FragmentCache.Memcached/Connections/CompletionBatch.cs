using System.Collections.Concurrent;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// The operations whose replies one read produced, delivered together on one thread-pool thread. Their callers'
/// continuations run one after another there (never on the reader loop), so the requests they send next join one
/// write, as a pipelined batch would. A caller that blocks delays only this batch, never the reader.
/// Connections that callers send to while the batch runs are flushed once, when it ends: one write for
/// the whole batch instead of one per caller (a caller that blocks on such a request is rescued by the
/// client's heartbeat, see <see cref="MemcachedConnection.FailIfStuck"/>).
/// Continuations that do real work (a web request rendering the rest of its page) would make the callers
/// behind them wait: once a batch has run for <see cref="SplitAfter"/>, the rest of it goes to another
/// work item that any idle thread can take, so heavy continuations still spread over the cores.
/// </summary>
internal sealed class CompletionBatch : IThreadPoolWorkItem
{
    /// <summary>How long one thread delivers before handing the rest of the batch to another work item.</summary>
    internal static readonly TimeSpan SplitAfter = TimeSpan.FromMicroseconds(50);

    private static readonly long SplitAfterTicks = (long)(SplitAfter.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private static readonly ConcurrentQueue<CompletionBatch> Pool = new();

    [ThreadStatic]
    private static CompletionBatch? t_running;

    private readonly List<(PendingOperation Operation, bool ReleaseFifoReference)> _operations = new(64);
    private readonly List<MemcachedConnection> _flushes = new(4);

    /// <summary>The connection whose replies this batch delivers.</summary>
    public MemcachedConnection? Source { get; private set; }

    /// <summary>The connection whose batch is resuming callers on this thread, if any.</summary>
    public static MemcachedConnection? CurrentSource => t_running?.Source;

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

    public void Execute()
    {
        var outer = t_running;
        t_running = this;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            for (int i = 0; i < _operations.Count; i++)
            {
                var (operation, release) = _operations[i];
                operation.Deliver();
                if (release)
                {
                    operation.OnDequeued();
                }

                if (i + 1 < _operations.Count && System.Diagnostics.Stopwatch.GetTimestamp() - started > SplitAfterTicks)
                {
                    var rest = Rent(Source);
                    rest._operations.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_operations)[(i + 1)..]);
                    ThreadPool.UnsafeQueueUserWorkItem(rest, preferLocal: false);
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

        _operations.Clear();
        Source = null;
        if (Pool.Count < 64)
        {
            Pool.Enqueue(this);
        }
    }
}

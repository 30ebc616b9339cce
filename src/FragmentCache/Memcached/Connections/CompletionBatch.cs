using System.Collections.Concurrent;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// The operations whose replies one read produced, delivered together on one thread-pool thread. Their callers'
/// continuations run one after another there (never on the reader loop), so the requests they send next join one
/// write, as a pipelined batch would. A caller that blocks delays only this batch, never the reader.
/// Connections that callers send to while the batch runs are flushed once, when it ends: one write for
/// the whole batch instead of one per caller (a caller that blocks on such a request is rescued by the
/// client's heartbeat, see <see cref="MemcachedConnection.FailIfStuck"/>).
/// </summary>
internal sealed class CompletionBatch : IThreadPoolWorkItem
{
    private static readonly ConcurrentQueue<CompletionBatch> Pool = new();

    [ThreadStatic]
    private static CompletionBatch? t_running;

    private readonly List<(PendingOperation Operation, bool ReleaseFifoReference)> _operations = new(64);
    private readonly List<MemcachedConnection> _flushes = new(4);

    public static CompletionBatch Rent() => Pool.TryDequeue(out var batch) ? batch : new CompletionBatch();

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
        try
        {
            foreach (var (operation, release) in _operations)
            {
                operation.Deliver();
                if (release)
                {
                    operation.OnDequeued();
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
        if (Pool.Count < 64)
        {
            Pool.Enqueue(this);
        }
    }
}

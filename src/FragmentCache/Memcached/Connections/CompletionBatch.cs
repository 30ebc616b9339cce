using System.Collections.Concurrent;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// The operations whose replies one read produced, delivered together on one thread-pool thread. Their callers'
/// continuations run one after another there (never on the reader loop), so the requests they send next join one
/// write, as a pipelined batch would. A caller that blocks delays only this batch, never the reader.
/// </summary>
internal sealed class CompletionBatch : IThreadPoolWorkItem
{
    private static readonly ConcurrentQueue<CompletionBatch> Pool = new();
    private readonly List<(PendingOperation Operation, bool ReleaseFifoReference)> _operations = new(64);

    public static CompletionBatch Rent() => Pool.TryDequeue(out var batch) ? batch : new CompletionBatch();

    public void Add(PendingOperation operation, bool releaseFifoReference) => _operations.Add((operation, releaseFifoReference));

    public void Execute()
    {
        foreach (var (operation, release) in _operations)
        {
            operation.Deliver();
            if (release)
            {
                operation.OnDequeued();
            }
        }

        _operations.Clear();
        if (Pool.Count < 64)
        {
            Pool.Enqueue(this);
        }
    }
}

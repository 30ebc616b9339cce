using System.Buffers;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// One request in a connection's in-flight FIFO. The connection writes it, the reader loop feeds it
/// reply bytes until it has consumed its whole reply, and a connection failure fails it.
/// </summary>
internal abstract class PendingOperation
{
    // Outcome state, shared by the operations that complete through a completion batch: Pending until the reader
    // claims a reply (Claimed, delivered later by the batch) or a failure finishes it (Finished).
    private const int Pending = 0;
    private const int Claimed = 1;
    private const int Finished = 2;
    private int _state;

    /// <summary>
    /// <see cref="Environment.TickCount64"/> at the enqueue, for the watchdog: milliseconds are enough for a timeout
    /// checked every few milliseconds, and this clock is cheaper to read than the precise one on every request.
    /// </summary>
    public long EnqueuedAt;

    /// <summary>Neither a reply nor a failure has been recorded yet.</summary>
    protected bool IsPending => Volatile.Read(ref _state) == Pending;

    /// <summary>Back to pending, for a pooled operation's next use.</summary>
    protected void ResetOutcome() => Volatile.Write(ref _state, Pending);

    /// <summary>The reader recorded the reply; the completion batch will deliver it (<see cref="TryFinishClaimed"/>).</summary>
    protected void Claim() => Interlocked.CompareExchange(ref _state, Claimed, Pending);

    /// <summary>True once, for the delivery of a claimed reply.</summary>
    protected bool TryFinishClaimed() => Interlocked.CompareExchange(ref _state, Finished, Claimed) == Claimed;

    /// <summary>True once, for a failure that came before any reply was claimed.</summary>
    protected bool TryFinishPending() => Interlocked.CompareExchange(ref _state, Finished, Pending) == Pending;

    /// <summary>Formats the request into the connection's outgoing buffer, tagged with <paramref name="opaque"/>.</summary>
    public abstract void WriteRequest(IBufferWriter<byte> output, uint opaque);

    /// <summary>
    /// Consumes this operation's whole reply from <paramref name="reader"/> and completes the operation,
    /// or consumes nothing and returns false when the reply is not fully buffered yet. Throws
    /// <see cref="Protocol.MemcachedProtocolException"/> when the stream cannot be trusted.
    /// </summary>
    public abstract bool TryConsumeReply(ref SequenceReader<byte> reader);

    /// <summary>Completes the operation with an error, unless it already completed.</summary>
    public abstract void Fail(Exception error);

    /// <summary>
    /// Hands a result stored by <see cref="TryConsumeReply"/> to the caller (whose continuation may run inline).
    /// Called by the completion batch once the reader has consumed the read; operations that complete themselves do nothing.
    /// </summary>
    public virtual void Deliver()
    {
    }

    /// <summary>Called exactly once when the operation leaves the FIFO (its reply was read or the connection failed).</summary>
    public virtual void OnDequeued()
    {
    }
}

using System.Buffers;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// One request in a connection's in-flight FIFO. The connection writes it, the reader loop feeds it
/// reply bytes until it has consumed its whole reply, and a connection failure fails it.
/// </summary>
internal abstract class PendingOperation
{
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the enqueue, for the watchdog.</summary>
    public long EnqueuedAt;

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
    /// Called on a thread-pool thread after the reader has moved on; operations that complete themselves do nothing.
    /// </summary>
    public virtual void Deliver()
    {
    }

    /// <summary>Called exactly once when the operation leaves the FIFO (its reply was read or the connection failed).</summary>
    public virtual void OnDequeued()
    {
    }
}

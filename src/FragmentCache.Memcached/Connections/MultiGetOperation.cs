using System.Buffers;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// A batch of quiet gets (<c>mg key f v q k O&lt;i&gt;</c> per key) closed by <c>mn</c>: hits come back tagged with
/// their index and key, misses say nothing, and <c>MN</c> ends the batch. A hit whose key is not the key at its
/// index fails the connection: misses are silent, so a corrupted index would otherwise hand one key's value to another.
/// </summary>
internal sealed class MultiGetOperation : PendingOperation
{
    private readonly IReadOnlyList<string> _keys;
    private readonly MultiGetHit[] _results;
    // Continuations run inline where the outcome is delivered: in the connection's completion batch (on its reader,
    // once the read is consumed), or in a work item of its own for a failure. Never on a timer or a canceller.
    private readonly TaskCompletionSource<MultiGetHit[]> _completion = new();
    private long _lastIndex = -1;

    public MultiGetOperation(IReadOnlyList<string> wireKeys)
    {
        _keys = wireKeys;
        _results = new MultiGetHit[wireKeys.Count];
    }

    /// <summary>One entry per key, in order; a miss has no value.</summary>
    public Task<MultiGetHit[]> Completion => _completion.Task;

    public override void WriteRequest(IBufferWriter<byte> output, uint opaque)
    {
        for (int i = 0; i < _keys.Count; i++)
        {
            MetaRequestWriter.WriteQuietGet(output, _keys[i], (uint)i);
        }

        MetaRequestWriter.Write(output, MetaRequest.Create(MetaCommand.NoOp, string.Empty), default, 0);
    }

    public override bool TryConsumeReply(ref SequenceReader<byte> reader)
    {
        MetaReply reply;
        while (MetaReplyParser.TryReadReply(ref reader, out reply, out var data, _keys))
        {
            switch (reply.Code)
            {
                case ReplyCode.NoOp:
                    // Claimed: the completion batch delivers it, after the reader has moved on.
                    Claim();
                    return true;
                case ReplyCode.Value when (long)reply.Opaque > _lastIndex && reply.KeyMatches:
                    _lastIndex = (long)reply.Opaque;
                    if (IsPending)
                    {
                        _results[_lastIndex] = new MultiGetHit(MetaResult.CopyValue(data), reply.ClientFlags, reply.Won, reply.Stale, reply.TokenSent);
                    }

                    break;
                default:
                    // Errors carry no opaque, so in a quiet batch they cannot be attributed: fail the connection.
                    throw new MemcachedProtocolException(
                        $"Unexpected reply in a multi-get: {reply.Code} {reply.ErrorMessage}".TrimEnd());
            }
        }

        // A hit's header can arrive before its data: one that cannot be the next of this batch fails the connection now
        // instead of waiting for data that may never come (see MetaOperation).
        if (reply.Code == ReplyCode.Value && !((long)reply.Opaque > _lastIndex && reply.KeyMatches))
        {
            throw new MemcachedProtocolException($"Unexpected reply in a multi-get: a value for index {reply.Opaque}.");
        }

        // Replies consumed so far stay consumed; the rest of the batch arrives later.
        return false;
    }

    public override void Deliver()
    {
        if (TryFinishClaimed())
        {
            _completion.TrySetResult(_results);
        }
    }

    public override void Fail(Exception error)
    {
        if (TryFinishPending())
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Completion.TrySetException(state.Error), (Completion: _completion, Error: error), preferLocal: false);
        }
    }
}

/// <summary>
/// One key's outcome in a multi-get: the value's own array (null for a miss) and what its reply said about it. Kept to
/// the fields a multi-get reads, so a batch of a hundred keys carries 16 bytes per key rather than a whole reply.
/// </summary>
internal readonly record struct MultiGetHit(byte[]? Value, uint ClientFlags, bool Won, bool Stale, bool TokenSent);

using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FragmentCache;

/// <summary>
/// A fragment's stored bytes read into a pooled array (<see cref="ICachePooledReadStore"/>), shared by the callers that
/// read them: the request that looked them up, the requests that joined its flight, the flight itself. Each holds one
/// reference through a <see cref="PooledContentHold"/>; the store's owner is disposed (the array goes back to its pool)
/// exactly once, when the last reference is released. A holder that never releases keeps the array out of the pool for
/// good (the garbage collector takes it), which costs an allocation and never a wrong byte.
/// </summary>
internal sealed class PooledContent
{
    private readonly IDisposable _owner;
    private int _references = 1;

    private PooledContent(IDisposable owner) => _owner = owner;

    /// <summary>The references still held (for tests and assertions).</summary>
    public int References => Volatile.Read(ref _references);

    /// <summary>
    /// The owner of <paramref name="value"/> as a pooled read handed it out (one reference, the reader's), or null when
    /// the value is plain memory the reader may keep.
    /// </summary>
    public static PooledContent? Of(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetMemoryManager(value, out MemoryManager<byte>? owner) ? new PooledContent(owner) : null;

    /// <summary>Counts <paramref name="count"/> more holders, each of which will release once.</summary>
    public void AddReferences(int count)
    {
        var before = Interlocked.Add(ref _references, count) - count;
        Debug.Assert(before > 0, "A reference was taken on pooled content already returned.");
    }

    /// <summary>Releases one reference; the last one returns the array.</summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        Debug.Assert(left >= 0, "Pooled content was released more often than it was held.");
        if (left == 0)
        {
            _owner.Dispose();
        }
    }
}

/// <summary>One holder's reference on <see cref="PooledContent"/>: released at most once, however often it is disposed.</summary>
internal sealed class PooledContentHold(PooledContent content)
{
    private int _released;

    public PooledContent Content => content;

    /// <summary>Whether this holder has let go.</summary>
    public bool Released => Volatile.Read(ref _released) != 0;

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            content.Release();
        }
    }
}

using System.Buffers;

namespace FragmentCache.Memcached.Connections;

/// <summary>
/// A received value in an array rented from a pool, for a caller that said it gives the bytes back when it is done
/// (<see cref="ICachePooledReadStore"/>). Rented once, when the reply is read; returned exactly once, on the first
/// <see cref="IDisposable.Dispose"/> (later ones do nothing). Its memory refuses to hand out a span once returned, so a
/// late reader fails instead of reading another value's bytes. Whoever shares the bytes counts its holders above this
/// (the fragment cache does): this type has one owner.
/// </summary>
internal sealed class RentedValue : MemoryManager<byte>
{
    private readonly ArrayPool<byte> _pool;
    private readonly int _length;
    private byte[]? _array;

    private RentedValue(ArrayPool<byte> pool, byte[] array, int length)
    {
        _pool = pool;
        _array = array;
        _length = length;
    }

    /// <summary>Rents an array of at least <paramref name="data"/>'s length from <paramref name="pool"/> and copies the value into it.</summary>
    public static RentedValue Copy(ArrayPool<byte> pool, in ReadOnlySequence<byte> data)
    {
        var length = checked((int)data.Length);
        var array = pool.Rent(length);
        data.CopyTo(array);
        return new RentedValue(pool, array, length);
    }

    /// <summary>The value's bytes (exactly its length).</summary>
    public ReadOnlyMemory<byte> Value => Memory;

    /// <summary>Whether the array went back to the pool.</summary>
    public bool Returned => Volatile.Read(ref _array) is null;

    public override Span<byte> GetSpan() =>
        (Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(RentedValue), "The value's pooled buffer was returned.")).AsSpan(0, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var array = Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(RentedValue), "The value's pooled buffer was returned.");
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_length, nameof(elementIndex));
        return new Memory<byte>(array, elementIndex, _length - elementIndex).Pin();
    }

    public override void Unpin()
    {
        // The handle Pin returns pins the array itself and is released by its holder.
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _array, null) is { } array)
        {
            _pool.Return(array);
        }
    }
}

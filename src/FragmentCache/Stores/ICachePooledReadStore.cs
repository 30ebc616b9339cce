using System.Buffers;

namespace FragmentCache;

/// <summary>
/// Optional capability of an <see cref="ICacheStore"/>: reads that receive the value into an array rented from a pool
/// the caller gives, for a caller whose use of the bytes ends soon and is known (the page cache writes a hit's body and
/// gives it back). Other reads keep handing out arrays the caller may keep.
/// </summary>
/// <remarks>
/// A value received into a rented array is the memory of a <see cref="MemoryManager{T}"/>
/// (<see cref="System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager{T, TManager}(ReadOnlyMemory{T}, out TManager)"/>):
/// the caller owns it and disposes it exactly once when nothing reads the bytes any more, which returns the array to the
/// pool; a caller that never disposes it leaves the array to the garbage collector. Any other value (an empty one, or a
/// compressed one decompressed into an array of its own) is the caller's to keep, as from <see cref="ICacheStore.GetAsync"/>.
/// </remarks>
public interface ICachePooledReadStore
{
    /// <summary><see cref="ICacheStore.GetAsync"/>, receiving the value into an array rented from <paramref name="pool"/>.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="pool">Where the value's array is rented from, and returned to when its owner is disposed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item, or <see langword="null"/> on a miss.</returns>
    ValueTask<CacheItem?> GetPooledAsync(string key, ArrayPool<byte> pool, CancellationToken cancellationToken = default);

    /// <summary><see cref="ICacheLeaseStore.GetOrLeaseAsync"/>, receiving the value into an array rented from <paramref name="pool"/>.</summary>
    /// <param name="key">The full key.</param>
    /// <param name="leaseTime">How long a won lease on a miss lasts before another caller may win.</param>
    /// <param name="recacheWindow">Remaining time to live below which one caller wins an early-recache lease; <see cref="TimeSpan.Zero"/> disables early recache.</param>
    /// <param name="pool">Where the value's array is rented from, and returned to when its owner is disposed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The item (if any), whether this caller won, and whether the item is stale.</returns>
    ValueTask<CacheLeaseResult> GetOrLeasePooledAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, ArrayPool<byte> pool, CancellationToken cancellationToken = default);
}

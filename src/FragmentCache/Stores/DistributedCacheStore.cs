using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;

namespace FragmentCache;

/// <summary>
/// Adapts any <see cref="IDistributedCache"/> (Redis, SQL Server, ...) to <see cref="ICacheStore"/>.
/// </summary>
/// <remarks>
/// <para>Each value carries a 6-byte header: magic <c>0xFC</c>, header version 1, then the flags word
/// (big-endian). A value without this header (written by someone else) reads as a miss.</para>
/// <para><see cref="IDistributedCache"/> has no conditional or arithmetic operations, so
/// <see cref="AddAsync"/>, <see cref="DeleteAsync"/>'s "existed" answer, <see cref="IncrementAsync"/> and
/// <see cref="TouchAsync"/> are read-then-write and NOT atomic across processes: two concurrent
/// increments can lose one. Leases are not offered (no compare-and-swap), so fragment stampede
/// protection is in-process only, and <see cref="ClearAsync"/> throws <see cref="NotSupportedException"/>.</para>
/// </remarks>
internal sealed class DistributedCacheStore(IDistributedCache cache) : ICacheStore
{
    internal const int HeaderLength = 6;
    private const byte Magic = 0xFC;
    private const byte HeaderVersion = 1;

    public async ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var bytes = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return Decode(bytes);
    }

    public async ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<string, CacheItem>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (found.ContainsKey(keys[i]))
            {
                continue;
            }

            if (await GetAsync(keys[i], cancellationToken).ConfigureAwait(false) is { } item)
            {
                found[keys[i]] = item;
            }
        }

        return found;
    }

    public async ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        if (expiration is { } e && e <= TimeSpan.Zero)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }

        await WriteAsync(key, Encode(item), expiration, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        if (expiration is { } e && e <= TimeSpan.Zero)
        {
            return true;
        }

        await cache.SetAsync(key, Encode(item), Options(expiration), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var existed = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null;
        await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        return existed;
    }

    public async ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } item)
        {
            if (initialValue is not { } initial)
            {
                return null;
            }

            await SetAsync(key, new CacheItem(DecimalValue.Format(initial), CacheItemFlags.Value), initialExpiration, cancellationToken).ConfigureAwait(false);
            return initial;
        }

        if (!DecimalValue.TryParse(item.Value.Span, out var current))
        {
            throw new InvalidOperationException("Cannot increment or decrement a value that is not a decimal number.");
        }

        // IDistributedCache cannot read a remaining time to live: whether the counter keeps its expiration depends on the backend.
        var next = DecimalValue.Add(current, delta);
        await cache.SetAsync(key, Encode(new CacheItem(DecimalValue.Format(next), item.Flags)), Options(null), cancellationToken).ConfigureAwait(false);
        return next;
    }

    public async ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        var bytes = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (Decode(bytes) is null)
        {
            return false;
        }

        if (expiration is { } e && e <= TimeSpan.Zero)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(key, bytes!, expiration, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
        => throw new NotSupportedException("IDistributedCache cannot remove all of its keys; clear the backend itself (for Redis: FLUSHDB).");

    internal static byte[] Encode(CacheItem item)
    {
        var bytes = new byte[HeaderLength + item.Value.Length];
        bytes[0] = Magic;
        bytes[1] = HeaderVersion;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2, 4), item.Flags);
        item.Value.Span.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    internal static CacheItem? Decode(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < HeaderLength || bytes[0] != Magic || bytes[1] != HeaderVersion)
        {
            return null;
        }

        var flags = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(2, 4));
        return new CacheItem(bytes.AsMemory(HeaderLength), flags);
    }

    /// <summary>
    /// Writes a value. A value without expiration first removes the key: some caches (Redis) would
    /// otherwise keep the old value's time to live on an overwrite.
    /// </summary>
    private async ValueTask WriteAsync(string key, byte[] bytes, TimeSpan? expiration, CancellationToken cancellationToken)
    {
        if (expiration is null)
        {
            await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        }

        await cache.SetAsync(key, bytes, Options(expiration), cancellationToken).ConfigureAwait(false);
    }

    private static DistributedCacheEntryOptions Options(TimeSpan? expiration)
        => expiration is { } e ? new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = e } : new DistributedCacheEntryOptions();
}

using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Caching.Distributed;

namespace FragmentCache.Memcached;

/// <summary>
/// <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> over our Memcached client, so Session,
/// <c>HybridCache</c> (as its second level) and the built-in <c>&lt;distributed-cache&gt;</c> tag helper store in
/// Memcached. Register it with <c>services.AddMemcachedDistributedCache(...)</c>.
/// </summary>
/// <remarks>
/// <para>Values without sliding expiration are stored as they are (raw bytes, readable by any client). A value with
/// sliding expiration carries a 12-byte header (its absolute deadline and its window) and is touched on every read:
/// two round trips instead of the five of a side-key scheme, with no second key that can be evicted alone.</para>
/// <para>Memcached being down is a miss (<see langword="null"/>) and a write that does nothing, never an exception,
/// unless the client's <see cref="MemcachedClientOptions.ThrowOnError"/> is set.</para>
/// </remarks>
public sealed class MemcachedDistributedCache : IBufferDistributedCache
{
    /// <summary>Client flag bit that marks a value carrying the sliding-expiration header.</summary>
    internal const uint SlidingFlag = 0x0001_0000;

    private const int HeaderLength = 12;
    private const uint RawValueFlags = MemcachedFlags.Value | MemcachedFlags.FormatRaw;

    private readonly MemcachedClient _client;
    private readonly TimeProvider _time;

    /// <summary>Creates the cache over <paramref name="client"/>.</summary>
    public MemcachedDistributedCache(MemcachedClient client, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var writer = new ArrayBufferWriter<byte>();
        return await TryGetAsync(key, writer, token).ConfigureAwait(false) ? writer.WrittenSpan.ToArray() : null;
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination) => TryGetAsync(key, destination).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        var item = await _client.GetItemAsync(key, default, token).ConfigureAwait(false);
        if (!item.IsHit)
        {
            return false;
        }

        var value = MemcachedValueCodec.ReadDecompressed(item.RawValue, item.Flags, out uint flags);
        if ((flags & SlidingFlag) != 0)
        {
            if (value.Length < HeaderLength)
            {
                return false;
            }

            await SlideAsync(key, value.Span[..HeaderLength], token).ConfigureAwait(false);
            value = value[HeaderLength..];
        }

        destination.Write(value.Span);
        return true;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).GetAwaiter().GetResult();

    /// <inheritdoc />
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetAsync(key, new ReadOnlySequence<byte>(value), options, token).AsTask();
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        var now = _time.GetUtcNow();
        DateTimeOffset? absolute = options.AbsoluteExpiration
            ?? (options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : null);
        if (absolute <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(options), absolute, "The absolute expiration value must be in the future.");
        }

        TimeSpan? ttl = absolute - now;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(value.Length + HeaderLength, int.MaxValue));
        uint flags = RawValueFlags;
        if (options.SlidingExpiration is { } sliding)
        {
            var header = buffer.GetSpan(HeaderLength);
            BinaryPrimitives.WriteInt64LittleEndian(header, absolute?.ToUnixTimeSeconds() ?? 0);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], (int)Math.Ceiling(sliding.TotalSeconds));
            buffer.Advance(HeaderLength);
            flags |= SlidingFlag;
            ttl = ttl is { } limit && limit < sliding ? limit : sliding;
        }

        foreach (var segment in value)
        {
            buffer.Write(segment.Span);
        }

        var stored = new ArrayBufferWriter<byte>(buffer.WrittenCount);
        flags = MemcachedValueCodec.WriteCompressed(buffer.WrittenSpan, flags, _client.CompressionThreshold, stored);
        await _client.StoreRawAsync(MemcachedStoreMode.Set, key, stored.WrittenMemory, flags, ttl, 0, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var item = await _client.GetItemAsync(key, default, token).ConfigureAwait(false);
        if (!item.IsHit)
        {
            return;
        }

        var value = MemcachedValueCodec.ReadDecompressed(item.RawValue, item.Flags, out uint flags);
        if ((flags & SlidingFlag) != 0 && value.Length >= HeaderLength)
        {
            await SlideAsync(key, value.Span[..HeaderLength], token).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default) =>
        await _client.DeleteAsync(key, token).ConfigureAwait(false);

    private ValueTask<bool> SlideAsync(string key, ReadOnlySpan<byte> header, CancellationToken token)
    {
        long absolute = BinaryPrimitives.ReadInt64LittleEndian(header);
        var window = TimeSpan.FromSeconds(BinaryPrimitives.ReadInt32LittleEndian(header[8..]));
        if (absolute != 0)
        {
            var left = DateTimeOffset.FromUnixTimeSeconds(absolute) - _time.GetUtcNow();
            window = left < window ? left : window;
        }

        return _client.TouchAsync(key, window, token);
    }
}

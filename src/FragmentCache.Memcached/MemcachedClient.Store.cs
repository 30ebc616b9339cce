using System.Runtime.CompilerServices;
using FragmentCache.Memcached.Connections;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Memcached;

public sealed partial class MemcachedClient
{
    /// <inheritdoc />
    public async ValueTask<bool> SetAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default) =>
        await StoreAsync(MemcachedStoreMode.Set, key, value, expiration, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public async ValueTask<bool> AddAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default) =>
        await StoreAsync(MemcachedStoreMode.Add, key, value, expiration, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public async ValueTask<bool> ReplaceAsync<T>(string key, T value, TimeSpan? expiration = null, CancellationToken cancellationToken = default) =>
        await StoreAsync(MemcachedStoreMode.Replace, key, value, expiration, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public async ValueTask<bool> AppendAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        await StoreRawAsync(MemcachedStoreMode.Append, key, data, 0, null, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public async ValueTask<bool> PrependAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        await StoreRawAsync(MemcachedStoreMode.Prepend, key, data, 0, null, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public ValueTask<MemcachedStoreResult> StoreAsync<T>(MemcachedStoreMode mode, string key, T value, TimeSpan? expiration = null,
        ulong cas = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var buffer = RentValueBuffer();
        uint flags = MemcachedValueCodec.Encode(value, _serializer, _options.CompressionThreshold, buffer);
        // StoreRawAsync copies a borrowed buffer before it first yields, so the buffer is free again on return.
        var pending = StoreRawAsync(mode, key, buffer.WrittenMemory, flags, expiration, cas, cancellationToken);
        ReturnValueBuffer(buffer);
        return pending;
    }

    /// <summary>Stores bytes that are already encoded, with their flags. <paramref name="data"/> may be a borrowed buffer.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<MemcachedStoreResult> StoreRawAsync(MemcachedStoreMode mode, string key, ReadOnlyMemory<byte> data, uint flags,
        TimeSpan? expiration, ulong cas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var server = Route(wireKey);
        if (data.Length + wireKey.Length + ItemOverhead > _options.MaxItemSize)
        {
            Log.ValueTooLarge(_logger, data.Length, _options.MaxItemSize);
            if (mode is MemcachedStoreMode.Set or MemcachedStoreMode.Replace)
            {
                // A failed set must not leave the previous value behind (memcached behaves the same way).
                await ExecuteAsync("delete", server, MetaRequest.Create(MetaCommand.Delete, wireKey), default, cancellationToken).ConfigureAwait(false);
            }

            return MemcachedStoreResult.TooLarge;
        }

        var request = MetaRequest.Create(MetaCommand.Set, wireKey);
        request.ClientFlags = flags;
        request.CompareCas = cas;
        request.Mode = mode switch
        {
            MemcachedStoreMode.Add => (byte)'E',
            MemcachedStoreMode.Replace => (byte)'R',
            MemcachedStoreMode.Append => (byte)'A',
            MemcachedStoreMode.Prepend => (byte)'P',
            _ => (byte)'S',
        };
        if (mode is not (MemcachedStoreMode.Append or MemcachedStoreMode.Prepend))
        {
            request.Ttl = Ttl(expiration);
        }

        var result = await ExecuteAsync("set", server, request, data, cancellationToken).ConfigureAwait(false);
        return result?.Code switch
        {
            null => MemcachedStoreResult.Failed,
            ReplyCode.Header => MemcachedStoreResult.Stored,
            ReplyCode.NotStored => MemcachedStoreResult.NotStored,
            ReplyCode.Exists => MemcachedStoreResult.Exists,
            ReplyCode.NotFound => MemcachedStoreResult.NotFound,
            _ => MemcachedStoreResult.Failed,
        };
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        DeleteAsync(key, cas: 0, cancellationToken);

    /// <summary>Deletes a key, only if its CAS still equals <paramref name="cas"/> (0 = unconditionally).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<bool> DeleteAsync(string key, ulong cas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var request = MetaRequest.Create(MetaCommand.Delete, wireKey);
        request.CompareCas = cas;
        var result = await ExecuteAsync("delete", Route(wireKey), request, default, cancellationToken).ConfigureAwait(false);
        return result?.Code == ReplyCode.Header;
    }

    /// <inheritdoc />
    public ValueTask<bool> InvalidateAsync(string key, TimeSpan staleFor, CancellationToken cancellationToken = default) =>
        InvalidateAsync(key, staleFor, cas: 0, cancellationToken);

    /// <summary>Marks a key stale, only if its CAS still equals <paramref name="cas"/> (0 = unconditionally).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<bool> InvalidateAsync(string key, TimeSpan staleFor, ulong cas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var request = MetaRequest.Create(MetaCommand.Delete, wireKey);
        request.Invalidate = true;
        request.CompareCas = cas;
        request.Ttl = LeaseSeconds(staleFor);
        var result = await ExecuteAsync("invalidate", Route(wireKey), request, default, cancellationToken).ConfigureAwait(false);
        return result?.Code == ReplyCode.Header;
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var request = MetaRequest.Create(MetaCommand.Get, wireKey);
        request.Ttl = Ttl(expiration);
        var result = await ExecuteAsync("touch", Route(wireKey), request, default, cancellationToken).ConfigureAwait(false);
        return result?.Code == ReplyCode.Header;
    }

    /// <inheritdoc />
    public ValueTask<ulong?> IncrementAsync(string key, ulong delta = 1, ulong? initialValue = null, TimeSpan? expiration = null,
        CancellationToken cancellationToken = default) =>
        ArithmeticAsync(key, delta, decrement: false, initialValue, expiration, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ulong?> DecrementAsync(string key, ulong delta = 1, ulong? initialValue = null, TimeSpan? expiration = null,
        CancellationToken cancellationToken = default) =>
        ArithmeticAsync(key, delta, decrement: true, initialValue, expiration, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ulong?> ArithmeticAsync(string key, ulong delta, bool decrement, ulong? initialValue, TimeSpan? expiration,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var wireKey = MemcachedKey.ToWireKey(key);
        var request = MetaRequest.Create(MetaCommand.Arithmetic, wireKey);
        request.Delta = delta;
        request.Decrement = decrement;
        if (initialValue is { } initial)
        {
            // N creates the missing counter with this lifetime; an existing counter keeps its own.
            long ttl = Ttl(expiration);
            request.VivifyTtl = ttl < 0 ? 1 : ttl;
            request.InitialValue = initial;
        }

        var result = await ExecuteAsync(decrement ? "decrement" : "increment", Route(wireKey), request, default, cancellationToken)
            .ConfigureAwait(false);
        if (result is not { } reply)
        {
            return null;
        }

        if (reply.Code == ReplyCode.ClientError)
        {
            throw new InvalidOperationException($"The value of key '{key}' is not a number, so it cannot be incremented or decremented.");
        }

        return reply.Code == ReplyCode.Value ? reply.Number : null;
    }
}

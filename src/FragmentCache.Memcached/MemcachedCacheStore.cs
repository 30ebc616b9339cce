using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FragmentCache.Memcached;

/// <summary>
/// The Memcached store: every <see cref="ICacheStore"/> call is one meta command on our client, and the
/// lease capability maps one to one onto memcached's <c>N</c>/<c>R</c>/<c>W</c>/<c>Z</c>/<c>X</c> flags, so
/// stampede protection holds across every process that shares the servers. Values of at least the client's
/// <see cref="MemcachedClientOptions.CompressionThreshold"/> are compressed here, invisibly to the core.
/// </summary>
/// <remarks>
/// The store reports failures as exceptions, and the layer above turns them into misses (see <see cref="ICacheStore"/>):
/// it calls the client through a view that throws whatever <see cref="MemcachedClientOptions.ThrowOnError"/> says, over
/// the same servers, connections and circuit breakers, so the application's other users of the client (an
/// <c>IDistributedCache</c>, code of its own) keep their own setting.
/// </remarks>
public sealed partial class MemcachedCacheStore : ICacheStore, ICacheLeaseStore, ICachePooledReadStore, ICacheLifetimeStore, ICacheStoreHealth, ICacheStoreAvailability, IAsyncDisposable, IDisposable
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly MemcachedClient _client;
    private readonly int _compressionThreshold;
    private readonly bool _ownsClient;

    /// <summary>
    /// Creates a store over a shared client (the one <c>AddMemcachedClient</c> registers, as <c>UseMemcached</c> does):
    /// the store and every other user of the client share its sockets and its view of each server's health. Disposing
    /// the store leaves the client open.
    /// </summary>
    /// <param name="client">The shared client.</param>
    public MemcachedCacheStore(MemcachedClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client.Throwing;
        _compressionThreshold = client.CompressionThreshold;
    }

    /// <summary>
    /// Creates a store over a client of its own, built from <paramref name="options"/>, and closed when the store is
    /// disposed.
    /// </summary>
    /// <param name="options">The client's settings; at least one server.</param>
    /// <param name="loggerFactory">Where the client logs. The default is nowhere.</param>
    /// <param name="meterFactory">Where the client's metrics go. The default is a meter of its own.</param>
    /// <param name="timeProvider">The client's clock. The default is the system clock.</param>
    public MemcachedCacheStore(MemcachedClientOptions options, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var own = options.Clone();
        own.ThrowOnError = true;
        _client = new MemcachedClient(own, loggerFactory, meterFactory, timeProvider);
        _compressionThreshold = own.CompressionThreshold;
        _ownsClient = true;
    }

    /// <summary>
    /// The store serves a <see cref="CacheCompatibility.Django"/> store: keys are used as given or refused (never hashed),
    /// nothing is compressed, and an empty value without a lease token (Django's <c>""</c> or <c>b""</c>) is a hit.
    /// </summary>
    internal bool DjangoCompatible { get; init; }

    private int CompressionThreshold => DjangoCompatible ? 0 : _compressionThreshold;

    private static readonly MemcachedGetOptions EmptyIsValueGet = new() { EmptyIsValue = true };

    /// <summary>The client underneath (for health checks and diagnostics): the shared one the store was given, or its own.</summary>
    public IMemcachedClient Client => _client.Shared;

    /// <summary>Asks every server for its version, as <see cref="MemcachedHealthCheck"/> does: one entry per server in the data.</summary>
    /// <param name="context">The health check's context.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Healthy when every server answers, degraded when some do, the failure status when none does.</returns>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => new MemcachedHealthCheck(_client.Shared).CheckHealthAsync(context, cancellationToken);

    /// <summary>
    /// Whether the server that owns <paramref name="key"/> is out of rotation: its circuit breaker is open or probing.
    /// With <see cref="MemcachedClientOptions.Failover"/> on, a key whose server is down moves to a live one and is not
    /// reported down while any server takes requests.
    /// </summary>
    /// <param name="key">The full key.</param>
    /// <returns><see langword="true"/> while calls for the key fail without reaching a server.</returns>
    public bool IsKnownDown(string key) => _client.IsKnownDown(key);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var item = await _client.GetItemAsync(Checked(key), DjangoCompatible ? EmptyIsValueGet : default, cancellationToken).ConfigureAwait(false);
        return item.IsHit ? ToCacheItem(item.RawValue, item.Flags) : null;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The value is received straight from the connection's buffer into an array rented from <paramref name="pool"/> (no
    /// array of its own); a compressed value is decompressed into an array of its own and the rented one returned at once.
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CacheItem?> GetPooledAsync(string key, ArrayPool<byte> pool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var item = await _client.GetItemAsync(key, default, pool, cancellationToken).ConfigureAwait(false);
        return item.IsHit ? ToPooledCacheItem(item) : null;
    }

    /// <inheritdoc />
    /// <remarks>As <see cref="GetPooledAsync"/> for the value; the lease is as <see cref="GetOrLeaseAsync"/> gives it.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CacheLeaseResult> GetOrLeasePooledAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, ArrayPool<byte> pool,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var item = await _client.GetItemAsync(key, LeaseOptions(leaseTime, recacheWindow), pool, cancellationToken).ConfigureAwait(false);
        return ToLeaseResult(item, item.IsHit ? ToPooledCacheItem(item) : null);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        if (DjangoCompatible)
        {
            foreach (var key in keys)
            {
                Checked(key);
            }
        }

        return await _client.GetManyItemsAsync(keys, item => (ToCacheItem(item.RawValue, item.Flags), true), DjangoCompatible, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        if (expiration is { } ttl && ttl <= TimeSpan.Zero && ttl != Timeout.InfiniteTimeSpan)
        {
            await _client.DeleteAsync(Checked(key), cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await StoreAsync(MemcachedStoreMode.Set, key, item, expiration, 0, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;
    }

    /// <inheritdoc />
    public async ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default)
    {
        // Zero or negative goes out as exptime -1: memcached answers the add as usual (stored when the key held no value)
        // and keeps nothing readable, which is Django's add with timeout 0.
        var result = await StoreAsync(MemcachedStoreMode.Add, key, item, expiration, 0, cancellationToken).ConfigureAwait(false);
        if (result != MemcachedStoreResult.NotStored)
        {
            return result == MemcachedStoreResult.Stored;
        }

        // memcached refuses an add over a lease placeholder, which is no value to anyone else: replace it, but only
        // that placeholder (CAS), so a value stored meanwhile still wins.
        var current = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true }, cancellationToken).ConfigureAwait(false);
        return current.Status == MemcachedItemStatus.Miss && current.Cas != 0
            && await StoreAsync(MemcachedStoreMode.Set, key, item, expiration, current.Cas, cancellationToken).ConfigureAwait(false) == MemcachedStoreResult.Stored;
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => _client.DeleteAsync(Checked(key), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration,
        CancellationToken cancellationToken = default) =>
        delta >= 0
            ? _client.IncrementAsync(Checked(key), (ulong)delta, initialValue, initialExpiration, cancellationToken)
            : _client.DecrementAsync(Checked(key), delta == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)-delta, initialValue, initialExpiration, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) =>
        _client.TouchAsync(Checked(key), expiration, cancellationToken);

    /// <summary>
    /// Reads the remaining lifetime with the CAS token, and lengthens it by storing the same bytes again gated by that
    /// token: an increment or another extension in between changes the token, and the read is repeated, so a
    /// lifetime only ever grows.
    /// </summary>
    async ValueTask<bool> ICacheLifetimeStore.ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        const int MaxAttempts = 4;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true, IncludeTimeToLive = true }, cancellationToken)
                .ConfigureAwait(false);
            if (current.Status == MemcachedItemStatus.Failed)
            {
                throw new MemcachedException($"Could not read the lifetime of '{key}'.");
            }

            if (!current.IsHit)
            {
                return false;
            }

            // No time to live on a hit means it never expires: nothing is longer.
            if (current.TimeToLive is not { } remaining || (lifetime is { } wanted && remaining >= wanted))
            {
                return true;
            }

            var stored = await _client.StoreRawAsync(MemcachedStoreMode.Set, key, current.RawValue, current.Flags, lifetime, current.Cas, cancellationToken)
                .ConfigureAwait(false);
            switch (stored)
            {
                case MemcachedStoreResult.Stored:
                    return true;
                case MemcachedStoreResult.NotFound:
                    return false;
                case MemcachedStoreResult.Exists:
                    continue;
                default:
                    throw new MemcachedException($"Could not extend the lifetime of '{key}' ({stored}).");
            }
        }

        // Changed under us every time (a tag invalidated over and over): the next write extends it.
        return true;
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default) =>
        await _client.FlushAllAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow,
        CancellationToken cancellationToken = default)
    {
        var item = await _client.GetItemAsync(Checked(key), LeaseOptions(leaseTime, recacheWindow) with { EmptyIsValue = DjangoCompatible }, cancellationToken)
            .ConfigureAwait(false);
        return ToLeaseResult(item, item.IsHit ? ToCacheItem(item.RawValue, item.Flags) : null);
    }

    private static MemcachedGetOptions LeaseOptions(TimeSpan leaseTime, TimeSpan recacheWindow) => new()
    {
        LeaseTime = leaseTime,
        RecacheWindow = recacheWindow > TimeSpan.Zero ? recacheWindow : null,
    };

    private static CacheLeaseResult ToLeaseResult(in MemcachedItem item, CacheItem? value)
    {
        var status = item.Won ? CacheLeaseStatus.Won : item.LeaseTaken ? CacheLeaseStatus.HeldByOther : CacheLeaseStatus.None;
        var lease = new CacheLease(item.Cas, IsStub: !item.IsHit);
        return new CacheLeaseResult(value, status, item.Stale, lease);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease,
        CancellationToken cancellationToken = default) =>
        await StoreAsync(MemcachedStoreMode.Set, key, item, expiration, lease.Token, cancellationToken).ConfigureAwait(false)
            == MemcachedStoreResult.Stored;

    /// <inheritdoc />
    public async ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default)
    {
        if (lease.IsStub)
        {
            // Only our own placeholder: a value someone stored meanwhile has another CAS and stays.
            await _client.DeleteAsync(key, lease.Token, cancellationToken).ConfigureAwait(false);
            return;
        }

        // memcached hands out no second win token until the item is replaced or invalidated again.
        var current = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true, IncludeTimeToLive = true }, cancellationToken)
            .ConfigureAwait(false);
        if (!current.IsHit || current.Cas != lease.Token)
        {
            return;
        }

        if (current.Stale)
        {
            await _client.InvalidateAsync(key, current.TimeToLive ?? TimeSpan.FromSeconds(1), lease.Token, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _client.StoreRawAsync(MemcachedStoreMode.Set, key, current.RawValue, current.Flags, current.TimeToLive, lease.Token, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default) =>
        _client.InvalidateAsync(key, staleTime, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsClient ? _client.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private ValueTask<MemcachedStoreResult> StoreAsync(MemcachedStoreMode mode, string key, CacheItem item, TimeSpan? expiration, ulong cas,
        CancellationToken cancellationToken)
    {
        if ((item.Flags & CacheItemFlags.StoreReserved) != 0)
        {
            throw new ArgumentException($"Flags 0x{item.Flags:X8} use bits the store reserves (CacheItemFlags.StoreReserved).", nameof(item));
        }

        Checked(key);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        uint flags = MemcachedValueCodec.WriteCompressed(item.Value.Span, item.Flags, CompressionThreshold, buffer);
        // The client copies a borrowed buffer before it first yields, so the buffer is free again on return.
        var pending = _client.StoreRawAsync(mode, key, buffer.WrittenMemory, flags, expiration, cas, cancellationToken);
        if (buffer.Capacity > 1024 * 1024)
        {
            t_buffer = null;
        }

        return pending;
    }

    /// <summary>
    /// In Django mode, refuses a key the client would hash (one memcached cannot hold as given, or one holding
    /// <see cref="MemcachedKey.HashMarker"/>): Django would look for the value under the key as given.
    /// </summary>
    private string Checked(string key)
    {
        if (DjangoCompatible && (!MemcachedKey.IsLegal(key) || key.Contains(MemcachedKey.HashMarker, StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"The cache key '{key}' cannot be stored as given (the Memcached store would hash it, and Django would not find it); "
                + $"a store with Compatibility 'Django' refuses it. Keys are 1-{MemcachedKey.MaxLength} printable ASCII characters without '{MemcachedKey.HashMarker}'.",
                nameof(key));
        }

        return key;
    }

    /// <summary>
    /// A hit read into a rented array: its memory (owned by the caller) when stored plain; decompressed into an array of
    /// its own, the rented one returned at once, when stored compressed.
    /// </summary>
    private static CacheItem ToPooledCacheItem(in MemcachedItem item)
    {
        if (item.Rented is not { } rented)
        {
            return ToCacheItem(item.RawValue, item.Flags);
        }

        try
        {
            var value = MemcachedValueCodec.ReadDecompressed(rented.Value, item.Flags, out uint plainFlags);
            if (value.Equals(rented.Value))
            {
                rented = null;
            }

            return new CacheItem(value, plainFlags);
        }
        finally
        {
            // Not handed on (decompressed into its own array, or the decompression failed): back to the pool.
            ((IDisposable?)rented)?.Dispose();
        }
    }

    private static CacheItem ToCacheItem(ReadOnlyMemory<byte> stored, uint flags)
    {
        var value = MemcachedValueCodec.ReadDecompressed(stored, flags, out uint plainFlags);
        return new CacheItem(value, plainFlags);
    }
}

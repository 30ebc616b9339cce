using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>The <see cref="ICache"/> implementation over any <see cref="ICacheStore"/>.</summary>
internal sealed partial class DefaultCache : ICache
{
    private readonly ICacheStore _store;
    private readonly CacheKeyBuilder _keys;
    private readonly StoreValueCodec _codec;
    private readonly StoreErrorReporter _errors;
    private readonly FragmentCacheMetrics _metrics;
    private readonly FragmentCacheOptions _options;
    private readonly ConcurrentDictionary<Type, object> _flights;
    private readonly int _version;
    private readonly CacheRefreshContext _refresh;

    public DefaultCache(
        ICacheStore store,
        CacheKeyBuilder keys,
        CacheValueCodec codec,
        StoreErrorReporter errors,
        FragmentCacheMetrics metrics,
        IOptions<FragmentCacheOptions> options,
        TimeProvider timeProvider,
        ILogger<DefaultCache> logger)
        : this(store, keys, new StoreValueCodec(codec, options.Value.Compatibility, logger, metrics), errors, metrics, options.Value,
            new ConcurrentDictionary<Type, object>(), keys.DefaultVersion, new CacheRefreshContext(timeProvider, logger, new BackgroundRefreshes()))
    {
    }

    private DefaultCache(
        ICacheStore store,
        CacheKeyBuilder keys,
        StoreValueCodec codec,
        StoreErrorReporter errors,
        FragmentCacheMetrics metrics,
        FragmentCacheOptions options,
        ConcurrentDictionary<Type, object> flights,
        int version,
        CacheRefreshContext refresh)
    {
        _store = store;
        _keys = keys;
        _codec = codec;
        _errors = errors;
        _metrics = metrics;
        _options = options;
        _flights = flights;
        _version = version;
        _refresh = refresh;
    }

    /// <summary>The store's name in the messages of <see cref="CacheCompatibility.Django"/> mode; <c>"default"</c> for the main store.</summary>
    internal string StoreName
    {
        get => _codec.StoreName;
        set => _codec.StoreName = value;
    }

    public ICache WithVersion(int version)
        => new DefaultCache(_store, _keys, _codec, _errors, _metrics, _options, _flights, version, _refresh);

    public async ValueTask<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var fullKey = _keys.BuildCallerKey(key, _version);
        CacheItem? item;
        try
        {
            item = await _store.GetAsync(fullKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "get"))
        {
            item = null;
        }

        if (item is { } found && _codec.TryDecode<T>(found, out var value))
        {
            _metrics.Hit(MetricLayers.LowLevel);
            return new CacheResult<T>(true, value);
        }

        _metrics.Miss(MetricLayers.LowLevel);
        return CacheResult<T>.Miss;
    }

    public async ValueTask<T?> GetAsync<T>(string key, T? defaultValue = default, CancellationToken cancellationToken = default)
    {
        var result = await TryGetAsync<T>(key, cancellationToken).ConfigureAwait(false);
        return result.Found ? result.Value : defaultValue;
    }

    public async ValueTask<bool> SetAsync<T>(string key, T value, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var fullKey = _keys.BuildCallerKey(key, _version);
        var expiration = Expiration(timeout);
        try
        {
            return await _store.SetAsync(fullKey, _codec.Encode(value), expiration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "set"))
        {
            return false;
        }
    }

    public async ValueTask<bool> AddAsync<T>(string key, T value, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var fullKey = _keys.BuildCallerKey(key, _version);
        try
        {
            return await _store.AddAsync(fullKey, _codec.Encode(value), Expiration(timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "add"))
        {
            return false;
        }
    }

    public async ValueTask<T> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var cached = await TryGetAsync<T>(key, cancellationToken).ConfigureAwait(false);
        if (cached.Found)
        {
            return cached.Value!;
        }

        // One flight per full key and type: joiners share the value or the exception; a joiner whose leader was
        // cancelled starts again.
        var flights = (SingleFlight<string, T>)_flights.GetOrAdd(typeof(T), static _ => new SingleFlight<string, T>(StringComparer.Ordinal));
        var (value, _) = await flights.RunAsync(
            _keys.BuildCallerKey(key, _version),
            (Cache: this, Key: key, Factory: factory, Timeout: timeout),
            static (state, _, ct) => state.Cache.FillAsync(state.Key, state.Factory, state.Timeout, ct),
            cancellationToken).ConfigureAwait(false);
        return value;
    }

    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _store.DeleteAsync(_keys.BuildCallerKey(key, _version), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "delete"))
        {
            return false;
        }
    }

    public async ValueTask DeleteManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            await DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask<long> IncrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default)
        => AddToNumberAsync(key, delta, cancellationToken);

    public ValueTask<long> DecrementAsync(string key, long delta = 1, CancellationToken cancellationToken = default)
        => AddToNumberAsync(key, delta == long.MinValue ? long.MaxValue : -delta, cancellationToken);

    public async ValueTask<bool> TouchAsync(string key, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _store.TouchAsync(_keys.BuildCallerKey(key, _version), Expiration(timeout), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "touch"))
        {
            return false;
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _store.ClearAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not NotSupportedException && Swallow(ex, "clear"))
        {
        }
    }

    public async ValueTask<int> IncrementVersionAsync(string key, int delta = 1, int? version = null, CancellationToken cancellationToken = default)
    {
        var from = version ?? _version;
        var to = checked(from + delta);
        var oldKey = _keys.BuildCallerKey(key, from);
        var item = await _store.GetAsync(oldKey, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(key);
        await _store.SetAsync(_keys.BuildCallerKey(key, to), item, Expiration(null), cancellationToken).ConfigureAwait(false);
        await _store.DeleteAsync(oldKey, cancellationToken).ConfigureAwait(false);
        return to;
    }

    private async ValueTask<T> FillAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // Another caller (or process) may have filled it since our first look.
        var again = await TryGetAsync<T>(key, cancellationToken).ConfigureAwait(false);
        if (again.Found)
        {
            return again.Value!;
        }

        _metrics.Render(MetricLayers.LowLevel);
        var value = await factory(cancellationToken).ConfigureAwait(false);
        if (await AddAsync(key, value, timeout, cancellationToken).ConfigureAwait(false))
        {
            return value;
        }

        // Lost the add race to another process: return what the cache holds now, as Django does.
        var winner = await TryGetAsync<T>(key, cancellationToken).ConfigureAwait(false);
        return winner.Found ? winner.Value! : value;
    }

    private async ValueTask<long> AddToNumberAsync(string key, long delta, CancellationToken cancellationToken)
    {
        var next = await _store.IncrementAsync(_keys.BuildCallerKey(key, _version), delta, null, null, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound(key);
        return unchecked((long)next);
    }

    private static KeyNotFoundException NotFound(string key)
        => new(string.Create(CultureInfo.InvariantCulture, $"Key '{key}' not found."));

    private TimeSpan? Expiration(TimeSpan? timeout) => CacheTimeouts.ToStoreExpiration(timeout, _options.DefaultTimeout);

    private bool Swallow(Exception exception, string operation)
    {
        // In Django mode a refused key or value type is the caller's error, never a miss.
        if (exception is OperationCanceledException || _options.ThrowOnError
            || (_codec.IsDjango && exception is ArgumentException or NotSupportedException))
        {
            return false;
        }

        _errors.Report(exception, MetricLayers.LowLevel, operation);
        return true;
    }
}

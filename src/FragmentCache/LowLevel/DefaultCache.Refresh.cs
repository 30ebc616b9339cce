using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>What every version view of one <see cref="DefaultCache"/> shares for lease waits and background refreshes.</summary>
internal sealed record CacheRefreshContext(TimeProvider Time, ILogger Logger, BackgroundRefreshes Background);

/// <content>
/// <c>GetOrSetAsync</c> with <see cref="CacheEntryOptions"/>: the store's leases pick one caller in the farm to run the
/// factory; within the stale or early-recache window everyone else gets the stored value at once, and with a
/// background refresh the winner does too.
/// </content>
internal sealed partial class DefaultCache : IDisposable
{
    /// <summary>Cancels the background refreshes still running (the container disposes the cache at shutdown).</summary>
    public void Dispose() => _refresh.Background.Stop();

    public ValueTask<T> GetOrSetAsync<T>(string key, Func<CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        var stampede = _options.Stampede;
        var stale = NotNegative(options.StaleWhileRevalidate ?? stampede.StaleWhileRevalidate);
        var recache = NotNegative(options.EarlyRecacheWindow ?? stampede.EarlyRecacheWindow);
        return _store is ICacheLeaseStore leases && Expiration(options.Timeout) is { } expiration && expiration > TimeSpan.Zero && stale + recache > TimeSpan.Zero
            ? GetOrLeaseAsync(leases, key, factory, expiration + stale, stale + recache, options.BackgroundRefresh, cancellationToken)
            : GetOrSetAsync(key, factory, options.Timeout, cancellationToken);
    }

    /// <summary>A stored value served: stale when the store flags it so (soft-invalidated), else a hit (memcached does not flag a value past its own expiration inside the stale window).</summary>
    private void CountServed(bool stale)
    {
        if (stale)
        {
            _metrics.StaleServe();
        }
        else
        {
            _metrics.Hit(MetricLayers.LowLevel);
        }
    }

    private static TimeSpan NotNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private async ValueTask<T> GetOrLeaseAsync<T>(
        ICacheLeaseStore leases, string key, Func<CancellationToken, ValueTask<T>> factory, TimeSpan storeExpiration, TimeSpan window, bool background, CancellationToken cancellationToken)
    {
        var fullKey = _keys.BuildCallerKey(key, _version);
        var stampede = _options.Stampede;
        var time = _refresh.Time;
        var started = time.GetTimestamp();
        var counted = false;
        while (true)
        {
            CacheLeaseResult result;
            try
            {
                result = await leases.GetOrLeaseAsync(fullKey, stampede.LeaseTime, window, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Swallow(ex, "get-or-lease"))
            {
                // The store is unreachable, or the reply was lost after a lease was granted: build and store plainly,
                // which also replaces such an orphaned lease as soon as the server is back.
                _metrics.Render(MetricLayers.LowLevel);
                var built = await factory(cancellationToken).ConfigureAwait(false);
                await SetAsync(key, built, storeExpiration, cancellationToken).ConfigureAwait(false);
                return built;
            }

            T? current = default;
            var found = result.Item is { } item && _codec.TryDecode(item, out current);
            if (result.Status == CacheLeaseStatus.Won)
            {
                _metrics.LeaseWin();
                if (!found)
                {
                    _metrics.Miss(MetricLayers.LowLevel);
                }
                else if (background)
                {
                    CountServed(result.Stale);
                    var lease = result.Lease;
                    if (!_refresh.Background.TryStart(stopping => RefreshAsync(leases, fullKey, factory, storeExpiration, lease, stopping)))
                    {
                        await ReleaseAsync(leases, fullKey, lease).ConfigureAwait(false);
                    }

                    return current!;
                }

                return await BuildAndStoreAsync(leases, fullKey, factory, storeExpiration, result.Lease, cancellationToken).ConfigureAwait(false);
            }

            if (found)
            {
                CountServed(result.Stale);
                return current!;
            }

            if (result.Item is not null)
            {
                // A value this type cannot read: build and overwrite it.
                _metrics.Miss(MetricLayers.LowLevel);
                _metrics.Render(MetricLayers.LowLevel);
                var built = await factory(cancellationToken).ConfigureAwait(false);
                await SetAsync(key, built, storeExpiration, cancellationToken).ConfigureAwait(false);
                return built;
            }

            // A miss another caller is building: wait for its value, never past the lease time.
            var waited = time.GetElapsedTime(started);
            if (waited >= stampede.LeaseTime)
            {
                _metrics.Render(MetricLayers.LowLevel);
                return await factory(cancellationToken).ConfigureAwait(false);
            }

            if (!counted)
            {
                _metrics.LeaseWait();
                counted = true;
            }

            var pause = stampede.LeaseTime - waited;
            await Task.Delay(pause < stampede.PollInterval ? pause : stampede.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the factory under a won lease and stores its value; releases the lease if there is nothing to store.</summary>
    private async ValueTask<T> BuildAndStoreAsync<T>(ICacheLeaseStore leases, string fullKey, Func<CancellationToken, ValueTask<T>> factory, TimeSpan storeExpiration, CacheLease lease, CancellationToken cancellationToken)
    {
        T value;
        CacheItem encoded;
        try
        {
            _metrics.Render(MetricLayers.LowLevel);
            value = await factory(cancellationToken).ConfigureAwait(false);
            encoded = _codec.Encode(value);
        }
        catch
        {
            await ReleaseAsync(leases, fullKey, lease).ConfigureAwait(false);
            throw;
        }

        try
        {
            // Stored even if the caller has gone: others are waiting for it.
            await leases.SetLeasedAsync(fullKey, encoded, storeExpiration, lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "set"))
        {
            await ReleaseAsync(leases, fullKey, lease).ConfigureAwait(false);
        }

        return value;
    }

    private async Task RefreshAsync<T>(ICacheLeaseStore leases, string fullKey, Func<CancellationToken, ValueTask<T>> factory, TimeSpan storeExpiration, CacheLease lease, CancellationToken stopping)
    {
        try
        {
            await BuildAndStoreAsync(leases, fullKey, factory, storeExpiration, lease, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            _metrics.Error(MetricLayers.LowLevel, "refresh");
            _refresh.Logger.BackgroundRefreshFailed(ex);
        }
    }

    private async ValueTask ReleaseAsync(ICacheLeaseStore leases, string fullKey, CacheLease lease)
    {
        try
        {
            await leases.ReleaseLeaseAsync(fullKey, lease, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _errors.Report(ex, MetricLayers.LowLevel, "release-lease");
        }
    }
}

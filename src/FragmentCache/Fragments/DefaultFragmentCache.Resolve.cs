using System.Runtime.CompilerServices;

namespace FragmentCache;

/// <content>Reading, leasing, rendering and storing one fragment.</content>
internal sealed partial class DefaultFragmentCache
{
    /// <summary>Bounds the mark-stale-and-retry loop when something keeps writing unusable entries under our key.</summary>
    private const int MaxInvalidationsPerLookup = 3;

    /// <summary>Bounds the lease repairs running at once (each holds its entry's bytes until it ends).</summary>
    private const int MaxLeaseRepairs = 256;

    private static readonly TimeSpan LeaseRepairFirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LeaseRepairMaxPause = TimeSpan.FromSeconds(1);

    private int _leaseRepairs;

    internal ValueTask<FragmentResult> ResolveAsync(FragmentRequest request, Flight<FragmentResult> flight, CancellationToken cancellationToken)
    {
        var expiration = CacheTimeouts.ToStoreExpiration(request.Options.Expiration, _options.DefaultTimeout);
        if (CacheTimeouts.IsImmediate(expiration))
        {
            return RenderWithoutStoringAsync(request, cancellationToken);
        }

        return store is ICacheLeaseStore leases
            ? ResolveWithLeasesAsync(leases, request, flight, expiration, cancellationToken)
            : ResolveWithoutLeasesAsync(request, expiration, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FragmentResult> ResolveWithoutLeasesAsync(FragmentRequest request, TimeSpan? expiration, CancellationToken cancellationToken)
    {
        var requestTags = ReadRequestTagsAsync(request, cancellationToken);
        CacheItem? item = null;
        var pooledReads = PooledReads(request);
        PooledContent? pooled = null;
        try
        {
            item = pooledReads is null
                ? await store.GetAsync(request.FullKey, cancellationToken).ConfigureAwait(false)
                : await pooledReads.GetPooledAsync(request.FullKey, ValuePool, cancellationToken).ConfigureAwait(false);
            pooled = pooledReads is not null && item is { } read ? PooledContent.Of(read.Value) : null;
        }
        catch (Exception ex) when (Report(ex, "get"))
        {
        }

        Dictionary<string, ulong>? generations;
        try
        {
            generations = await requestTags.ConfigureAwait(false);
            if (item is { } found && await entries.ValidateAsync(found, request.Key, request.FullKey, generations, request.Kind, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                metrics.Hit(MetricLayers.Fragment);
                KeepLocalCopy(request, entry.Kind, entry.Content, entry.Tags, expiration);
                return Holding(new FragmentResult(FragmentOutcome.Hit, entry.Kind, entry.Content, null), ref pooled);
            }
        }
        finally
        {
            // Not handed to the caller (a miss, an unusable entry, a failure): back to the pool at once.
            pooled?.Release();
        }

        metrics.Miss(MetricLayers.Fragment);
        return await RenderAndStoreAsync(request, null, null, expiration, generations, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FragmentResult> ResolveWithLeasesAsync(ICacheLeaseStore leases, FragmentRequest request, Flight<FragmentResult> flight, TimeSpan? expiration, CancellationToken cancellationToken)
    {
        var stampede = _options.Stampede;
        var stale = NotNegative(request.Options.StaleWhileRevalidate ?? stampede.StaleWhileRevalidate);
        var recache = NotNegative(request.Options.EarlyRecacheWindow ?? stampede.EarlyRecacheWindow);
        var storeExpiration = expiration is { } e ? e + stale : (TimeSpan?)null;
        var window = expiration is null ? TimeSpan.Zero : stale + recache;
        var started = timeProvider.GetTimestamp();
        var counted = false;
        var invalidations = 0;
        var requestTags = ReadRequestTagsAsync(request, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            CacheLeaseResult result;
            Dictionary<string, ulong>? generations;
            var pooledReads = PooledReads(request);
            try
            {
                result = pooledReads is null
                    ? await leases.GetOrLeaseAsync(request.FullKey, stampede.LeaseTime, window, cancellationToken).ConfigureAwait(false)
                    : await pooledReads.GetOrLeasePooledAsync(request.FullKey, stampede.LeaseTime, window, ValuePool, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Report(ex, "get-or-lease"))
            {
                // The reply was lost, but memcached may have granted the lease (a reset or garbage after it ran the
                // command): others would wait for it until the lease time. Storing this render, as a request
                // without leases does, replaces that orphaned lease at once when the server is back; when it is
                // down, the store fails fast and this is a plain render.
                generations = attempt == 0 ? await requestTags.ConfigureAwait(false) : null;
                return await RenderAndStoreAsync(request, null, null, storeExpiration, generations, cancellationToken).ConfigureAwait(false);
            }

            // The pooled bytes of this read, until a result takes them over (released on every other way out).
            var pooled = pooledReads is not null && result.Item is { } read ? PooledContent.Of(read.Value) : null;
            try
            {
                // Generations read with the first lookup are as fresh as it is; after a wait they are not, and are read again.
                generations = attempt == 0 ? await requestTags.ConfigureAwait(false) : null;
                if (result.Status == CacheLeaseStatus.Won)
                {
                    // A miss, a stale copy or an early recache: this request rebuilds (the lease is released if it cannot).
                    metrics.LeaseWin();
                    if (result.Item is null)
                    {
                        metrics.Miss(MetricLayers.Fragment);
                    }
                    else if (await entries.ValidateAsync(result.Item.Value, request.Key, request.FullKey, generations, request.Kind, cancellationToken).ConfigureAwait(false) is { } current)
                    {
                        // Only the request that re-renders may wait: the ones that joined it here get the copy at once
                        // (as every other process does), and with a background refresh this one does too.
                        var copy = Holding(new FragmentResult(IsStale(current, expiration, result.Stale) ? FragmentOutcome.StaleHit : FragmentOutcome.Hit, current.Kind, current.Content, null), ref pooled);
                        flight.TrySetResult(copy);
                        if (request.Options.BackgroundRefresh)
                        {
                            CountCopyServed(request, current, expiration, result.Stale);
                            RefreshInBackground(request, leases, result.Lease, storeExpiration, generations);
                            return copy;
                        }

                        // The joiners hold their own references (taken by the flight): this request renders instead.
                        copy.Dispose();
                    }

                    pooled?.Release();
                    pooled = null;

                    return await RenderAndStoreAsync(request, leases, result.Lease, storeExpiration, generations, cancellationToken).ConfigureAwait(false);
                }

                if (result.Item is { } item)
                {
                    var entry = await entries.ValidateAsync(item, request.Key, request.FullKey, generations, request.Kind, cancellationToken).ConfigureAwait(false);
                    if (entry is not null)
                    {
                        return Holding(new FragmentResult(CountCopyServed(request, entry, expiration, result.Stale), entry.Kind, entry.Content, null), ref pooled);
                    }

                    pooled?.Release();
                    pooled = null;

                    if (result.Status == CacheLeaseStatus.None && ++invalidations <= MaxInvalidationsPerLookup)
                    {
                        // Present but unusable (tag moved on, unreadable, another key): mark it stale so exactly one caller wins.
                        try
                        {
                            await leases.InvalidateAsStaleAsync(request.FullKey, stampede.LeaseTime, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                        catch (Exception ex) when (Report(ex, "invalidate-stale"))
                        {
                            return await RenderWithoutStoringAsync(request, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                // Someone else renders: wait for their value, but never past the lease time.
                var waited = timeProvider.GetElapsedTime(started);
                if (waited >= stampede.LeaseTime)
                {
                    logger.LeaseWaitTimedOut(waited.TotalMilliseconds, request.Key.Name);
                    return await RenderWithoutStoringAsync(request, cancellationToken).ConfigureAwait(false);
                }

                if (!counted)
                {
                    metrics.LeaseWait();
                    counted = true;
                }

                var pause = stampede.LeaseTime - waited;
                await Task.Delay(pause < stampede.PollInterval ? pause : stampede.PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                pooled?.Release();
            }
        }
    }

    /// <summary>The store's pooled reads, when the caller disposes its result (<see cref="FragmentCacheEntryOptions.PooledResult"/>).</summary>
    private ICachePooledReadStore? PooledReads(FragmentRequest request) =>
        request.Options.PooledResult ? store as ICachePooledReadStore : null;

    /// <summary>
    /// <paramref name="result"/> holding the reference of <paramref name="pooled"/> (which is then cleared: the result
    /// owns it), or <paramref name="result"/> as it is when the bytes are not pooled.
    /// </summary>
    private static FragmentResult Holding(FragmentResult result, ref PooledContent? pooled)
    {
        if (pooled is null)
        {
            return result;
        }

        var held = result.WithHold(new PooledContentHold(pooled));
        pooled = null;
        return held;
    }

    /// <summary>A stored copy served: stale (flagged, or past its expiration) or a hit, which two-tier mode keeps a local copy of.</summary>
    private FragmentOutcome CountCopyServed(FragmentRequest request, FragmentEntry entry, TimeSpan? expiration, bool stale)
    {
        if (IsStale(entry, expiration, stale))
        {
            metrics.StaleServe();
            return FragmentOutcome.StaleHit;
        }

        metrics.Hit(MetricLayers.Fragment);
        KeepLocalCopy(request, entry.Kind, entry.Content, entry.Tags, expiration);
        return FragmentOutcome.Hit;
    }

    private bool IsStale(FragmentEntry entry, TimeSpan? expiration, bool flagged) => flagged || IsPastExpiration(entry, expiration);

    /// <summary>Renders without storing (nothing to store into: the entry is not kept, or the store cannot arbitrate).</summary>
    private async ValueTask<FragmentResult> RenderWithoutStoringAsync(FragmentRequest request, CancellationToken cancellationToken)
    {
        metrics.Render(MetricLayers.Fragment);
        var rendered = await request.Render(cancellationToken).ConfigureAwait(false);
        return rendered.ToResult(rendered.Store ? FragmentOutcome.Miss : FragmentOutcome.NotStored, rendered.Bytes());
    }

    private static TimeSpan NotNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;

    private bool IsPastExpiration(FragmentEntry entry, TimeSpan? expiration)
        => expiration is { } e && timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - entry.CreatedUnixMilliseconds > (long)e.TotalMilliseconds;

    /// <summary>
    /// The generations of the request's own tags, read while the entry is read (both requests leave in one write and
    /// their replies usually arrive in one read): a tagged hit, such as every cached page with its path tag, does not
    /// wait for a second round trip. Null when the request has no tags or the read failed.
    /// </summary>
    /// <remarks>Awaited at most once (a lookup that fails before it leaves it alone): its state machine comes from a pool.</remarks>
    private ValueTask<Dictionary<string, ulong>?> ReadRequestTagsAsync(FragmentRequest request, CancellationToken cancellationToken)
    {
        // No tags, or a null or empty one (GetOrCreateAsync rejects it with its own error): nothing to read.
        return request.Options.Tags is { Count: > 0 } names && TagGenerationStore.Distinct(names) is { } distinct
            ? ReadTagsAsync(distinct, cancellationToken)
            : default;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Dictionary<string, ulong>?> ReadTagsAsync(IReadOnlyList<string> distinct, CancellationToken cancellationToken)
    {
        try
        {
            return await entries.Tags.ReadAsync(distinct, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "read-tags"))
        {
            return null;
        }
    }

    private async ValueTask<FragmentResult> RenderAndStoreAsync(
        FragmentRequest request, ICacheLeaseStore? leases, CacheLease? lease, TimeSpan? storeExpiration, Dictionary<string, ulong>? read, CancellationToken cancellationToken)
    {
        TagGeneration[]? generations = null;
        FragmentRender rendered;
        try
        {
            // Generations are read before rendering, so an invalidation during the render makes this entry invalid.
            try
            {
                generations = await entries.Tags.GetOrCreateAsync(request.Options.Tags ?? [], read, storeExpiration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Report(ex, "read-tags"))
            {
            }

            metrics.Render(MetricLayers.Fragment);
            rendered = await request.Render(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await ReleaseAsync(request, leases, lease).ConfigureAwait(false);
            if (ex is not OperationCanceledException)
            {
                metrics.Error(MetricLayers.Fragment, "render");
                logger.FragmentRenderFailed(ex, request.Key.Name);
            }

            throw;
        }

        var content = rendered.Bytes();
        if (!rendered.Store)
        {
            // The render said "don't store": give the lease back at once, so nobody waits for a value that will not come.
            await ReleaseAsync(request, leases, lease).ConfigureAwait(false);
            logger.FragmentNotCacheable(request.Key.Name, rendered.Reason ?? "");
            return rendered.ToResult(FragmentOutcome.NotStored, content);
        }

        var kind = FragmentHolesLayout.KindOf(rendered);
        if (generations is null)
        {
            await ReleaseAsync(request, leases, lease).ConfigureAwait(false);
            KeepOutageCopy(request, kind, content, [], storeExpiration);
            return rendered.ToResult(FragmentOutcome.Miss, content);
        }

        // The value is stored even if the requester has gone: others are waiting for it.
        CacheItem? stored = null;
        try
        {
            stored = entries.Encode(request.Key, kind, generations, content);
            _ = leases is not null && lease is { } won
                ? await leases.SetLeasedAsync(request.FullKey, stored.Value, storeExpiration, won, CancellationToken.None).ConfigureAwait(false)
                : await store.SetAsync(request.FullKey, stored.Value, storeExpiration, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "set"))
        {
            if (leases is not null && lease is { IsStub: true } stub && stored is { } value)
            {
                // The server stalled or went away after granting the lease: keep storing in the background, so
                // others get the value as soon as it is back instead of waiting out the stub.
                RepairLease(request.FullKey, leases, stub, value, storeExpiration);
            }
            else
            {
                await ReleaseAsync(request, leases, lease).ConfigureAwait(false);
            }

            KeepOutageCopy(request, kind, content, generations, storeExpiration);
            return rendered.ToResult(FragmentOutcome.Miss, content);
        }

        KeepLocalCopy(request, kind, content, generations, storeExpiration);
        return rendered.ToResult(FragmentOutcome.Miss, content);
    }

    private async ValueTask ReleaseAsync(FragmentRequest request, ICacheLeaseStore? leases, CacheLease? lease)
    {
        if (leases is null || lease is not { } held)
        {
            return;
        }

        try
        {
            await leases.ReleaseLeaseAsync(request.FullKey, held, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "release-lease"))
        {
            if (held.IsStub)
            {
                RepairLease(request.FullKey, leases, held, null, null);
            }
        }
    }

    /// <summary>
    /// A miss lease this request won but could not settle (the store or the release failed: the server stalled or went
    /// away after granting it) leaves a stub, and every other caller, on every host, waits for it until it expires
    /// (<see cref="FragmentCacheStampedeOptions.LeaseTime"/>). This keeps settling it in the background, with backoff,
    /// until the store answers or the stub has expired: the value is stored (or the stub deleted) with the lease's own
    /// token, so it can never overwrite a value someone else stored meanwhile. At most <see cref="MaxLeaseRepairs"/> run
    /// at once; past that a stub simply expires.
    /// </summary>
    private void RepairLease(string key, ICacheLeaseStore leases, CacheLease stub, CacheItem? value, TimeSpan? expiration)
    {
        if (Interlocked.Increment(ref _leaseRepairs) > MaxLeaseRepairs)
        {
            Interlocked.Decrement(ref _leaseRepairs);
            return;
        }

        _ = RunAsync(_options.Stampede.LeaseTime);

        async Task RunAsync(TimeSpan leaseTime)
        {
            try
            {
                var started = timeProvider.GetTimestamp();
                var pause = LeaseRepairFirstPause;
                while (timeProvider.GetElapsedTime(started) + pause < leaseTime)
                {
                    await Task.Delay(pause, timeProvider).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LeaseRepairMaxPause.Ticks));
                    try
                    {
                        if (value is { } item)
                        {
                            await leases.SetLeasedAsync(key, item, expiration, stub, CancellationToken.None).ConfigureAwait(false);
                        }
                        else
                        {
                            await leases.ReleaseLeaseAsync(key, stub, CancellationToken.None).ConfigureAwait(false);
                        }

                        metrics.LeaseRepaired();
                        return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Still unreachable: try again after a longer pause.
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _leaseRepairs);
            }
        }
    }

    /// <summary>
    /// The store could not take the render, or its tag generations could not be read: when the store reports the
    /// server of the fragment's key or of one of its tag counters down, keep the render in process for the outage copy
    /// lifetime, so the next requests for the key in this process do not render it again while that lasts.
    /// </summary>
    private void KeepOutageCopy(FragmentRequest request, FragmentContentKind kind, ReadOnlyMemory<byte> content, IReadOnlyList<TagGeneration> generations, TimeSpan? expiration)
    {
        if (availability is null)
        {
            return;
        }

        List<string>? down = null;
        if (availability.IsKnownDown(request.FullKey))
        {
            (down = []).Add(request.FullKey);
        }

        if (generations.Count == 0 && request.Options.Tags is { Count: > 0 } tags)
        {
            // The generations could not be read: the counters' servers may be the ones down.
            foreach (var tag in tags)
            {
                if (!string.IsNullOrEmpty(tag) && entries.Tags.CounterKey(tag) is var counter && availability.IsKnownDown(counter))
                {
                    (down ??= []).Add(counter);
                }
            }
        }

        if (down is not null)
        {
            local.SetOutageCopy(request.Key.Canonical, kind, Owned(content), generations, down, expiration);
        }
    }

    /// <summary>Whether the store still reports one of <paramref name="keys"/> on a server that is down.</summary>
    private bool AnyDown(IReadOnlyList<string>? keys)
    {
        if (availability is null || keys is null)
        {
            return false;
        }

        for (var i = 0; i < keys.Count; i++)
        {
            if (availability.IsKnownDown(keys[i]))
            {
                return true;
            }
        }

        return false;
    }

    private void KeepLocalCopy(FragmentRequest request, FragmentContentKind kind, ReadOnlyMemory<byte> content, IReadOnlyList<TagGeneration> generations, TimeSpan? expiration)
    {
        if (local.Enabled)
        {
            local.Set(request.Key.Canonical, kind, Owned(content), generations, expiration);
        }
    }

    /// <summary>
    /// Bytes a copy that outlives the request may keep: <paramref name="content"/> itself, or a plain copy of it when it
    /// lives in a pooled buffer (which goes back to its pool once the request is done with it).
    /// </summary>
    private static ReadOnlyMemory<byte> Owned(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager(content, out System.Buffers.MemoryManager<byte>? _) ? content.ToArray() : content;
}

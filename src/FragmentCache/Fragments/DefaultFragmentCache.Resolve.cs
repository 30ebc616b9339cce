namespace FragmentCache;

/// <content>Reading, leasing, rendering and storing one fragment.</content>
internal sealed partial class DefaultFragmentCache
{
    private async ValueTask<ReadOnlyMemory<byte>> ResolveAsync(FragmentRequest request, CancellationToken cancellationToken)
    {
        var expiration = CacheTimeouts.ToStoreExpiration(request.Options.Expiration, _options.DefaultTimeout);
        if (CacheTimeouts.IsImmediate(expiration))
        {
            metrics.Render(MetricLayers.Fragment);
            return await request.Render(cancellationToken).ConfigureAwait(false);
        }

        if (store is ICacheLeaseStore leases)
        {
            return await ResolveWithLeasesAsync(leases, request, expiration, cancellationToken).ConfigureAwait(false);
        }

        CacheItem? item = null;
        try
        {
            item = await store.GetAsync(request.FullKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "get"))
        {
        }

        if (item is { } found && await ReadValidEntryAsync(found, request, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            metrics.Hit(MetricLayers.Fragment);
            KeepLocalCopy(request, entry.Content, entry.Tags, expiration);
            return entry.Content;
        }

        metrics.Miss(MetricLayers.Fragment);
        return await RenderAndStoreAsync(request, null, null, expiration, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ResolveWithLeasesAsync(ICacheLeaseStore leases, FragmentRequest request, TimeSpan? expiration, CancellationToken cancellationToken)
    {
        var stampede = _options.Stampede;
        var stale = request.Options.StaleWhileRevalidate ?? stampede.StaleWhileRevalidate;
        var recache = request.Options.EarlyRecacheWindow ?? stampede.EarlyRecacheWindow;
        var storeExpiration = expiration is { } e ? e + stale : (TimeSpan?)null;
        var window = expiration is null ? TimeSpan.Zero : stale + recache;
        var started = timeProvider.GetTimestamp();
        var counted = false;
        while (true)
        {
            CacheLeaseResult result;
            try
            {
                result = await leases.GetOrLeaseAsync(request.FullKey, stampede.LeaseTime, window, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Report(ex, "get-or-lease"))
            {
                metrics.Render(MetricLayers.Fragment);
                return await request.Render(cancellationToken).ConfigureAwait(false);
            }

            if (result.Item is { } item)
            {
                var entry = await ReadValidEntryAsync(item, request, cancellationToken).ConfigureAwait(false);
                if (result.Status == CacheLeaseStatus.Won)
                {
                    metrics.LeaseWin();
                    return await RenderAndStoreAsync(request, leases, result.Lease, storeExpiration, cancellationToken).ConfigureAwait(false);
                }

                if (entry is not null)
                {
                    if (result.Stale)
                    {
                        metrics.StaleServe();
                    }
                    else
                    {
                        metrics.Hit(MetricLayers.Fragment);
                        KeepLocalCopy(request, entry.Content, entry.Tags, expiration);
                    }

                    return entry.Content;
                }

                if (result.Status == CacheLeaseStatus.None)
                {
                    // Present but unusable (tag moved on, unreadable, another key): mark it stale so exactly one caller wins.
                    try
                    {
                        await leases.InvalidateAsStaleAsync(request.FullKey, stampede.LeaseTime, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    catch (Exception ex) when (Report(ex, "invalidate-stale"))
                    {
                        metrics.Render(MetricLayers.Fragment);
                        return await request.Render(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            else if (result.Status == CacheLeaseStatus.Won)
            {
                metrics.Miss(MetricLayers.Fragment);
                metrics.LeaseWin();
                return await RenderAndStoreAsync(request, leases, result.Lease, storeExpiration, cancellationToken).ConfigureAwait(false);
            }

            // Someone else renders: wait for their value, but never past the lease time.
            var waited = timeProvider.GetElapsedTime(started);
            if (waited >= stampede.LeaseTime)
            {
                logger.LeaseWaitTimedOut(waited.TotalMilliseconds, request.Key.Name);
                metrics.Render(MetricLayers.Fragment);
                return await request.Render(cancellationToken).ConfigureAwait(false);
            }

            if (!counted)
            {
                metrics.LeaseWait();
                counted = true;
            }

            var pause = stampede.LeaseTime - waited;
            await Task.Delay(pause < stampede.PollInterval ? pause : stampede.PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<FragmentEntry?> ReadValidEntryAsync(CacheItem item, FragmentRequest request, CancellationToken cancellationToken)
    {
        if ((item.Flags & CacheItemFlags.Value) == 0)
        {
            return null;
        }

        if (!FragmentEntryCodec.TryDecode(item.Value, out var entry, out var error))
        {
            metrics.Error(MetricLayers.Fragment, "decode");
            logger.FragmentEntryCorrupt(error ?? "unknown");
            return null;
        }

        if (!string.Equals(entry!.Canonical, request.Key.Canonical, StringComparison.Ordinal) || entry.Kind != request.Kind)
        {
            metrics.Error(MetricLayers.Fragment, "key-mismatch");
            logger.FragmentKeyMismatch(request.FullKey);
            return null;
        }

        try
        {
            return await tags.AreCurrentAsync(entry.Tags, cancellationToken).ConfigureAwait(false) ? entry : null;
        }
        catch (Exception ex) when (Report(ex, "read-tags"))
        {
            return null;
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> RenderAndStoreAsync(FragmentRequest request, ICacheLeaseStore? leases, CacheLease? lease, TimeSpan? storeExpiration, CancellationToken cancellationToken)
    {
        // Generations are read before rendering, so an invalidation during the render makes this entry invalid.
        TagGeneration[]? generations = null;
        try
        {
            generations = await tags.GetOrCreateAsync(request.Options.Tags, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "read-tags"))
        {
        }

        metrics.Render(MetricLayers.Fragment);
        ReadOnlyMemory<byte> content;
        try
        {
            content = await request.Render(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (leases is not null && lease is { } held)
            {
                try
                {
                    await leases.ReleaseLeaseAsync(request.FullKey, held, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception releaseError) when (Report(releaseError, "release-lease"))
                {
                }
            }

            metrics.Error(MetricLayers.Fragment, "render");
            logger.FragmentRenderFailed(ex, request.Key.Name);
            throw;
        }

        if (generations is null)
        {
            return content;
        }

        var entry = new FragmentEntry(request.Key.Canonical, request.Kind, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), generations, content);
        byte[] encoded;
        try
        {
            encoded = FragmentEntryCodec.Encode(entry);
        }
        catch (ArgumentException ex) when (Report(ex, "encode"))
        {
            // Not storable (name and vary values over 64 KB, too many tags): serve the render, uncached.
            if (leases is not null && lease is { } unused)
            {
                try
                {
                    await leases.ReleaseLeaseAsync(request.FullKey, unused, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception releaseError) when (Report(releaseError, "release-lease"))
                {
                }
            }

            return content;
        }

        var item = new CacheItem(encoded, CacheItemFlags.Value | CacheItemFlags.RawBytes);
        try
        {
            _ = leases is not null && lease is { } won
                ? await leases.SetLeasedAsync(request.FullKey, item, storeExpiration, won, cancellationToken).ConfigureAwait(false)
                : await store.SetAsync(request.FullKey, item, storeExpiration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(ex, "set"))
        {
        }

        KeepLocalCopy(request, content, generations, storeExpiration);
        return content;
    }

    private void KeepLocalCopy(FragmentRequest request, ReadOnlyMemory<byte> content, IReadOnlyList<TagGeneration> generations, TimeSpan? expiration)
    {
        if (local.Enabled)
        {
            local.Set(request.FullKey, request.Kind, content, generations, expiration);
        }
    }
}

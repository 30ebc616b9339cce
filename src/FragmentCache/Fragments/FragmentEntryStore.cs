using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace FragmentCache;

/// <summary>
/// The <see cref="IFragmentEntryStore"/> implementation: full keys (<see cref="CacheKeyBuilder"/>), the entry format
/// (<see cref="FragmentEntryCodec"/>), the canonical-key check and tag generations (<see cref="TagGenerationStore"/>).
/// <see cref="DefaultFragmentCache"/> reads and writes its entries through the same members, with leases on top.
/// </summary>
internal sealed class FragmentEntryStore(
    ICacheStore store,
    CacheKeyBuilder keys,
    TagGenerationStore tags,
    LocalFragmentTier? local,
    FragmentCacheMetrics metrics,
    StoreErrorReporter errors,
    TimeProvider timeProvider,
    FragmentCacheOptions options,
    ILogger logger) : IFragmentEntryStore
{
    public ICacheStore Store => store;

    public TagGenerationStore Tags => tags;

    /// <summary>The full store key of <paramref name="key"/>, built as a new string on every call: read it once.</summary>
    public string FullKey(FragmentKey key) => keys.BuildFragment(key, keys.DefaultVersion);

    public async ValueTask<FragmentStoreEntry?> GetAsync(FragmentKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var fullKey = FullKey(key);
        CacheItem? item;
        try
        {
            item = await store.GetAsync(fullKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "get"))
        {
            return null;
        }

        return item is { } found && await ValidateAsync(found, key, fullKey, null, null, cancellationToken).ConfigureAwait(false) is { } entry
            ? new FragmentStoreEntry(entry)
            : null;
    }

    public async ValueTask<bool> SetAsync(FragmentKey key, ReadOnlyMemory<byte> content, IReadOnlyList<string>? tags, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var generations = await Tags.GetOrCreateAsync(tags ?? [], null, timeToLive, cancellationToken).ConfigureAwait(false);
            return await store.SetAsync(FullKey(key), Encode(key, FragmentContentKind.Bytes, generations, content), timeToLive, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Swallow(ex, "set"))
        {
            return false;
        }
    }

    public async ValueTask<bool> EvictByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        // Outage copies first: they do not all know their tags' generations, and the counter may be on a server that is down.
        local?.DropOutageCopies();
        try
        {
            var generation = await Tags.InvalidateAsync(tag, cancellationToken).ConfigureAwait(false);
            FragmentPrefetcher.NoteInvalidation();
            if (local is not null)
            {
                // Then the feed, which other nodes' in-process copies follow (it fails the call when it cannot be written).
                await local.TagInvalidatedAsync(tag, generation, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (Exception ex) when (Swallow(ex, "invalidate-tag"))
        {
            return false;
        }
    }

    /// <summary>A stored entry with its tag generations, as the cache item the store keeps.</summary>
    public CacheItem Encode(FragmentKey key, FragmentContentKind kind, TagGeneration[] generations, ReadOnlyMemory<byte> content)
    {
        var entry = new FragmentEntry(key.Canonical, kind, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), generations, content);
        return new CacheItem(FragmentEntryCodec.Encode(entry), CacheItemFlags.Value | CacheItemFlags.RawBytes);
    }

    /// <summary>
    /// The entry in <paramref name="item"/> if it is a value, readable, of <paramref name="key"/> and its tags are current;
    /// else null (counted and logged). <paramref name="generations"/>, when given, holds tag generations read together
    /// with the item: they can confirm the entry without a second read. <paramref name="kind"/>, when given, is the only
    /// content kind accepted (text and bytes renders under one key never serve each other).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FragmentEntry?> ValidateAsync(CacheItem item, FragmentKey key, string fullKey, Dictionary<string, ulong>? generations, FragmentContentKind? kind, CancellationToken cancellationToken)
    {
        if ((item.Flags & CacheItemFlags.Value) == 0)
        {
            return null;
        }

        if (!FragmentEntryCodec.TryDecode(item.Value, out var entry, out var error, key.Canonical))
        {
            metrics.Error(MetricLayers.Fragment, "decode");
            logger.FragmentEntryCorrupt(error ?? "unknown");
            return null;
        }

        if (!string.Equals(entry!.Canonical, key.Canonical, StringComparison.Ordinal) || (kind is { } expected && entry.Kind != expected))
        {
            metrics.Error(MetricLayers.Fragment, "key-mismatch");
            logger.FragmentKeyMismatch(fullKey);
            return null;
        }

        if (entry.Tags.Count == 0)
        {
            return entry;
        }

        try
        {
            return await Tags.AreCurrentAsync(entry.Tags, generations, cancellationToken).ConfigureAwait(false) ? entry : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Report(ex, MetricLayers.Fragment, "read-tags");
            return null;
        }
    }

    private bool Swallow(Exception exception, string operation)
    {
        if (exception is OperationCanceledException || options.ThrowOnError)
        {
            return false;
        }

        errors.Report(exception, MetricLayers.Fragment, operation);
        return true;
    }
}

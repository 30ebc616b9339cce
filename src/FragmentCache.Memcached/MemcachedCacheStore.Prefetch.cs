namespace FragmentCache.Memcached;

/// <content>Reading ahead without taking a stale value's re-render right.</content>
public sealed partial class MemcachedCacheStore : ICachePrefetchStore
{
    /// <summary>
    /// One pipelined get-many (as <see cref="GetManyAsync"/>) that leaves out values marked stale. memcached hands the
    /// first plain read of a stale value the right to re-render it (<c>W</c>): each such right this read took is given
    /// back before it returns (the value is marked stale again with its CAS, which clears the right and keeps a value
    /// stored meanwhile), so the next <see cref="GetOrLeaseAsync"/> of the key wins it, as it would have without the read.
    /// </summary>
    /// <param name="keys">The keys; duplicates are read once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values found and not stale, by key.</returns>
    public async ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyForPrefetchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        var read = await _client.GetManyItemsAsync(
            keys,
            item => ((Item: item.Stale ? default : ToCacheItem(item.RawValue, item.Flags), item.Stale, item.Won), true),
            cancellationToken).ConfigureAwait(false);
        var found = new Dictionary<string, CacheItem>(read.Count, StringComparer.Ordinal);
        List<string>? won = null;
        foreach (var (key, (item, stale, wonRight)) in read)
        {
            if (!stale)
            {
                found[key] = item;
            }
            else if (wonRight)
            {
                (won ??= []).Add(key);
            }
        }

        if (won is not null)
        {
            await Task.WhenAll(won.Select(GiveBackRightAsync)).ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>Marks a stale value stale again, gated by its CAS: that clears the re-render right a plain read took. Best effort.</summary>
    private async Task GiveBackRightAsync(string key)
    {
        try
        {
            var current = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true, IncludeTimeToLive = true }, CancellationToken.None)
                .ConfigureAwait(false);
            if (current.IsHit && current.Stale)
            {
                await _client.InvalidateAsync(key, current.TimeToLive ?? TimeSpan.FromSeconds(1), current.Cas, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // The stale value then expires with its stale time, as one whose re-render failed does.
        }
    }
}

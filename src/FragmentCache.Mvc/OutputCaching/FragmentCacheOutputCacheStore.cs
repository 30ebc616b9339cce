using System.Buffers;
using System.IO.Pipelines;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.OutputCaching;

namespace FragmentCache.Mvc.OutputCaching;

/// <summary>
/// ASP.NET Core's <see cref="IOutputCacheStore"/> over the FragmentCache store (Memcached when configured), so
/// <c>[OutputCache]</c> keeps working and stores in Memcached. Entries use the fragment entry format (the
/// canonical key inside, checked on read) and tags are the core's generation counters, so
/// <see cref="EvictByTagAsync"/> is one increment, seen by every server. Store failures are misses.
/// </summary>
internal sealed class FragmentCacheOutputCacheStore(
    ICacheStore store,
    CacheKeyBuilder keys,
    TagGenerationStore tags,
    StoreErrorReporter errors,
    TimeProvider timeProvider) : IOutputCacheBufferStore
{
    private const string Layer = "outputcache";
    private const string Name = "outputcache";

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        try
        {
            await tags.InvalidateAsync(tag, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Report(ex, Layer, "evict-tag");
        }
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
        => (await ReadAsync(key, cancellationToken).ConfigureAwait(false)) is { } content ? content.ToArray() : null;

    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
        => WriteAsync(key, value, tags ?? [], validFor, cancellationToken);

    public async ValueTask<bool> TryGetAsync(string key, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (await ReadAsync(key, cancellationToken).ConfigureAwait(false) is not { } content)
        {
            return false;
        }

        await destination.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, ReadOnlyMemory<string> tags, TimeSpan validFor, CancellationToken cancellationToken)
        => WriteAsync(key, value.ToArray(), tags.ToArray(), validFor, cancellationToken);

    // ASP.NET Core builds output cache keys in clear: method, host, path and every vary-by value (a Cookie or
    // Authorization header's too, if a policy varies by it). An entry carries its canonical key for the read-back
    // check, so the canonical holds a digest of ASP.NET's key (VaryValues.Secret), never the key itself.
    private static FragmentKey KeyFor(string key) => FragmentKey.Create(Name, [VaryValues.Secret(key)]);

    private async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var fragmentKey = KeyFor(key);
        try
        {
            var item = await store.GetAsync(keys.BuildFragment(fragmentKey, keys.DefaultVersion), cancellationToken).ConfigureAwait(false);
            if (item is not { } found || (found.Flags & CacheItemFlags.Value) == 0
                || !FragmentEntryCodec.TryDecode(found.Value, out var entry, out _, fragmentKey.Canonical)
                || !string.Equals(entry!.Canonical, fragmentKey.Canonical, StringComparison.Ordinal)
                || entry.Kind != FragmentContentKind.Bytes
                || !await tags.AreCurrentAsync(entry.Tags, null, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return entry.Content;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Report(ex, Layer, "get");
            return null;
        }
    }

    private async ValueTask WriteAsync(string key, byte[] value, string[] tagNames, TimeSpan validFor, CancellationToken cancellationToken)
    {
        var fragmentKey = KeyFor(key);
        try
        {
            var generations = await tags.GetOrCreateAsync(tagNames, null, validFor, cancellationToken).ConfigureAwait(false);
            var entry = new FragmentEntry(fragmentKey.Canonical, FragmentContentKind.Bytes, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), generations, value);
            var item = new CacheItem(FragmentEntryCodec.Encode(entry), CacheItemFlags.Value | CacheItemFlags.RawBytes);
            await store.SetAsync(keys.BuildFragment(fragmentKey, keys.DefaultVersion), item, validFor, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.Report(ex, Layer, "set");
        }
    }
}

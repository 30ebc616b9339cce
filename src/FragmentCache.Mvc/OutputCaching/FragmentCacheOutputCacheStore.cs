using System.Buffers;
using System.IO.Pipelines;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.OutputCaching;

namespace FragmentCache.Mvc.OutputCaching;

/// <summary>
/// ASP.NET Core's <see cref="IOutputCacheStore"/> over the core's <see cref="IFragmentEntryStore"/> (Memcached when
/// configured), so <c>[OutputCache]</c> keeps working and stores in Memcached. Entries carry their canonical key,
/// checked on read, and tags are the core's generation counters, so <see cref="EvictByTagAsync"/> is one increment
/// (plus its entry in the invalidation feed that two-tier copies follow), seen by every server. Store failures are misses.
/// </summary>
internal sealed class FragmentCacheOutputCacheStore(IFragmentEntryStore entries) : IOutputCacheBufferStore
{
    private const string Name = "outputcache";

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
        => await entries.EvictByTagAsync(tag, cancellationToken).ConfigureAwait(false);

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
        => await entries.GetAsync(KeyFor(key), cancellationToken).ConfigureAwait(false) is { } entry ? entry.Content.ToArray() : null;

    public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
        => await entries.SetAsync(KeyFor(key), value, tags, validFor, cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> TryGetAsync(string key, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (await entries.GetAsync(KeyFor(key), cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return false;
        }

        await destination.WriteAsync(entry.Content, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, ReadOnlyMemory<string> tags, TimeSpan validFor, CancellationToken cancellationToken)
        => await entries.SetAsync(KeyFor(key), value.ToArray(), tags.ToArray(), validFor, cancellationToken).ConfigureAwait(false);

    // ASP.NET Core builds output cache keys in clear: method, host, path and every vary-by value (a Cookie or
    // Authorization header's too, if a policy varies by it). An entry carries its canonical key for the read-back
    // check, so the canonical holds a digest of ASP.NET's key (VaryValues.Secret), never the key itself.
    private static FragmentKey KeyFor(string key) => FragmentKey.Create(Name, [VaryValues.Secret(key)]);
}

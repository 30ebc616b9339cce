using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// The <see cref="IFragmentCache"/> implementation: in-process single-flight per key, then the
/// store's leases (when it has them) so that one request in the whole farm renders.
/// </summary>
internal sealed partial class DefaultFragmentCache(
    ICacheStore store,
    CacheKeyBuilder keys,
    TagGenerationStore tags,
    LocalFragmentTier local,
    FragmentCacheMetrics metrics,
    StoreErrorReporter errors,
    TimeProvider timeProvider,
    IOptions<FragmentCacheOptions> options,
    ILogger<DefaultFragmentCache> logger) : IFragmentCache
{
    private static readonly FragmentCacheEntryOptions DefaultEntryOptions = new();

    private readonly FragmentCacheOptions _options = options.Value;
    // One flight per full key and kind: a text entry and a bytes entry under one key are separate renders.
    private readonly ConcurrentDictionary<(string FullKey, FragmentContentKind Kind), Task<ReadOnlyMemory<byte>>> _flights = new();

    public async ValueTask<string> GetOrRenderAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        var slot = Slot(name, varyValues);
        if (LocalCopy(slot, FragmentContentKind.Utf8Text) is { } copy)
        {
            return copy.Text;
        }

        var content = await GetOrRenderUtf8Async(slot, options, render, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(content.Span);
    }

    public ValueTask<ReadOnlyMemory<byte>> GetOrRenderBytesAsync(string name, IReadOnlyList<object?>? varyValues, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        var slot = Slot(name, varyValues);
        return LocalCopy(slot, FragmentContentKind.Bytes) is { } copy
            ? new ValueTask<ReadOnlyMemory<byte>>(copy.Content)
            : GetOrRenderBytesAsync(slot, options, render, cancellationToken);
    }

    /// <summary>
    /// Where a fragment lives: its key, and the way to its full store key. Built once per request without hashing; every
    /// caller looks at the in-process copy first (<see cref="LocalCopy"/>), and only on a local miss hands the slot to
    /// <see cref="GetOrRenderUtf8Async"/> or the slot overload of <c>GetOrRenderBytesAsync</c>, which go straight to the
    /// single-flight and the store.
    /// </summary>
    internal FragmentSlot Slot(string name, IReadOnlyList<object?>? varyValues)
    {
        return new FragmentSlot(FragmentKey.Create(name, varyValues), keys);
    }

    /// <summary>
    /// In two-tier mode, the fragment's current in-process copy (counted as a local hit), so a caller can use the form
    /// the copy keeps decoded (<see cref="LocalFragmentCopy.Text"/>, <see cref="LocalFragmentCopy.GetDecoded{T}"/>);
    /// null when two-tier is off or there is no current copy of that kind.
    /// </summary>
    internal LocalFragmentCopy? LocalCopy(FragmentSlot slot, FragmentContentKind kind)
    {
        if (!local.Enabled || local.TryGetCurrent(slot.Key.Canonical, kind) is not { } copy)
        {
            return null;
        }

        metrics.Hit(MetricLayers.Local);
        return copy;
    }

    /// <summary>
    /// <see cref="GetOrRenderAsync"/> after a local miss, without the final decode: the same entries (UTF-8 text), handed
    /// out as the stored UTF-8 bytes, so a caller that writes them out (the tag helper) never allocates the UTF-16 string.
    /// </summary>
    internal ValueTask<ReadOnlyMemory<byte>> GetOrRenderUtf8Async(FragmentSlot slot, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        return GetOrRenderCoreAsync(slot, options, FragmentContentKind.Utf8Text, null, render, cancellationToken);
    }

    /// <summary><see cref="GetOrRenderBytesAsync(string, IReadOnlyList{object?}?, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{ReadOnlyMemory{byte}}}, CancellationToken)"/> for a slot already computed, after a local miss.</summary>
    internal ValueTask<ReadOnlyMemory<byte>> GetOrRenderBytesAsync(FragmentSlot slot, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(render);
        return GetOrRenderCoreAsync(slot, options, FragmentContentKind.Bytes, render, null, cancellationToken);
    }

    public async ValueTask<bool> InvalidateAsync(string name, IReadOnlyList<object?>? varyValues, bool soft = false, CancellationToken cancellationToken = default)
    {
        var slot = Slot(name, varyValues);
        var fullKey = slot.FullKey;
        local.Remove(slot.Key.Canonical);
        try
        {
            var existed = soft && store is ICacheLeaseStore leases
                ? await leases.InvalidateAsStaleAsync(fullKey, _options.Stampede.SoftInvalidationTime, cancellationToken).ConfigureAwait(false)
                : await store.DeleteAsync(fullKey, cancellationToken).ConfigureAwait(false);
            if (local.Enabled)
            {
                await local.BumpExplicitCounterAsync(cancellationToken).ConfigureAwait(false);
            }

            return existed;
        }
        catch (Exception ex) when (ShouldSwallow(ex, "invalidate"))
        {
            return false;
        }
    }

    public async ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        try
        {
            var generation = await tags.InvalidateAsync(tag, cancellationToken).ConfigureAwait(false);
            local.TagInvalidated(tag, generation);
        }
        catch (Exception ex) when (ShouldSwallow(ex, "invalidate-tag"))
        {
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> GetOrRenderCoreAsync(
        FragmentSlot slot,
        FragmentCacheEntryOptions? options,
        FragmentContentKind kind,
        Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>>? renderBytes,
        Func<CancellationToken, ValueTask<string>>? renderText,
        CancellationToken cancellationToken)
    {
        var fullKey = slot.FullKey;
        var request = new FragmentRequest(slot.Key, fullKey, kind, options ?? DefaultEntryOptions, renderBytes, renderText);
        var flightKey = (fullKey, kind);
        while (true)
        {
            if (_flights.TryGetValue(flightKey, out var running))
            {
                try
                {
                    return await running.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The leading request was cancelled (its client went away), not this one: try again.
                    continue;
                }
            }

            var completion = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_flights.TryAdd(flightKey, completion.Task))
            {
                continue;
            }

            // Joiners wait on the flight's task; a re-render of a stale or early-recache copy answers them with that
            // copy before it starts, so only this request waits for it.
            try
            {
                var content = await ResolveAsync(request, completion, cancellationToken).ConfigureAwait(false);
                completion.TrySetResult(content);
                return content;
            }
            catch (Exception ex)
            {
                if (completion.TrySetException(ex))
                {
                    _ = completion.Task.Exception; // observed: joiners may be gone
                }

                throw;
            }
            finally
            {
                _flights.TryRemove(new KeyValuePair<(string, FragmentContentKind), Task<ReadOnlyMemory<byte>>>(flightKey, completion.Task));
            }
        }
    }

    private bool ShouldSwallow(Exception exception, string operation)
    {
        if (exception is OperationCanceledException || _options.ThrowOnError)
        {
            return false;
        }

        errors.Report(exception, MetricLayers.Fragment, operation);
        return true;
    }

    private bool Report(Exception exception, string operation)
    {
        if (exception is OperationCanceledException)
        {
            return false;
        }

        errors.Report(exception, MetricLayers.Fragment, operation);
        return true;
    }
}

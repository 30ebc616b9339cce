using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache;

/// <summary>
/// The <see cref="IFragmentCache"/> implementation: the two-tier copy, then in-process single-flight per key, then the
/// store's leases (when it has them) so that one request in the whole farm renders. Entries are read and written
/// through <see cref="FragmentEntryStore"/>.
/// </summary>
internal sealed partial class DefaultFragmentCache : IFragmentCache
{
    private static readonly FragmentCacheEntryOptions DefaultEntryOptions = new();

    private readonly ICacheStore store;
    private readonly ICacheStoreAvailability? availability;
    private readonly FragmentEntryStore entries;
    private readonly LocalFragmentTier local;
    private readonly FragmentCacheMetrics metrics;
    private readonly StoreErrorReporter errors;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<DefaultFragmentCache> logger;
    private readonly FragmentCacheOptions _options;

    // One flight per full key and accepted kind (a text and a bytes render under one key are separate renders):
    // joiners share the leader's result (or its stale copy, or its exception).
    // A result holding pooled bytes gives each joiner a reference of its own.
    private readonly SingleFlight<(string FullKey, FragmentContentKind? Kind), FragmentResult> _flights = new(sharing: FragmentResultSharing.Instance);

    public DefaultFragmentCache(
        ICacheStore store,
        CacheKeyBuilder keys,
        TagGenerationStore tags,
        LocalFragmentTier local,
        FragmentCacheMetrics metrics,
        StoreErrorReporter errors,
        TimeProvider timeProvider,
        IOptions<FragmentCacheOptions> options,
        ILogger<DefaultFragmentCache> logger)
    {
        this.store = store;
        this.local = local;
        availability = local.OutageEnabled ? store as ICacheStoreAvailability : null;
        this.metrics = metrics;
        this.errors = errors;
        this.timeProvider = timeProvider;
        this.logger = logger;
        _options = options.Value;
        entries = new FragmentEntryStore(store, keys, tags, local, metrics, errors, timeProvider, _options, logger);
        Prefetcher = new FragmentPrefetcher(store, tags, errors);
    }

    /// <summary>The entry store this cache reads and writes through.</summary>
    internal FragmentEntryStore Entries => entries;

    /// <summary>
    /// Where a lookup with <see cref="FragmentCacheEntryOptions.PooledResult"/> rents the buffer a store reads its hit
    /// into (<see cref="ICachePooledReadStore"/>). The default is <see cref="ArrayPool{T}.Shared"/>; tests set a pool
    /// that checks every rent and return.
    /// </summary>
    internal ArrayPool<byte> ValuePool { get; set; } = ArrayPool<byte>.Shared;

    public ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(render);
        return GetOrRenderCoreAsync(key, options, null, render, null, null, cancellationToken);
    }

    /// <summary>The primitive with a state argument for the render (kept with the lookup past the local copy).</summary>
    internal ValueTask<FragmentResult> GetOrRenderAsync<TState>(FragmentKey key, FragmentCacheEntryOptions? options, TState state, Func<TState, CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return GetOrRenderCoreAsync(key, options, null, render, state, StatefulRender<TState>.Invoke, cancellationToken);
    }

    /// <summary>The primitive for a text render, without a <see cref="FragmentRender"/> adapter on a hit (the name + vary extension methods).</summary>
    internal ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<string>> render, CancellationToken cancellationToken)
        => GetOrRenderCoreAsync(key, options, FragmentContentKind.Utf8Text, render, null, null, cancellationToken);

    /// <summary>The primitive for a bytes render, without a <see cref="FragmentRender"/> adapter on a hit (the name + vary extension methods).</summary>
    internal ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> render, CancellationToken cancellationToken)
        => GetOrRenderCoreAsync(key, options, FragmentContentKind.Bytes, render, null, null, cancellationToken);

    public async ValueTask<bool> InvalidateAsync(FragmentKey key, bool soft = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var fullKey = entries.FullKey(key);
        local.Remove(key.Canonical);
        try
        {
            var existed = soft && store is ICacheLeaseStore leases
                ? await leases.InvalidateAsStaleAsync(fullKey, _options.Stampede.SoftInvalidationTime, cancellationToken).ConfigureAwait(false)
                : await store.DeleteAsync(fullKey, cancellationToken).ConfigureAwait(false);
            FragmentPrefetcher.NoteInvalidation();
            // Then the feed: other nodes drop their copies of this key (and only of this key) at their next poll.
            await local.KeyInvalidatedAsync(key.Canonical, cancellationToken).ConfigureAwait(false);
            return existed;
        }
        catch (Exception ex) when (ShouldSwallow(ex, "invalidate"))
        {
            return false;
        }
    }

    public async ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
        => await entries.EvictByTagAsync(tag, cancellationToken).ConfigureAwait(false);

    private ValueTask<FragmentResult> GetOrRenderCoreAsync(
        FragmentKey key,
        FragmentCacheEntryOptions? options,
        FragmentContentKind? kind,
        Delegate render,
        object? state,
        StatefulRender? invoke,
        CancellationToken cancellationToken)
        => FragmentActivities.Source.HasListeners()
            ? TraceLookupAsync(key, options, kind, render, state, invoke, cancellationToken)
            : LookupCoreAsync(key, options, kind, render, state, invoke, cancellationToken);

    private ValueTask<FragmentResult> LookupCoreAsync(
        FragmentKey key,
        FragmentCacheEntryOptions? options,
        FragmentContentKind? kind,
        Delegate render,
        object? state,
        StatefulRender? invoke,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var label = options?.MetricName ?? key.Name;

        if (local.Enabled && local.TryGetCurrent(key.Canonical, kind) is { } copy)
        {
            metrics.Hit(MetricLayers.Local);
            metrics.Lookup(label, FragmentOutcome.LocalHit, started);
            return new ValueTask<FragmentResult>(new FragmentResult(copy));
        }

        if (availability is not null && local.TryGetOutageCopy(key.Canonical, kind) is { } held)
        {
            if (AnyDown(held.DownKeys))
            {
                metrics.Hit(MetricLayers.Local);
                metrics.Lookup(label, FragmentOutcome.LocalHit, started);
                return new ValueTask<FragmentResult>(new FragmentResult(held));
            }

            // The servers are back: the store answers again.
            local.RemoveOutageCopy(key.Canonical);
        }

        var request = invoke is null
            ? new FragmentRequest(key, entries.FullKey(key), options ?? DefaultEntryOptions, kind, render)
            : new StatefulFragmentRequest(key, entries.FullKey(key), options ?? DefaultEntryOptions, render, state, invoke);
        if (FragmentPrefetcher.Current is { } scope && scope.IsOpenFor(Prefetcher))
        {
            scope.Record(request.FullKey, request.Options.Tags);
            if (scope.Fetch is { } fetch)
            {
                return LookupPrefetchedAsync(request, scope, fetch, started, cancellationToken);
            }
        }

        return LookupAsync(request, started, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FragmentResult> LookupAsync(FragmentRequest request, long started, CancellationToken cancellationToken)
    {
        // Joiners wait on the flight; a re-render of a stale or early-recache copy answers them with that copy before it
        // starts, so only the request that re-renders waits for it.
        var (result, joined) = await _flights.RunAsync(
            (request.FullKey, request.Kind),
            (Cache: this, Request: request),
            static (state, flight, ct) => state.Cache.ResolveAsync(state.Request, flight, ct),
            cancellationToken).ConfigureAwait(false);
        if (joined)
        {
            if (result.Outcome == FragmentOutcome.NotStored)
            {
                // The render this request joined was not to be stored (it may be its own caller's alone): render our own.
                metrics.Render(MetricLayers.Fragment);
                result.Dispose();
                var own = await request.Render(cancellationToken).ConfigureAwait(false);
                result = own.ToResult(FragmentOutcome.NotStored, own.Bytes());
            }
            else
            {
                // Another request's render (or the copy it served) answers this one: a hit for this caller.
                result = result.With(result.Outcome == FragmentOutcome.Miss ? FragmentOutcome.Hit : result.Outcome);
            }
        }

        metrics.Lookup(request.Label, result.Outcome, started);
        return result;
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

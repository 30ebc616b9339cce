using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// Caches whole responses through <see cref="IFragmentCache"/> (so concurrent identical misses run the action once, across
/// servers where the store has leases). Shared by <see cref="CachePageFilter"/>, <see cref="CachePageMiddleware"/> and the
/// per-site cache. It only orchestrates: the rules are <see cref="PageCachePolicy"/>, the key <see cref="PageKey"/>, the
/// learned <c>Vary</c> lists <see cref="LearnedVaryStore"/>, the way out <see cref="PageReplay"/>.
/// </summary>
internal sealed class PageCacheHandler(
    IFragmentCache fragments,
    ICache cache,
    CacheStatus status,
    TimeProvider timeProvider,
    IOptions<PageCacheOptions> options,
    ILogger<PageCacheHandler> logger)
{
    /// <summary>The fragment name under which pages are stored.</summary>
    public const string FragmentName = "page";

    /// <summary>Bounds the paths whose entry options are reused (an options object and its tags each).</summary>
    private const int MaxReusedEntryOptions = 4096;

    private readonly ConcurrentDictionary<string, (PagePolicy Policy, FragmentCacheEntryOptions Options)> _entryOptions = new(StringComparer.Ordinal);
    private int _entryOptionsCount;
    private int _cultureAfterKeyLogged;

    public PageCacheOptions Options { get; } = options.Value;

    public CacheStatus Status => status;

    public TimeProvider Time => timeProvider;

    public LearnedVaryStore LearnedVary { get; } = new(cache, options.Value, logger);

    /// <summary>The tag every page of <paramref name="path"/> carries, for invalidation by path.</summary>
    public string PathTag(string path) => CachePageTags.ForPath(path, Options.CaseSensitivePaths);

    /// <summary>
    /// Serves the request from the store, or runs <paramref name="next"/> (of <paramref name="state"/> and the request)
    /// under a capture and stores what it wrote when its verdict and the storage rules allow. A request the rules bypass
    /// runs <paramref name="next"/> as it is. Callers pass a static delegate, so a hit allocates no closure; awaited once
    /// by its caller, its state machine comes from a pool.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask HandleAsync(HttpContext context, PagePolicy policy, object? state, Func<object?, HttpContext, Task<PageVerdict>> next)
    {
        if (PageCachePolicy.RequestBypass(context.Request, policy.ServesSignedIn) is { } reason)
        {
            PageCacheLog.Bypass(logger, reason);
            await next(state, context).ConfigureAwait(false);
            return;
        }

        using var activity = PageActivities.Start(context);

        // What the key does not carry must not reach the page (hits and misses alike, so both see one request).
        UnkeyedInput.Strip(context, policy);
        var culture = policy.Vary.Culture ? PageCulture.Of(context) : null;
        IReadOnlyList<string> varyHeaders = policy.Vary.HeadersOrNull ?? (IReadOnlyList<string>)[];
        if (policy.PerSite)
        {
            varyHeaders = VaryValues.Merge(varyHeaders, await LearnedVary.GetAsync(context).ConfigureAwait(false));
        }

        var key = PageKey.Create(FragmentName, context, policy, varyHeaders, culture, Options);
        var miss = new PageMiss(this, context, policy, state, next, varyHeaders, culture);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            FragmentResult result;
            try
            {
                PageActivities.LookingUp(activity);
                result = await GetOrRenderAsync(context, policy, key, miss).ConfigureAwait(false);
                PageActivities.Answered(activity, result.Outcome);
            }
            catch (Exception ex) when (miss.Captured is null && !context.RequestAborted.IsCancellationRequested)
            {
                // The request we joined failed or was aborted by its client: run our own.
                PageActivities.Failed(activity, ex);
                await next(state, context).ConfigureAwait(false);
                return;
            }

            try
            {
                if (miss.Captured is { } captured)
                {
                    // Rendered here (a miss, or not stored: this render's or the joined one's verdict): stored or not, this
                    // request writes what it captured once the pipeline has finished.
                    await captured.Run.ConfigureAwait(false);
                    var verdict = miss.Verdict;
                    if (miss.NotStored is { } notStored)
                    {
                        PageCacheLog.NotStored(logger, verdict.NotStored ?? notStored);
                    }

                    if (!verdict.ActionFailed)
                    {
                        await PageReplay.WriteCapturedAsync(context, captured, status).ConfigureAwait(false);
                    }

                    return;
                }

                // Served from the store (or a render this request joined): the entry decoded once, a two-tier copy's decode
                // shared by its later hits (PageReplay never hands out its arrays). The freshness is the page's own rule; a page
                // whose holes name a component this build no longer has is rendered again.
                var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                if (result.GetDecoded(PageEntry.TryDecode) is { } hit && (hit.FreshUntilUnixMs == 0 || hit.FreshUntilUnixMs > now) && HolesExist(context, hit))
                {
                    await PageReplay.ReplayAsync(context, hit, now, status).ConfigureAwait(false);
                    return;
                }

                // Unreadable, or past the freshness the per-site cache gave it: drop it and look again.
                try
                {
                    await fragments.InvalidateAsync(key, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Only with ThrowOnError: serve this request fresh and uncached.
                    PageCacheLog.StoreFailed(logger, ex);
                    break;
                }
            }
            finally
            {
                // A hit read into a pooled buffer gives it back once its body is written (or not used).
                result.Dispose();
            }
        }

        await next(state, context).ConfigureAwait(false);
    }

    /// <summary>Whether every hole of <paramref name="entry"/> names a component this build of the app has.</summary>
    private static bool HolesExist(HttpContext context, PageEntry entry)
    {
        if (entry.Holes.Length == 0)
        {
            return true;
        }

        var holes = context.RequestServices.GetRequiredService<HoleRenderer>();
        foreach (var placed in entry.Holes)
        {
            if (!holes.Exists(placed.Hole))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Logs, once per handler, that a request's culture was resolved after its page key was built.</summary>
    internal void CultureAfterKey()
    {
        if (Interlocked.Exchange(ref _cultureAfterKeyLogged, 1) == 0)
        {
            PageCacheLog.CultureAfterKey(logger);
        }
    }

    /// <summary>
    /// The one call into <see cref="IFragmentCache"/>, through its public primitive (a decorator sees every lookup): the
    /// page stored under <paramref name="key"/>, or <paramref name="miss"/> rendered and, when the rules allow, stored.
    /// A render that must not be stored returns <see cref="FragmentRender.NotStored(ReadOnlyMemory{byte}, string)"/>
    /// (outcome <see cref="FragmentOutcome.NotStored"/>; whoever joined it renders for itself). The render is one static
    /// delegate with <paramref name="miss"/> as its state: a hit allocates no closure.
    /// </summary>
    private ValueTask<FragmentResult> GetOrRenderAsync(HttpContext context, PagePolicy policy, FragmentKey key, PageMiss miss)
        => fragments.GetOrRenderAsync(
            key,
            EntryOptions(context, policy),
            miss,
            static (state, _) => state.RenderAsync(),
            context.RequestAborted);

    /// <summary>
    /// The entry options of the request's page: reused per path while the same policy instance serves it (each caller
    /// resolves its policy once: per filter, per endpoint, per site), so a hit builds neither options nor its path tag;
    /// for at most <see cref="MaxReusedEntryOptions"/> paths, past that built per request.
    /// </summary>
    private FragmentCacheEntryOptions EntryOptions(HttpContext context, PagePolicy policy)
    {
        var path = context.Request.Path.Value ?? "/";
        var metricName = PageMetricName.For(context);
        var found = _entryOptions.TryGetValue(path, out var known);
        if (found && ReferenceEquals(known.Policy, policy) && string.Equals(known.Options.MetricName, metricName, StringComparison.Ordinal))
        {
            return known.Options;
        }

        var built = new FragmentCacheEntryOptions
        {
            Expiration = policy.Duration,
            Tags = [.. policy.Tags, PathTag(path)],
            MetricName = metricName,
            // HandleAsync disposes every result once the body is written: a hit's bytes may stay in a pooled buffer.
            PooledResult = true,
        };
        if (found)
        {
            _entryOptions[path] = (policy, built);
        }
        else if (Volatile.Read(ref _entryOptionsCount) < MaxReusedEntryOptions && _entryOptions.TryAdd(path, (policy, built)))
        {
            Interlocked.Increment(ref _entryOptionsCount);
        }

        return built;
    }
}

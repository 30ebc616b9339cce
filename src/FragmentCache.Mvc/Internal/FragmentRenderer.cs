using System.Runtime.CompilerServices;
using System.Text;
using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Everything between "attributes read" and "HTML out", for <c>&lt;memcache-fragment&gt;</c> and
/// <c>&lt;MemcacheFragment&gt;</c> alike: the profile, the expiry (one rule), the tags, the vary values and the view
/// digest, the store, the checks that keep a render out of the store (too large, or holding a visitor's antiforgery
/// token outside its holes), the holes of a cached copy rendered for this request, the retry of a caller whose joined
/// render was cancelled, and the status header.
/// </summary>
internal sealed class FragmentRenderer(
    IFragmentCache cache,
    IOptions<FragmentCacheMvcOptions> options,
    TimeProvider time,
    IServiceProvider services,
    ViewDigestProvider digests,
    CacheStatus status,
    FragmentWarnings warnings)
{
    // Resolved when a cached copy first has holes to fill: an app without MVC never needs it.
    private HoleRenderer Holes => field ??= services.GetRequiredService<HoleRenderer>();

    /// <summary>
    /// The fragment's HTML with its holes: the cached copy with every hole rendered fresh for this request, or
    /// <paramref name="render"/>'s output (its markup and hole table stored when it may be, its holes as rendered).
    /// <see langword="null"/> when <see cref="FragmentDirective.Enabled"/> is off: the shell renders its content as usual.
    /// </summary>
    /// <param name="directive">What the author wrote.</param>
    /// <param name="http">The request; <see langword="null"/> for a component outside one (request parts are then skipped).</param>
    /// <param name="routeValues">The route values the fragment varies by; <see langword="null"/> means the request's.</param>
    /// <param name="render">Renders the content into a <see cref="HoleRecordingWriter"/>; may be called again when a joined render could not be shared.</param>
    /// <param name="viewContext">The view the holes of a cached copy render in; <see langword="null"/>: one made for the request.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FragmentOutput?> RenderAsync(
        FragmentDirective directive, HttpContext? http, RouteValueDictionary? routeValues, Func<Task<HoledMarkup>> render, ViewContext? viewContext)
    {
        if (await LookupAsync(directive, http, routeValues, render, hole => Holes.Exists(hole)).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var (result, rendered, placed) = found;
        if (placed.Length > 0 && viewContext is null && http is null)
        {
            // Nowhere to render holes (a component outside a request): render our own, and leave the copy alone.
            rendered = await render().ConfigureAwait(false);
            result = default;
            placed = [];
        }

        if (placed.Length > 0)
        {
            // A cached copy: every hole rendered for this request before anything is written (a hole may set cookies or
            // headers). A hole that throws fails the request, as an uncached render would.
            viewContext ??= Holes.CreateViewContext(http!);
            var contents = new IHtmlContent[placed.Length];
            for (var i = 0; i < placed.Length; i++)
            {
                contents[i] = await Holes.RenderAsync(placed[i].Hole, viewContext).ConfigureAwait(false);
            }

            return new FragmentOutput(null, default, new HoledHtmlContent(result.Utf8, placed, contents));
        }

        if (!result.IsFromCache && rendered is { Holes.Length: > 0 } holed)
        {
            // This render's holes, as rendered (never twice in one request), between the markup's segments.
            var markup = result.HasText && ReferenceEquals(result.Text, holed.Markup) ? result.Utf8 : Encoding.UTF8.GetBytes(holed.Markup);
            return new FragmentOutput(null, default, new HoledHtmlContent(markup, holed.Holes, holed.Contents));
        }

        // A string the result holds (this render's, a two-tier copy's decoded once) is written as is; otherwise the
        // stored UTF-8, which the page's writer transcodes in chunks: a hit never builds the fragment as a UTF-16 string.
        return result.IsFromCache
            ? result.HasText ? new FragmentOutput(result.Text, default) : new FragmentOutput(null, result.Utf8)
            : new FragmentOutput(result.HasText ? result.Text : rendered?.Markup ?? result.Text, default);
    }

    /// <summary>
    /// <see cref="RenderAsync(FragmentDirective, HttpContext, RouteValueDictionary, Func{Task{HoledMarkup}}, ViewContext)"/> for a
    /// front end that fills holes itself (<c>&lt;MemcacheFragment&gt;</c>'s <c>&lt;FragmentHole&gt;</c>, in the live render
    /// tree): the markup and the holes to fill in it, at UTF-8 byte offsets; this render's holes on a miss, the stored ones on
    /// a hit. <see langword="null"/> when <see cref="FragmentDirective.Enabled"/> is off.
    /// </summary>
    /// <param name="directive">What the author wrote.</param>
    /// <param name="http">The request; <see langword="null"/> for a component outside one (request parts are then skipped).</param>
    /// <param name="routeValues">The route values the fragment varies by; <see langword="null"/> means the request's.</param>
    /// <param name="render">Renders the content; may be called again when a joined render could not be shared.</param>
    /// <param name="exists">Whether this build of the app can fill a stored hole.</param>
    public async ValueTask<HoledFragmentOutput?> RenderWithHolesAsync(
        FragmentDirective directive, HttpContext? http, RouteValueDictionary? routeValues, Func<Task<HoledMarkup>> render, Func<Hole, bool> exists)
    {
        if (await LookupAsync(directive, http, routeValues, render, exists).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var (result, rendered, placed) = found;
        if (!result.IsFromCache)
        {
            rendered ??= await render().ConfigureAwait(false);
            return new HoledFragmentOutput(new FragmentOutput(rendered.Markup, default), rendered.Holes);
        }

        // With holes the markup is cut at byte offsets: the stored UTF-8, never a string encoded again per hit.
        return new HoledFragmentOutput(placed.Length == 0 && result.HasText ? new FragmentOutput(result.Text, default) : new FragmentOutput(null, result.Utf8), placed);
    }

    /// <summary>
    /// The one lookup both front ends share: the cached copy (with its holes decoded, each one this build can fill) or this
    /// request's render. A cached copy whose holes cannot be filled (a table that does not decode, a component a deploy
    /// removed) is dropped and looked up once more, which renders it; should the store hand such a copy back again, this
    /// request renders uncached.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FragmentLookup?> LookupAsync(
        FragmentDirective directive, HttpContext? http, RouteValueDictionary? routeValues, Func<Task<HoledMarkup>> render, Func<Hole, bool> exists)
    {
        FragmentExpiry.Validate(directive.Component, directive.Name, directive.ExpiresAfter, directive.ExpiresSliding);
        if (!directive.Enabled)
        {
            return null;
        }

        var settings = options.Value;
        var profile = Profile(directive, settings);
        var fragments = FragmentStores.Select(cache, string.IsNullOrEmpty(directive.Store) ? profile?.Store : directive.Store, services, directive.Component, directive.Name);
        var entryOptions = new FragmentCacheEntryOptions
        {
            Expiration = FragmentExpiry.Compute(directive.ExpiresAfter, directive.ExpiresOn, directive.ExpiresSliding, profile, time),
            Tags = Tags(directive.Tags, profile),
            StaleWhileRevalidate = directive.StaleWhileRevalidate,
            EarlyRecacheWindow = directive.EarlyRecache,
        };
        var vary = VaryValues.Build(directive.VaryOn, directive.VaryBy, directive.Vary, profile?.Vary, http, routeValues, Digest(directive, settings));
        var aborted = http?.RequestAborted ?? default;
        var key = FragmentKey.Create(directive.Name, vary);

        HoledMarkup? rendered = null;
        FragmentResult result;
        PlacedHole[] placed = [];
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                result = await GetOrRenderAsync(fragments, key, entryOptions, async _ =>
                {
                    var tokens = AntiforgeryDetector.Mark(http);
                    var own = await render().ConfigureAwait(false);
                    rendered = own;
                    return Decide(directive, http, settings, tokens, own);
                }, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (rendered is null && !aborted.IsCancellationRequested)
            {
                // We joined a render whose own client went away: render for ourselves.
                rendered = await render().ConfigureAwait(false);
                result = default;
            }

            if (!result.IsFromCache || result.Holes.IsEmpty)
            {
                break;
            }

            if (Unfillable(result, exists, out placed) is not { } problem)
            {
                break;
            }

            warnings.HolesUnusable(directive.Name, problem);
            await fragments.InvalidateAsync(key, cancellationToken: aborted).ConfigureAwait(false);
            placed = [];
            if (attempt > 0)
            {
                rendered = await render().ConfigureAwait(false);
                result = default;
                break;
            }
        }

        if (http is not null)
        {
            status.Report(http, result.IsFromCache ? CacheStatus.Hit : CacheStatus.Miss);
        }

        return new FragmentLookup(result, rendered, placed);
    }

    /// <summary>
    /// Whether a render may be stored: not with a visitor's antiforgery token outside its holes (a hole's token is its own),
    /// not over <see cref="FragmentCacheMvcOptions.MaxFragmentSize"/> (counting the markup). The holes' table goes beside it.
    /// </summary>
    private FragmentRender Decide(FragmentDirective directive, HttpContext? http, FragmentCacheMvcOptions settings, int tokens, HoledMarkup rendered)
    {
        var markup = rendered.Markup;
        if (AntiforgeryDetector.IssuedDuring(http, tokens, markup))
        {
            warnings.AntiforgeryNotStored(directive.Name);
            return FragmentRender.NotStored(markup, "fragment issued an antiforgery token");
        }

        // Too large: ours is served uncached; a caller that joined this render renders its own.
        if (Encoding.UTF8.GetByteCount(markup) > settings.MaxFragmentSize)
        {
            return FragmentRender.NotStored(markup, "fragment over MaxFragmentSize");
        }

        return rendered.Holes.Length == 0 ? FragmentRender.Stored(markup) : FragmentRender.Stored(markup, HoleTable.Encode(rendered.Holes));
    }

    /// <summary>Why a cached copy's holes cannot be filled by this build, or <see langword="null"/> with the holes decoded.</summary>
    private static string? Unfillable(FragmentResult result, Func<Hole, bool> exists, out PlacedHole[] placed)
    {
        if (!HoleTable.TryDecode(result.Holes.Span, result.Utf8.Length, out placed))
        {
            return "the hole table does not decode";
        }

        foreach (var (_, hole) in placed)
        {
            if (!exists(hole))
            {
                return hole.Label + " names a component that does not exist";
            }
        }

        return null;
    }

    /// <summary>The one call into the fragment cache: its public primitive, so a decorator of <see cref="IFragmentCache"/> sees every lookup.</summary>
    private static ValueTask<FragmentResult> GetOrRenderAsync(
        IFragmentCache fragments, FragmentKey key, FragmentCacheEntryOptions entryOptions, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken)
        => fragments.GetOrRenderAsync(key, entryOptions, render, cancellationToken);

    private static CacheProfile? Profile(FragmentDirective directive, FragmentCacheMvcOptions settings)
    {
        if (string.IsNullOrEmpty(directive.Profile))
        {
            return null;
        }

        return settings.Profiles.TryGetValue(directive.Profile, out var profile)
            ? profile
            : throw new InvalidOperationException(
                $"{FragmentExpiry.Owner(directive.Component, directive.Name)}: no cache profile named '{directive.Profile}' in FragmentCache:Mvc:Profiles.");
    }

    /// <summary>
    /// The digest of the fragment's source, when on: the tag helper's view (and what it renders), on unless
    /// <see cref="FragmentCacheMvcOptions.ViewDigest"/> is off; the component's declaring component, only when asked for.
    /// </summary>
    private string? Digest(FragmentDirective directive, FragmentCacheMvcOptions settings)
    {
        if (directive.Component)
        {
            return directive.ViewDigest == true ? digests.GetComponentDigest(directive.ComponentContent) : null;
        }

        return (directive.ViewDigest ?? settings.ViewDigest) ? digests.GetDigest(directive.ViewPath) : null;
    }

    private static IReadOnlyList<string> Tags(string? tags, CacheProfile? profile)
    {
        if (string.IsNullOrWhiteSpace(tags) && profile?.Tags is not { Count: > 0 })
        {
            // No tags (most fragments): nothing to split or merge on every hit.
            return [];
        }

        var own = VaryValues.ParseList(tags);
        return own.Length == 0 && profile?.Tags is List<string> list
            ? VaryValues.Names(null, list)
            : VaryValues.Merge(own, profile?.Tags);
    }
}

/// <summary>
/// A fragment's HTML: with holes, the markup and this request's holes (<see cref="Holed"/>); else a string (a miss, a
/// two-tier copy, another cache), else the stored UTF-8.
/// </summary>
internal readonly record struct FragmentOutput(string? Text, ReadOnlyMemory<byte> Utf8, HoledHtmlContent? Holed = null)
{
    /// <summary>The HTML as a string (without holes: a front end with holes writes <see cref="Holed"/>), decoding the UTF-8 when that is what the store handed out.</summary>
    public string ToText() => Text ?? Encoding.UTF8.GetString(Utf8.Span);
}

/// <summary>What a fragment lookup found: the result, this request's render (if it rendered) and the cached copy's holes (empty unless a cached copy has holes).</summary>
internal readonly record struct FragmentLookup(FragmentResult Result, HoledMarkup? Rendered, PlacedHole[] Holes);

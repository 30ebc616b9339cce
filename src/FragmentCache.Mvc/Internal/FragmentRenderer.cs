using System.Text;
using FragmentCache.Mvc.Holes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Everything between "attributes read" and "HTML out", for <c>&lt;memcache-fragment&gt;</c> and
/// <c>&lt;MemcacheFragment&gt;</c> alike: the profile, the expiry (one rule), the tags, the vary values and the view
/// digest, the store, the checks that keep a render out of the store (too large, or holding a visitor's antiforgery
/// token), the retry of a caller whose joined render was cancelled, and the status header.
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
    /// <summary>
    /// The fragment's HTML: the cached copy, or <paramref name="render"/>'s output (stored when it may be).
    /// <see langword="null"/> when <see cref="FragmentDirective.Enabled"/> is off: the shell renders its content as usual.
    /// </summary>
    /// <param name="directive">What the author wrote.</param>
    /// <param name="http">The request; <see langword="null"/> for a component outside one (request parts are then skipped).</param>
    /// <param name="routeValues">The route values the fragment varies by; <see langword="null"/> means the request's.</param>
    /// <param name="render">Renders the content to HTML; may be called again when a joined render could not be shared.</param>
    public async ValueTask<FragmentOutput?> RenderAsync(FragmentDirective directive, HttpContext? http, RouteValueDictionary? routeValues, Func<Task<string>> render)
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

        string? rendered = null;
        FragmentResult result;
        try
        {
            result = await GetOrRenderAsync(fragments, FragmentKey.Create(directive.Name, vary), entryOptions, async _ =>
            {
                var tokens = AntiforgeryDetector.Mark(http);
                rendered = await render().ConfigureAwait(false);
                if (AntiforgeryDetector.IssuedDuring(http, tokens, rendered))
                {
                    warnings.AntiforgeryNotStored(directive.Name);
                    return FragmentRender.NotStored(rendered, "fragment issued an antiforgery token");
                }

                // Too large: ours is served uncached; a caller that joined this render renders its own.
                return Encoding.UTF8.GetByteCount(rendered) > settings.MaxFragmentSize
                    ? FragmentRender.NotStored(rendered, "fragment over MaxFragmentSize")
                    : FragmentRender.Stored(rendered);
            }, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (rendered is null && !aborted.IsCancellationRequested)
        {
            // We joined a render whose own client went away: render for ourselves.
            rendered = await render().ConfigureAwait(false);
            result = default;
        }

        if (http is not null)
        {
            status.Report(http, result.IsFromCache ? CacheStatus.Hit : CacheStatus.Miss);
        }

        // A string the result holds (this render's, a two-tier copy's decoded once) is written as is; otherwise the
        // stored UTF-8, which the page's writer transcodes in chunks: a hit never builds the fragment as a UTF-16 string.
        return result.IsFromCache
            ? result.HasText ? new FragmentOutput(result.Text, default) : new FragmentOutput(null, result.Utf8)
            : new FragmentOutput(result.HasText ? result.Text : rendered ?? result.Text, default);
    }

    /// <summary>
    /// <see cref="RenderAsync"/> for content with holes (<c>&lt;MemcacheFragment&gt;</c>'s <c>&lt;FragmentHole&gt;</c>):
    /// <paramref name="render"/> gives the markup with the holes cut out and the holes at their byte offsets, and the hole
    /// table is stored beside the markup. A hit hands back the stored markup and its holes; a hit whose table does not
    /// decode, or names a hole <paramref name="exists"/> rejects (a component gone since it was stored), is invalidated
    /// and rendered as a miss. <see langword="null"/> when <see cref="FragmentDirective.Enabled"/> is off.
    /// </summary>
    /// <param name="directive">What the author wrote.</param>
    /// <param name="http">The request; <see langword="null"/> for a component outside one (request parts are then skipped).</param>
    /// <param name="routeValues">The route values the fragment varies by; <see langword="null"/> means the request's.</param>
    /// <param name="render">Renders the content; may be called again when a joined render could not be shared.</param>
    /// <param name="exists">Whether this build of the app can fill a stored hole.</param>
    public async ValueTask<HoledFragmentOutput?> RenderWithHolesAsync(
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
        var key = FragmentKey.Create(directive.Name, vary);
        var aborted = http?.RequestAborted ?? default;

        // Through the cache twice at most: a second unfillable entry (stored meanwhile by another build) is not chased;
        // the third pass renders this request's own copy.
        for (var attempt = 0; ; attempt++)
        {
            HoledMarkup? rendered = null;
            FragmentResult result;
            try
            {
                result = attempt == 2 ? default : await GetOrRenderAsync(fragments, key, entryOptions, async _ =>
                {
                    var tokens = AntiforgeryDetector.Mark(http);
                    var own = await render().ConfigureAwait(false);
                    rendered = own;

                    // The markup holds no hole's HTML, and holes render outside this capture: a form in a hole is no reason not to store.
                    if (AntiforgeryDetector.IssuedDuring(http, tokens, own.Markup))
                    {
                        warnings.AntiforgeryNotStored(directive.Name);
                        return FragmentRender.NotStored(own.Markup, "fragment issued an antiforgery token");
                    }

                    return Encoding.UTF8.GetByteCount(own.Markup) > settings.MaxFragmentSize
                        ? FragmentRender.NotStored(own.Markup, "fragment over MaxFragmentSize")
                        : own.Holes.Length == 0 ? FragmentRender.Stored(own.Markup) : FragmentRender.Stored(own.Markup, HoleTable.Encode(own.Holes));
                }, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (rendered is null && !aborted.IsCancellationRequested)
            {
                // We joined a render whose own client went away: render for ourselves.
                result = default;
            }

            if (!result.IsFromCache)
            {
                rendered ??= await render().ConfigureAwait(false);
                if (http is not null)
                {
                    status.Report(http, CacheStatus.Miss);
                }

                return new HoledFragmentOutput(new FragmentOutput(rendered.Markup, default), rendered.Holes);
            }

            if (HoleTable.TryDecode(result.Holes.Span, result.Utf8.Length, out var holes) && AllExist(holes, exists))
            {
                if (http is not null)
                {
                    status.Report(http, CacheStatus.Hit);
                }

                // With holes the markup is cut at byte offsets: the stored UTF-8, never a string encoded again per hit.
                return new HoledFragmentOutput(holes.Length == 0 && result.HasText ? new FragmentOutput(result.Text, default) : new FragmentOutput(null, result.Utf8), holes);
            }

            // A table this build cannot fill (malformed, or naming a component that is gone): drop the entry, render afresh.
            await fragments.InvalidateAsync(key, cancellationToken: aborted).ConfigureAwait(false);
        }
    }

    private static bool AllExist(PlacedHole[] holes, Func<Hole, bool> exists)
    {
        foreach (var placed in holes)
        {
            if (!exists(placed.Hole))
            {
                return false;
            }
        }

        return true;
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
        var own = VaryValues.ParseList(tags);
        return own.Length == 0 && profile?.Tags is List<string> list
            ? VaryValues.Names(null, list)
            : VaryValues.Merge(own, profile?.Tags);
    }
}

/// <summary>A fragment's HTML: a string (a miss, a two-tier copy, another cache), else the stored UTF-8.</summary>
internal readonly record struct FragmentOutput(string? Text, ReadOnlyMemory<byte> Utf8)
{
    /// <summary>The HTML as a string, decoding the UTF-8 when that is what the store handed out.</summary>
    public string ToText() => Text ?? Encoding.UTF8.GetString(Utf8.Span);
}

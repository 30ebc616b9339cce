using System.Text.Encodings.Web;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc;

/// <summary>
/// <c>&lt;memcache-fragment name="..."&gt;</c>: caches its content in the FragmentCache store (Memcached when
/// configured), a drop-in upgrade of <c>&lt;cache&gt;</c> / <c>&lt;distributed-cache&gt;</c> and a port of Django's
/// <c>{% cache %}</c>. The wrapper element is never emitted; a hit replays the first render's HTML byte for byte.
/// </summary>
/// <remarks>
/// A render that throws caches nothing; a fragment over <see cref="FragmentCacheMvcOptions.MaxFragmentSize"/> is
/// served and not cached, and so is one whose render issued an antiforgery token (a form); a store failure renders the
/// fragment uncached. An attribute that no tag helper binds (a typo) is an error in Development and a warning elsewhere.
/// <see cref="TemplateFragmentKeys"/> builds a fragment's key from code, to invalidate it. The attributes go to the renderer
/// <see cref="MemcacheFragment"/> also uses (the <c>vary-by-*</c> ones read into a <see cref="VaryRules"/>, merged with the
/// profile's), so the same name, vary values and settings address the same entry from either front end.
/// </remarks>
[HtmlTargetElement("memcache-fragment")]
public sealed class MemcacheFragmentTagHelper(HtmlEncoder htmlEncoder) : TagHelper
{
    /// <inheritdoc/>
    /// <remarks>-1000, so the fragment wraps every other tag helper on the element, as <c>&lt;cache&gt;</c> does.</remarks>
    public override int Order => -1000;

    /// <summary>The fragment's name (required): with the vary values it forms the key, identical on every server.</summary>
    [HtmlAttributeName("name")]
    public string? Name { get; set; }

    /// <summary>An arbitrary string the fragment varies by. The default is none.</summary>
    [HtmlAttributeName("vary-by")]
    public string? VaryBy { get; set; }

    /// <summary>Django-style positional vary values (<c>vary-on="@(new object[] { Model.Id })"</c>), formatted culture-invariantly. The default is none.</summary>
    [HtmlAttributeName("vary-on")]
    public object?[]? VaryOn { get; set; }

    /// <summary>Comma-separated request headers the fragment varies by. The default is none.</summary>
    [HtmlAttributeName("vary-by-header")]
    public string? VaryByHeader { get; set; }

    /// <summary>Comma-separated query keys (case-insensitive) the fragment varies by. The default is none.</summary>
    [HtmlAttributeName("vary-by-query")]
    public string? VaryByQuery { get; set; }

    /// <summary>Comma-separated route values the fragment varies by. The default is none.</summary>
    [HtmlAttributeName("vary-by-route")]
    public string? VaryByRoute { get; set; }

    /// <summary>Comma-separated cookies the fragment varies by. The default is none.</summary>
    [HtmlAttributeName("vary-by-cookie")]
    public string? VaryByCookie { get; set; }

    /// <summary>Whether the fragment varies by the signed-in user's stable id (NameIdentifier, then <c>sub</c>, then name). The default is <see langword="false"/>.</summary>
    [HtmlAttributeName("vary-by-user")]
    public bool VaryByUser { get; set; }

    /// <summary>Whether the fragment varies by the current culture and UI culture. The default is <see langword="false"/>.</summary>
    [HtmlAttributeName("vary-by-culture")]
    public bool VaryByCulture { get; set; }

    /// <summary>
    /// Time to live. The default <see langword="null"/> means the profile's, else <see cref="FragmentCacheOptions.DefaultTimeout"/> (5 minutes).
    /// Zero renders it every time; <see cref="Timeout.InfiniteTimeSpan"/> never expires; any other negative value is an error.
    /// </summary>
    [HtmlAttributeName("expires-after")]
    public TimeSpan? ExpiresAfter { get; set; }

    /// <summary>An absolute expiry; in the past, the fragment is rendered every time; with <see cref="ExpiresAfter"/>, the earlier wins. The default is none.</summary>
    [HtmlAttributeName("expires-on")]
    public DateTimeOffset? ExpiresOn { get; set; }

    /// <summary>
    /// Accepted for compatibility with <c>&lt;cache&gt;</c>; Memcached has no sliding expiry, so it is used as a
    /// time to live counted from the render. A negative value (other than <see cref="Timeout.InfiniteTimeSpan"/>) is an error.
    /// The default is none.
    /// </summary>
    [HtmlAttributeName("expires-sliding")]
    public TimeSpan? ExpiresSliding { get; set; }

    /// <summary>When <see langword="false"/>, the content is rendered and the cache is not touched. The default is <see langword="true"/>.</summary>
    [HtmlAttributeName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated tags; invalidating one (<see cref="IFragmentCache.InvalidateTagAsync"/>) invalidates the fragment everywhere. The default is none.</summary>
    [HtmlAttributeName("tags")]
    public string? Tags { get; set; }

    /// <summary>A named profile from <see cref="FragmentCacheMvcOptions.Profiles"/>; attributes set here win. The default is none.</summary>
    [HtmlAttributeName("profile")]
    public string? Profile { get; set; }

    /// <summary>
    /// The named store the fragment is kept in (<c>FragmentCache:Stores:{name}</c>, Django's <c>using="..."</c>); an
    /// unknown name fails the render, naming it. The default <see langword="null"/> means the profile's, else the main store.
    /// </summary>
    [HtmlAttributeName("store")]
    public string? Store { get; set; }

    /// <summary>How long past expiry the old copy may be served while one request re-renders. The default <see langword="null"/> means the core's setting.</summary>
    [HtmlAttributeName("stale-while-revalidate")]
    public TimeSpan? StaleWhileRevalidate { get; set; }

    /// <summary>How long before expiry one request starts re-rendering. The default <see langword="null"/> means the core's setting.</summary>
    [HtmlAttributeName("early-recache")]
    public TimeSpan? EarlyRecache { get; set; }

    /// <summary>Whether the key carries a digest of the view's compiled source. The default <see langword="null"/> means <see cref="FragmentCacheMvcOptions.ViewDigest"/> (on).</summary>
    [HtmlAttributeName("view-digest")]
    public bool? ViewDigest { get; set; }

    /// <summary>The view being rendered (set by Razor).</summary>
    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = default!;

    /// <inheritdoc/>
    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new InvalidOperationException("<memcache-fragment> needs a name attribute: name=\"...\" (it forms the cache key on every server).");
        }

        var http = ViewContext.HttpContext;
        FragmentAttributes.Check(Name, output.Attributes, http.RequestServices);
        output.TagName = null;
        var html = await http.RequestServices.GetRequiredService<FragmentRenderer>().RenderAsync(
            new FragmentDirective
            {
                Name = Name,
                VaryOn = VaryOn,
                VaryBy = VaryBy,
                Vary = FragmentDirective.VaryFromAttributes(VaryByHeader, VaryByQuery, VaryByRoute, VaryByCookie, VaryByUser, VaryByCulture),
                Tags = Tags,
                ExpiresAfter = ExpiresAfter,
                ExpiresOn = ExpiresOn,
                ExpiresSliding = ExpiresSliding,
                Enabled = Enabled,
                Profile = Profile,
                Store = Store,
                StaleWhileRevalidate = StaleWhileRevalidate,
                EarlyRecache = EarlyRecache,
                ViewDigest = ViewDigest,
                ViewPath = ViewContext.ExecutingFilePath ?? ViewContext.View?.Path,
            },
            http,
            ViewContext.RouteData.Values,
            () => RenderAsync(output),
            ViewContext).ConfigureAwait(false);
        if (html is { } h)
        {
            output.Content.SetHtmlContent(h.Holed ?? (h.Text is { } text ? new HtmlString(text) : (IHtmlContent)new Utf8HtmlContent(h.Utf8)));
        }
    }

    /// <summary>Renders the content: its markup, and the holes (<c>&lt;fragment-hole&gt;</c>) written into it, kept apart.</summary>
    private async Task<HoledMarkup> RenderAsync(TagHelperOutput output)
    {
        var content = await output.GetChildContentAsync().ConfigureAwait(false);
        using var writer = new HoleRecordingWriter();
        content.WriteTo(writer, htmlEncoder);
        return writer.ToMarkup();
    }
}

using System.Text;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FragmentCache.Mvc;

/// <summary>
/// <c>&lt;MemcacheFragment Name="..."&gt;</c>: the Razor component twin of <c>&lt;memcache-fragment&gt;</c> for static
/// server rendering and components inside MVC views. On a miss its child content is rendered to HTML once and cached;
/// on a hit the cached HTML is emitted as markup and the child content does not run. The cached HTML is static:
/// interactive components inside it are not made interactive on a hit. A render that issued an antiforgery token (a form)
/// is served and not stored. It shares the tag helper's rules (profile, expiry, vary, tags, stores, status header)
/// through one renderer, so the same name, vary values and settings address the same entry from either. Its key carries
/// a digest of its source only with <see cref="ViewDigest"/>; without it <see cref="TemplateFragmentKeys.For"/> with no
/// view path addresses it. A <see cref="FragmentHole"/> in the child content is a hole: the entry keeps the markup around it
/// and the hole's component and parameters beside it (never in it), and the component renders fresh for every request in
/// the live render tree, on a miss and on a hit alike. An entry naming a component this build lacks is rendered again.
/// </summary>
public sealed class MemcacheFragment : ComponentBase
{
    // The markup between the holes (one more than the holes) and the component filling each hole, for this request.
    private string[]? _segments;
    private PlacedHole[] _holes = [];
    private Type[] _types = [];

    /// <summary>The fragment's name (required).</summary>
    [Parameter]
    [EditorRequired]
    public string Name { get; set; } = "";

    /// <summary>The content to cache.</summary>
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    /// <summary>An arbitrary string the fragment varies by. The default is none.</summary>
    [Parameter]
    public string? VaryBy { get; set; }

    /// <summary>Django-style positional vary values, formatted culture-invariantly. The default is none.</summary>
    [Parameter]
    public object?[]? VaryOn { get; set; }

    /// <summary>Comma-separated request headers (needs an <see cref="HttpContext"/>). The default is none.</summary>
    [Parameter]
    public string? VaryByHeader { get; set; }

    /// <summary>Comma-separated query keys (needs an <see cref="HttpContext"/>). The default is none.</summary>
    [Parameter]
    public string? VaryByQuery { get; set; }

    /// <summary>Comma-separated route values (needs an <see cref="HttpContext"/>). The default is none.</summary>
    [Parameter]
    public string? VaryByRoute { get; set; }

    /// <summary>Comma-separated cookies (needs an <see cref="HttpContext"/>). The default is none.</summary>
    [Parameter]
    public string? VaryByCookie { get; set; }

    /// <summary>Whether the fragment varies by the signed-in user's stable id. The default is <see langword="false"/>.</summary>
    [Parameter]
    public bool VaryByUser { get; set; }

    /// <summary>Whether the fragment varies by the current culture and UI culture. The default is <see langword="false"/>.</summary>
    [Parameter]
    public bool VaryByCulture { get; set; }

    /// <summary>
    /// Time to live. The default <see langword="null"/> means the profile's, else the core's default (5 minutes). Zero renders
    /// it every time; <see cref="Timeout.InfiniteTimeSpan"/> never expires; any other negative value is an error.
    /// </summary>
    [Parameter]
    public TimeSpan? ExpiresAfter { get; set; }

    /// <summary>An absolute expiry; with <see cref="ExpiresAfter"/>, the earlier wins. The default is none.</summary>
    [Parameter]
    public DateTimeOffset? ExpiresOn { get; set; }

    /// <summary>Used as a time to live (Memcached has no sliding expiry); negative is an error, as for <see cref="ExpiresAfter"/>. The default is none.</summary>
    [Parameter]
    public TimeSpan? ExpiresSliding { get; set; }

    /// <summary>When <see langword="false"/>, the content renders and the cache is not touched. The default is <see langword="true"/>.</summary>
    [Parameter]
    public bool Enabled { get; set; } = true;

    /// <summary>Comma-separated tags. The default is none.</summary>
    [Parameter]
    public string? Tags { get; set; }

    /// <summary>A named profile from <see cref="FragmentCacheMvcOptions.Profiles"/>. The default is none.</summary>
    [Parameter]
    public string? Profile { get; set; }

    /// <summary>The named store the fragment is kept in (<c>FragmentCache:Stores:{name}</c>); an unknown name fails the render, naming it. The default <see langword="null"/> means the profile's, else the main store.</summary>
    [Parameter]
    public string? Store { get; set; }

    /// <summary>Stale-while-revalidate window. The default <see langword="null"/> means the core's setting.</summary>
    [Parameter]
    public TimeSpan? StaleWhileRevalidate { get; set; }

    /// <summary>Early recache window. The default <see langword="null"/> means the core's setting.</summary>
    [Parameter]
    public TimeSpan? EarlyRecache { get; set; }

    /// <summary>
    /// Whether the key carries a digest of the compiled component that declares the child content (the <c>.razor</c> file
    /// holding this fragment), so a deployed change to that file gets new keys; the components it renders are not followed.
    /// Off by default, unlike the tag helper's view digest: a component has no view path for
    /// <see cref="TemplateFragmentKeys.For"/> to address it by (invalidate a digested one by tag). The default is <see langword="false"/>.
    /// </summary>
    [Parameter]
    public bool ViewDigest { get; set; }

    /// <summary>The current request during static server rendering; <see langword="null"/> elsewhere.</summary>
    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    [Inject]
    private FragmentRenderer Renderer { get; set; } = default!;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <inheritdoc/>
    protected override async Task OnParametersSetAsync()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new InvalidOperationException("<MemcacheFragment> needs a Name parameter (it forms the cache key on every server).");
        }

        _segments = null;
        var output = await Renderer.RenderWithHolesAsync(
            new FragmentDirective
            {
                Name = Name,
                Component = true,
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
                ComponentContent = ChildContent,
            },
            HttpContext,
            HttpContext?.Request.RouteValues,
            RenderChildAsync,
            RazorComponentHoles.Exists).ConfigureAwait(false);
        if (output is { } o)
        {
            (_segments, _holes, _types) = Cut(o);
        }
    }

    /// <inheritdoc/>
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (_segments is not null)
        {
            builder.AddMarkupContent(0, _segments[0]);
            for (var i = 0; i < _holes.Length; i++)
            {
                // Each hole through <FragmentHole>: in a fragment recording around this one it is a hole there too.
                builder.OpenRegion(2);
                builder.OpenComponent<FragmentHole>(0);
                builder.AddComponentParameter(1, nameof(FragmentHole.Component), _types[i]);
                builder.AddComponentParameter(2, nameof(FragmentHole.Parameters), _holes[i].Hole.ArgumentDictionary());
                builder.CloseComponent();
                builder.AddMarkupContent(3, _segments[i + 1]);
                builder.CloseRegion();
            }
        }
        else if (!Enabled)
        {
            builder.AddContent(1, ChildContent);
        }
    }

    /// <summary>The markup cut at the holes, and the component filling each (all found: the renderer checked they exist).</summary>
    private static (string[] Segments, PlacedHole[] Holes, Type[] Types) Cut(HoledFragmentOutput output)
    {
        var holes = output.Holes;
        if (holes.Length == 0)
        {
            return ([output.Markup.ToText()], [], []);
        }

        var utf8 = output.Markup.Text is { } text ? Encoding.UTF8.GetBytes(text) : output.Markup.Utf8;
        var segments = new string[holes.Length + 1];
        var types = new Type[holes.Length];
        var at = 0;
        for (var i = 0; i < holes.Length; i++)
        {
            segments[i] = Encoding.UTF8.GetString(utf8.Span[at..holes[i].Offset]);
            types[i] = RazorComponentHoles.Resolve(holes[i].Hole)
                ?? throw new InvalidOperationException($"<MemcacheFragment>: no Razor component {holes[i].Hole.Component} in this build.");
            at = holes[i].Offset;
        }

        segments[^1] = Encoding.UTF8.GetString(utf8.Span[at..]);
        return (segments, holes, types);
    }

    /// <summary>Renders the child content in an HTML renderer of its own, recording the holes in it (a new nonce per capture).</summary>
    private async Task<HoledMarkup> RenderChildAsync()
    {
        var loggers = Services.GetService(typeof(ILoggerFactory)) as ILoggerFactory ?? NullLoggerFactory.Instance;
        await using var renderer = new HtmlRenderer(Services, loggers);
        var content = ChildContent;
        var recorder = new HoleRecorder();
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(FragmentContentHost.Content)] = content,
                [nameof(FragmentContentHost.Recorder)] = recorder,
            });
            // Stay on the renderer's dispatcher: content that awaits (an async OnInitializedAsync) completes this render
            // elsewhere, and ToHtmlString must run on the dispatcher.
            var output = await renderer.RenderComponentAsync<FragmentContentHost>(parameters).ConfigureAwait(true);
            return output.ToHtmlString();
        }).ConfigureAwait(false);
        return recorder.Split(html);
    }
}

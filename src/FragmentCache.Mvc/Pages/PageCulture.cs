using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The culture a page is rendered in: the one request localization resolved for this request (so the spellings of
/// <c>Accept-Language</c>, a query or a cookie that resolve to one culture share one entry), none without it.
/// </summary>
internal static class PageCulture
{
    /// <summary>The request's resolved culture and UI culture; <see langword="null"/> when no <c>UseRequestLocalization</c> ran.</summary>
    public static RequestCulture? Of(HttpContext context) => context.Features.Get<IRequestCultureFeature>()?.RequestCulture;

    /// <summary>Whether two resolved cultures give one key (compared by name, as the key writes them).</summary>
    public static bool SameAs(RequestCulture? keyed, RequestCulture? current) =>
        ReferenceEquals(keyed, current)
        || (keyed is not null && current is not null
            && string.Equals(keyed.Culture.Name, current.Culture.Name, StringComparison.Ordinal)
            && string.Equals(keyed.UICulture.Name, current.UICulture.Name, StringComparison.Ordinal));
}

using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Tells whether a fragment's render issued an antiforgery token, so the fragment is served and not stored: a stored
/// token would go to every later visitor, who has no matching cookie, and their post would fail.
/// </summary>
/// <remarks>
/// Two signs, both from <see cref="TrackingAntiforgery"/>: a token was asked for during the render (the count moved),
/// or the HTML contains a request token handed out earlier in the request (a component reuses the token it read once).
/// Response headers would not do: once a form earlier on the page has set the cookie and <c>no-store</c>, a second
/// token changes neither. A form inside a hole is the hole's own: the count skips tokens handed out in a hole, and the
/// HTML checked is the fragment's markup without its holes, so such a fragment is stored.
/// </remarks>
internal static class AntiforgeryDetector
{
    /// <summary>The request's token count before a render.</summary>
    public static int Mark(HttpContext? context) => context?.Features.Get<AntiforgeryIssuance>()?.Count ?? 0;

    /// <summary>Whether the render that produced <paramref name="html"/>, started at <paramref name="mark"/>, issued a token.</summary>
    public static bool IssuedDuring(HttpContext? context, int mark, string html) =>
        context?.Features.Get<AntiforgeryIssuance>() is { } issuance && (issuance.Count != mark || issuance.AppearsIn(html));
}

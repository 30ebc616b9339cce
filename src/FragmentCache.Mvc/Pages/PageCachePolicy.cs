using System.Globalization;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// The page cache's rules as pure functions: each returns why a request is not looked up or a response is not stored,
/// or <see langword="null"/> when the rule allows it.
/// </summary>
internal static class PageCachePolicy
{
    /// <summary>Headers a stored page never keeps: hop-by-hop and per-response ones, and the cookies it must not share.</summary>
    private static readonly HashSet<string> NotStoredHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Age", "Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Set-Cookie", "Trailer", "Upgrade",
    };

    /// <summary>
    /// Why <paramref name="request"/> bypasses the page cache (not a GET/HEAD, credentials, a signed-in user unless
    /// <paramref name="servesSignedIn"/>: the key carries the user, or the page opted in to one shared entry);
    /// <see langword="null"/> to look it up.
    /// </summary>
    public static string? RequestBypass(HttpRequest request, bool servesSignedIn)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return "method";
        }

        if (request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return "authorization header";
        }

        if (request.HttpContext.User?.Identity?.IsAuthenticated == true && !servesSignedIn)
        {
            return "authenticated user";
        }

        return null;
    }

    /// <summary>
    /// Why a response with <paramref name="statusCode"/> and <paramref name="headers"/> is not stored: not a 200,
    /// <c>Set-Cookie</c>, <c>Cache-Control: private/no-store/no-cache</c>, <c>Pragma: no-cache</c>; <see langword="null"/> to store it.
    /// </summary>
    public static string? ResponseRefusal(int statusCode, IHeaderDictionary headers)
    {
        if (statusCode != StatusCodes.Status200OK)
        {
            return "status " + statusCode.ToString(CultureInfo.InvariantCulture);
        }

        if (headers.ContainsKey(HeaderNames.SetCookie))
        {
            return "Set-Cookie";
        }

        if (CacheControl(headers) is { } cacheControl && (cacheControl.Private || cacheControl.NoStore || cacheControl.NoCache))
        {
            return "Cache-Control private/no-store/no-cache";
        }

        if (headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase))
        {
            return "Pragma: no-cache";
        }

        return null;
    }

    /// <summary>
    /// Why a response whose <c>Vary</c> is in <paramref name="headers"/> is not stored under a key carrying
    /// <paramref name="keyedHeaders"/>: <c>Vary: *</c>, or a header the key lacks (those go to <paramref name="unkeyed"/>,
    /// for the per-site cache to learn); <see langword="null"/> when the key carries every header the response varies by.
    /// </summary>
    public static string? VaryRefusal(IHeaderDictionary headers, IReadOnlyList<string> keyedHeaders, out string[] unkeyed)
    {
        unkeyed = [];
        var vary = headers.Vary;
        if (vary.Count == 0)
        {
            return null;
        }

        var named = VaryValues.Merge(vary.SelectMany(v => VaryValues.ParseList(v)), null);
        if (named.Contains("*"))
        {
            return "Vary: *";
        }

        unkeyed = [.. named.Where(v => !keyedHeaders.Contains(v, StringComparer.OrdinalIgnoreCase))];
        return unkeyed.Length > 0 ? "Vary names headers the key does not carry" : null;
    }

    /// <summary>
    /// How long the per-site cache keeps a response: its <c>s-maxage</c>, else its <c>max-age</c>, else
    /// <paramref name="defaultDuration"/>, at most <paramref name="maxDuration"/>. Returns why it is not stored
    /// (a lifetime of zero or less), else <see langword="null"/>.
    /// </summary>
    public static string? Lifetime(IHeaderDictionary headers, TimeSpan defaultDuration, TimeSpan maxDuration, out TimeSpan lifetime)
    {
        var cacheControl = CacheControl(headers);
        lifetime = cacheControl?.SharedMaxAge ?? cacheControl?.MaxAge ?? defaultDuration;
        if (lifetime <= TimeSpan.Zero)
        {
            return "max-age=0";
        }

        if (lifetime > maxDuration)
        {
            lifetime = maxDuration;
        }

        return null;
    }

    /// <summary>Whether a response header named <paramref name="name"/> is kept in a stored page (not hop-by-hop, not per-response, not the status header).</summary>
    public static bool IsStoredHeader(string name, string? statusHeader) =>
        !NotStoredHeaders.Contains(name) && !string.Equals(name, statusHeader, StringComparison.OrdinalIgnoreCase);

    private static CacheControlHeaderValue? CacheControl(IHeaderDictionary headers) =>
        headers.CacheControl.Count > 0 && CacheControlHeaderValue.TryParse(headers.CacheControl.ToString(), out var parsed) ? parsed : null;
}

using System.Security.Cryptography;
using System.Text;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Pages;

/// <summary>What a page is stored under: its normalised URL and the request values its policy varies by.</summary>
internal static class PageKey
{
    /// <summary>
    /// The URL a page is keyed by: scheme, lower-cased host, path base and path (lower-cased unless
    /// <paramref name="caseSensitivePaths"/>), without the query (the vary values carry it).
    /// </summary>
    public static string Url(HttpRequest request, bool caseSensitivePaths)
    {
        var path = request.PathBase.Add(request.Path).Value;
        return request.Scheme + "://" + request.Host.Value?.ToLowerInvariant() + (caseSensitivePaths ? path : path?.ToLowerInvariant());
    }

    /// <summary>
    /// The vary values of a page: key prefix, method and URL, then the dimensions of the policy's
    /// <see cref="PagePolicy.Vary"/> as the shared builder writes a fragment's (<see cref="VaryValues.AddRules"/>), with the
    /// headers <paramref name="varyHeaders"/> (the policy's and those learned for the URL) and <paramref name="culture"/>.
    /// </summary>
    public static List<object?> Build(HttpContext context, PagePolicy policy, IReadOnlyList<string> varyHeaders, RequestCulture? culture, PageCacheOptions options)
    {
        var request = context.Request;
        var parts = new List<object?>();
        VaryValues.AddText(parts, "prefix", options.KeyPrefix);
        VaryValues.AddText(parts, "method", request.Method.ToUpperInvariant());
        VaryValues.AddText(parts, "url", Url(request, options.CaseSensitivePaths));
        VaryValues.AddRules(parts, policy.Vary, context, varyHeaders, culture?.Culture, culture?.UICulture);
        return parts;
    }

    /// <summary>The low-level cache key of the <c>Vary</c> list the per-site cache learned for the request's URL (Django's <c>_generate_cache_header_key</c>).</summary>
    public static string LearnedVaryKey(HttpRequest request, PageCacheOptions options) =>
        "pagevary:" + options.KeyPrefix + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Url(request, options.CaseSensitivePaths))), 0, 16);
}

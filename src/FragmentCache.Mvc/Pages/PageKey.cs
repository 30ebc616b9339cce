using System.Security.Cryptography;
using System.Text;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Pages;

/// <summary>What a page is stored under: its normalised URL and the request values its policy varies by.</summary>
internal static class PageKey
{
    /// <summary>The size of the list a thread keeps for its page keys' values (a plain page has 11).</summary>
    private const int MaxKeptParts = 32;

    [ThreadStatic]
    private static List<object?>? t_parts;

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
        var parts = new List<object?>();
        Build(parts, context, policy, varyHeaders, culture, options);
        return parts;
    }

    /// <summary>
    /// The page's key under <paramref name="name"/>: <see cref="FragmentKey.Create"/> of <see cref="Build(HttpContext, PagePolicy, IReadOnlyList{string}, RequestCulture?, PageCacheOptions)"/>'s
    /// values, written into a list kept per thread, so a request allocates no list for its key.
    /// </summary>
    public static FragmentKey Create(string name, HttpContext context, PagePolicy policy, IReadOnlyList<string> varyHeaders, RequestCulture? culture, PageCacheOptions options)
    {
        // Taken off the thread while in use: a vary callback that builds a page key of its own gets a list of its own.
        var parts = t_parts ?? new List<object?>(MaxKeptParts);
        t_parts = null;
        parts.Clear();
        Build(parts, context, policy, varyHeaders, culture, options);
        var key = FragmentKey.Create(name, parts);
        parts.Clear();
        if (parts.Capacity <= MaxKeptParts * 4)
        {
            t_parts = parts;
        }

        return key;
    }

    private static void Build(List<object?> parts, HttpContext context, PagePolicy policy, IReadOnlyList<string> varyHeaders, RequestCulture? culture, PageCacheOptions options)
    {
        var request = context.Request;
        VaryValues.AddText(parts, "prefix", options.KeyPrefix);
        VaryValues.AddText(parts, "method", request.Method.ToUpperInvariant());
        VaryValues.AddText(parts, "url", Url(request, options.CaseSensitivePaths));
        VaryValues.AddRules(parts, policy.Vary, context, varyHeaders, culture?.Culture, culture?.UICulture);
    }

    /// <summary>The low-level cache key of the <c>Vary</c> list the per-site cache learned for the request's URL (Django's <c>_generate_cache_header_key</c>).</summary>
    public static string LearnedVaryKey(HttpRequest request, PageCacheOptions options) =>
        "pagevary:" + options.KeyPrefix + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Url(request, options.CaseSensitivePaths))), 0, 16);
}

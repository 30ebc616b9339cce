using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// The label a cached page's lookups are counted under (<see cref="FragmentCacheEntryOptions.MetricName"/>):
/// <c>page</c> and the route template (<c>page /posts/{slug}</c>), never the path, so the label set stays as small as
/// the route table; <c>page</c> alone when the request has no route endpoint. Built once per template.
/// </summary>
internal static class PageMetricName
{
    public const string Unrouted = "page";

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);

    public static string For(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern }
            ? Names.GetOrAdd(pattern, static p => "page /" + p.TrimStart('/'))
            : Unrouted;
}

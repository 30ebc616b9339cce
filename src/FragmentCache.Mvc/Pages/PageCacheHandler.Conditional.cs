using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FragmentCache.Mvc.Pages;

/// <summary>Conditional requests (<c>If-None-Match</c>, <c>If-Modified-Since</c>) against a stored page.</summary>
internal sealed partial class PageCacheHandler
{
    internal static bool IsNotModified(HttpRequest request, HttpResponse response, PageEntry entry)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParse(response.Headers.ETag.ToString(), out var etag))
            {
                return false;
            }

            if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var candidates))
            {
                return false;
            }

            foreach (var candidate in candidates)
            {
                if (candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false))
                {
                    return true;
                }
            }

            return false;
        }

        var ifModifiedSince = request.Headers.IfModifiedSince.ToString();
        if (ifModifiedSince.Length > 0 && HeaderUtilities.TryParseDate(ifModifiedSince, out var since))
        {
            var modified = HeaderUtilities.TryParseDate(response.Headers.LastModified.ToString(), out var lastModified)
                ? lastModified
                : DateTimeOffset.FromUnixTimeMilliseconds(entry.StoredAtUnixMs);
            return modified <= since;
        }

        return false;
    }
}

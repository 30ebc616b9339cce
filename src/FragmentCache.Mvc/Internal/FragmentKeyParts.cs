using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// The vary values a fragment hands to <see cref="IFragmentCache"/>: the one function behind
/// <c>&lt;memcache-fragment&gt;</c>, <c>&lt;MemcacheFragment&gt;</c> and <see cref="TemplateFragmentKeys"/>, so a key
/// built from code addresses exactly the entry a front end wrote.
/// </summary>
internal static class FragmentKeyParts
{
    /// <summary>The vary dimensions in <see cref="VaryKey.Build"/>'s order, then the view digest when there is one.</summary>
    public static List<object?> Build(FragmentVary vary, CacheProfile? profile, HttpContext? http, RouteValueDictionary? routeValues, string? viewDigest)
    {
        var parts = VaryKey.Build(vary, profile, http, routeValues);
        if (viewDigest is not null)
        {
            VaryKey.AddText(parts, "view", viewDigest);
        }

        return parts;
    }
}

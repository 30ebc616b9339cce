namespace FragmentCache.Mvc;

/// <summary>Tags every cached page carries, for invalidation by URL path.</summary>
public static class CachePageTags
{
    /// <summary>
    /// The tag of every cached page (all methods, query strings and vary values) under <paramref name="path"/>:
    /// <c>await fragmentCache.InvalidateTagAsync(CachePageTags.ForPath("/posts/42"))</c>.
    /// </summary>
    /// <param name="path">The request path, without query string.</param>
    /// <param name="caseSensitive">Must match <see cref="PageCacheOptions.CaseSensitivePaths"/>. The default is <see langword="false"/>.</param>
    /// <returns>The tag.</returns>
    public static string ForPath(string path, bool caseSensitive = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return "page-path:" + (caseSensitive ? path : path.ToLowerInvariant());
    }
}

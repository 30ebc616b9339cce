using System.Collections.Concurrent;

namespace BlogSite.Services;

/// <summary>
/// How many times the post page's action, its view and the layout really ran in this process: a cached page (holes
/// included) runs none of them, so the counts show what the cache saved.
/// </summary>
public sealed class PageRenders
{
    /// <summary>The post page's action (<c>PostsController.Show</c>).</summary>
    public const string PostAction = "posts/show action";

    /// <summary>The post page's view (<c>Views/Posts/Show.cshtml</c>), without its holes.</summary>
    public const string PostView = "posts/show view";

    /// <summary>The layout (<c>Views/Shared/_Layout.cshtml</c>), without its holes.</summary>
    public const string Layout = "layout";

    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one run of <paramref name="part"/>.</summary>
    public void Add(string part) => _counts.AddOrUpdate(part, 1, (_, n) => n + 1);

    /// <summary>Runs of <paramref name="part"/> so far.</summary>
    public int this[string part] => _counts.TryGetValue(part, out var n) ? n : 0;
}

using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc;

/// <summary>
/// Builds the key of a fragment from code, for invalidating exactly the entry that
/// <c>&lt;memcache-fragment name="..." vary-on="..."&gt;</c> or <c>&lt;MemcacheFragment&gt;</c> wrote (Django's
/// <c>make_template_fragment_key</c>). Registered by <c>AddFragmentCacheMvc</c> as a singleton; inject it.
/// </summary>
/// <example>
/// <code>
/// // &lt;memcache-fragment name="sidebar" vary-on="@(new object[] { Model.Id })"&gt; in /Views/Shared/_Sidebar.cshtml
/// await cache.InvalidateFragmentAsync(keys.For("sidebar", [post.Id], "/Views/Shared/_Sidebar.cshtml"));
/// </code>
/// </example>
public sealed class TemplateFragmentKeys
{
    private readonly ViewDigestProvider _digests;

    internal TemplateFragmentKeys(ViewDigestProvider digests) => _digests = digests;

    /// <summary>
    /// The key of the fragment named <paramref name="name"/> with the positional values <paramref name="varyOn"/> and no
    /// other vary dimension (<c>vary-by</c>, headers, query, route, cookies, user, culture or a profile that adds one
    /// make a key per request: invalidate those by tag).
    /// </summary>
    /// <param name="name">The fragment's <c>name</c>; must not be empty.</param>
    /// <param name="varyOn">The fragment's <c>vary-on</c> values, in order; formatted as the front ends format them (culture-invariantly), so <c>42</c> and <c>"42"</c> address the same entry. The default <see langword="null"/> means none.</param>
    /// <param name="viewPath">
    /// The view file that contains the tag, for a fragment whose key carries the view digest (the default,
    /// <see cref="FragmentCacheMvcOptions.ViewDigest"/>): its app-relative path, such as <c>"/Views/Shared/_Sidebar.cshtml"</c>
    /// (the partial or layout the tag is in, not the page that renders it). The default <see langword="null"/> addresses a
    /// fragment without the digest: <c>view-digest="false"</c>, <c>FragmentCache:Mvc:ViewDigest</c> off, or a
    /// <c>&lt;MemcacheFragment&gt;</c> component (whose key carries one only with <c>ViewDigest="true"</c>; invalidate such a one by tag).
    /// </param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or no compiled view exists at <paramref name="viewPath"/>.</exception>
    public TemplateFragmentKey For(string name, IReadOnlyList<object?>? varyOn = null, string? viewPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string? digest = null;
        if (viewPath is not null)
        {
            digest = _digests.GetDigest(Normalize(viewPath)) ?? throw new ArgumentException(
                $"No compiled view at '{viewPath}' (fragment '{name}'): pass the app-relative path of the .cshtml that contains the tag, such as \"/Views/Shared/_Sidebar.cshtml\", or no view path for a fragment without the view digest.",
                nameof(viewPath));
        }

        return new TemplateFragmentKey(name, VaryValues.Build(varyOn, by: null, own: null, profile: null, http: null, routeValues: null, digest));
    }

    private static string Normalize(string path)
    {
        var trimmed = path.Trim().Replace('\\', '/');
        if (trimmed.StartsWith('~'))
        {
            trimmed = trimmed[1..];
        }

        return trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}

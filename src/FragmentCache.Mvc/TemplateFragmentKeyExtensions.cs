namespace FragmentCache.Mvc;

/// <summary>Invalidates a fragment that <c>&lt;memcache-fragment&gt;</c> or <c>&lt;MemcacheFragment&gt;</c> wrote, by its <see cref="TemplateFragmentKey"/>.</summary>
public static class TemplateFragmentKeyExtensions
{
    /// <summary>
    /// Invalidates the entry <paramref name="key"/> addresses (Django's
    /// <c>cache.delete(make_template_fragment_key(name, vary_on))</c>), on every server and, in two-tier mode, every node.
    /// </summary>
    /// <param name="cache">The fragment cache the front end wrote to.</param>
    /// <param name="key">The fragment's key, from <see cref="TemplateFragmentKeys.For"/>.</param>
    /// <param name="soft">The default <see langword="false"/> deletes it; <see langword="true"/> marks it stale (see <see cref="IFragmentCache.InvalidateAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the fragment was cached.</returns>
    public static ValueTask<bool> InvalidateFragmentAsync(this IFragmentCache cache, TemplateFragmentKey key, bool soft = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(key);
        return cache.InvalidateAsync(key.Name, key.VaryValues, soft, cancellationToken);
    }
}

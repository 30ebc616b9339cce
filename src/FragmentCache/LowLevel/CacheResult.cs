namespace FragmentCache;

/// <summary>The outcome of <see cref="ICache.TryGetAsync{T}"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="Found">Whether the key was found (a stored <see langword="null"/> is found).</param>
/// <param name="Value">The value when found; otherwise <c>default</c>.</param>
public readonly record struct CacheResult<T>(bool Found, T? Value)
{
    /// <summary>A miss.</summary>
    public static CacheResult<T> Miss => default;
}

namespace FragmentCache;

/// <summary>
/// pymemcache's serde flags (<c>pymemcache.serde</c>), which Django's <c>PyMemcacheCache</c> writes and reads: the whole
/// flags word, without FragmentCache's <see cref="CacheItemFlags.Value"/> bit.
/// </summary>
internal static class DjangoValueFlags
{
    /// <summary><c>FLAG_BYTES</c>: Python <c>bytes</c>, a .NET <c>byte[]</c>.</summary>
    public const uint Bytes = 0;

    /// <summary><c>FLAG_PICKLE</c>: any other Python value, pickled; .NET cannot read it.</summary>
    public const uint Pickle = 1 << 0;

    /// <summary><c>FLAG_INTEGER</c>: a Python <c>int</c> as ASCII decimal digits, which memcached's <c>incr</c> understands.</summary>
    public const uint Integer = 1 << 1;

    /// <summary><c>FLAG_LONG</c>: Python 2's <c>long</c>, ASCII decimal digits; read as an integer.</summary>
    public const uint Long = 1 << 2;

    /// <summary><c>FLAG_TEXT</c>: a Python <c>str</c> as UTF-8.</summary>
    public const uint Text = 1 << 4;
}

namespace FragmentCache;

/// <summary>
/// Thrown by a render callback of the MVC layer's internal entry points whose output must not be stored; those entry
/// points turn it into <see cref="FragmentRender.NotStored(ReadOnlyMemory{byte}, string)"/> and hand it back to their
/// caller once the lookup is done. Public callers return <see cref="FragmentRender.NotStored(string, string)"/> instead.
/// </summary>
internal class UncacheableRenderException : Exception
{
    public UncacheableRenderException()
        : base("The rendered content must not be cached.")
    {
    }

    public UncacheableRenderException(string reason)
        : base(reason)
    {
    }

    public UncacheableRenderException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }
}

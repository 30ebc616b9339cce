namespace FragmentCache;

/// <summary>
/// Thrown by a render callback whose output is correct but must not be stored (a response that sets a cookie,
/// a body over the size limit, ...). The fragment cache releases the lease, stores nothing, and neither logs it as a
/// failure nor counts it as an error; the exception reaches the caller, which serves what it rendered.
/// </summary>
public class UncacheableRenderException : Exception
{
    /// <summary>Creates the exception with a default reason.</summary>
    public UncacheableRenderException()
        : base("The rendered content must not be cached.")
    {
    }

    /// <summary>Creates the exception with the reason the content is not cached.</summary>
    public UncacheableRenderException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with a reason and the underlying cause.</summary>
    public UncacheableRenderException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }
}

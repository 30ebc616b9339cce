namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Thrown from a render callback to keep what was rendered out of the cache (too large, or a response
/// the safety rules forbid storing). The caller that rendered serves its own capture; callers that
/// joined its flight render for themselves.
/// </summary>
internal sealed class UncacheableContentException : UncacheableRenderException
{
    public UncacheableContentException()
    {
    }

    public UncacheableContentException(string reason)
        : base(reason)
    {
    }

    public UncacheableContentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

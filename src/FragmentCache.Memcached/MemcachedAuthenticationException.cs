namespace FragmentCache.Memcached;

/// <summary>
/// The server rejected the configured credentials (memcached <c>-Y</c>). The message names the server and the
/// user, never the password.
/// </summary>
public sealed class MemcachedAuthenticationException : MemcachedException
{
    /// <summary>Creates the exception.</summary>
    public MemcachedAuthenticationException(string message)
        : base(message)
    {
    }
}

namespace FragmentCache.Memcached;

/// <summary>
/// A Memcached operation failed: the server was unreachable, timed out, broke the protocol or rejected
/// the request. The client only throws it when <see cref="MemcachedClientOptions.ThrowOnError"/> is set
/// (or for configuration and authentication errors); otherwise a failure is reported as a miss.
/// </summary>
public class MemcachedException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public MemcachedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public MemcachedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public MemcachedException()
        : base("A Memcached operation failed.")
    {
    }
}

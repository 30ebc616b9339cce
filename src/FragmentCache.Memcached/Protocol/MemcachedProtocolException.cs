namespace FragmentCache.Memcached.Protocol;

/// <summary>
/// The byte stream from the server cannot be trusted any more (malformed or unexpected reply):
/// the connection that saw it is failed as a whole.
/// </summary>
internal sealed class MemcachedProtocolException : MemcachedException
{
    public MemcachedProtocolException(string message)
        : base(message)
    {
    }
}

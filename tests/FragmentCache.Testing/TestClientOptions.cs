using FragmentCache.Memcached;

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// Client options for tests that check behaviour, not deadlines. The product's 500 ms operation timeout is right
/// for a web request, but a CI box running three test assemblies on two cores can stall a thread pool for that
/// long; the client then drops a write (as it should) and a set-then-get test reads a miss. Tests about timeouts
/// and faults set their own, short, timeouts instead.
/// </summary>
public static class TestClientOptions
{
    /// <summary>Generous connect and operation timeouts.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Options for <paramref name="servers"/> with <see cref="Timeout"/> for connecting and for operations.</summary>
    public static MemcachedClientOptions For(params string[] servers)
    {
        var options = new MemcachedClientOptions { OperationTimeout = Timeout, ConnectTimeout = Timeout };
        foreach (var server in servers)
        {
            options.Servers.Add(server);
        }

        return options;
    }
}

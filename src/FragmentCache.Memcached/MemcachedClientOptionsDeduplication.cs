using Microsoft.Extensions.Options;

namespace FragmentCache.Memcached;

/// <summary>
/// Every registration of the shared client adds to one <see cref="MemcachedClientOptions"/> (<c>UseMemcached</c>,
/// <c>AddMemcachedDistributedCache</c>, <c>AddMemcachedClient</c>), so the same server may be listed more than once: it
/// is kept once, at its first place, so it gets one set of connections and one circuit breaker.
/// </summary>
internal sealed class MemcachedClientOptionsDeduplication : IPostConfigureOptions<MemcachedClientOptions>
{
    public void PostConfigure(string? name, MemcachedClientOptions options)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Servers.Count; i++)
        {
            var server = options.Servers[i];
            var identity = MemcachedEndPoint.TryParse(server, out var endPoint, out _) ? endPoint.ToString() : server;
            if (!seen.Add(identity))
            {
                options.Servers.RemoveAt(i);
                i--;
            }
        }
    }
}

using FragmentCache.Tests.Infrastructure;

namespace BlogSite.Tests.Reliability;

/// <summary>
/// Real memcached processes on loopback, each behind a <see cref="FaultProxy"/>: the site talks to the proxies,
/// the test kills, restarts (empty, same port), stalls, resets or corrupts one server at a time or all of them.
/// </summary>
public sealed class ProxiedMemcachedCluster : IAsyncDisposable
{
    private readonly List<MemcachedProcess> _servers = [];
    private readonly List<FaultProxy> _proxies = [];

    private ProxiedMemcachedCluster()
    {
    }

    /// <summary>The memcached processes, in the order of <see cref="Proxies"/>.</summary>
    public IReadOnlyList<MemcachedProcess> Servers => _servers;

    /// <summary>The proxies the site is configured with.</summary>
    public IReadOnlyList<FaultProxy> Proxies => _proxies;

    /// <summary>Starts <paramref name="count"/> single-threaded memcached (they share two cores with the site).</summary>
    public static async Task<ProxiedMemcachedCluster> StartAsync(int count, CancellationToken cancellationToken)
    {
        var cluster = new ProxiedMemcachedCluster();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var server = await MemcachedProcess.StartAsync(new MemcachedProcessOptions { Threads = 1 }, cancellationToken);
                cluster._servers.Add(server);
                cluster._proxies.Add(new FaultProxy(server));
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills every server, then starts each again, empty, on its port.</summary>
    public async Task RestartAllAsync(CancellationToken cancellationToken)
    {
        foreach (var server in _servers)
        {
            await server.RestartAsync(cancellationToken);
        }
    }

    /// <summary>SIGKILLs every server.</summary>
    public async Task KillAllAsync()
    {
        foreach (var server in _servers)
        {
            await server.KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}

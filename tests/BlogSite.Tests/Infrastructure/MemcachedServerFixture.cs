using FragmentCache.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(BlogSite.Tests.Infrastructure.MemcachedServerFixture))]

namespace BlogSite.Tests.Infrastructure;

/// <summary>
/// One real memcached for the whole assembly, started on a free port. Each site host uses its own key prefix,
/// so tests never see each other's entries; hosts that should share (two instances) share a prefix.
/// </summary>
public sealed class MemcachedServerFixture : IAsyncLifetime
{
    private MemcachedProcess? _server;

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Address => (_server ?? throw new InvalidOperationException("not started")).Address;

    public async ValueTask InitializeAsync() => _server = await MemcachedProcess.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

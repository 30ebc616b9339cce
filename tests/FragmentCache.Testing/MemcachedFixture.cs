namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// One memcached shared by every test class in the <c>"memcached"</c> collection. Tests that use it must not
/// change global state (<c>flush_all</c>, kill, restart) and should use keys of their own; a test that does
/// change global state starts its own <see cref="MemcachedProcess"/>.
/// </summary>
public sealed class MemcachedFixture : IAsyncLifetime
{
    private MemcachedProcess? _server;

    /// <summary>The shared server.</summary>
    public MemcachedProcess Server => _server ?? throw new InvalidOperationException("fixture not initialized");

    /// <summary><c>127.0.0.1:PORT</c> of the shared server.</summary>
    public string Address => Server.Address;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync() => _server = await MemcachedProcess.StartAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

namespace FragmentCache.Tests.Infrastructure;

/// <summary>
/// Three memcached servers shared by the <c>"memcached-cluster"</c> collection (distribution tests). Same rule as
/// <see cref="MemcachedFixture"/>: no global state changes on shared servers.
/// </summary>
public sealed class MemcachedClusterFixture : IAsyncLifetime
{
    /// <summary>How many servers the fixture starts.</summary>
    public const int ServerCount = 3;

    private readonly List<MemcachedProcess> _servers = [];

    /// <summary>The servers, in start order.</summary>
    public IReadOnlyList<MemcachedProcess> Servers => _servers;

    /// <summary>The servers' <c>127.0.0.1:PORT</c> addresses, in start order.</summary>
    public IReadOnlyList<string> Addresses => [.. _servers.Select(static server => server.Address)];

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        var starting = Enumerable.Range(0, ServerCount).Select(_ => MemcachedProcess.StartAsync()).ToArray();
        try
        {
            _servers.AddRange(await Task.WhenAll(starting));
        }
        catch
        {
            foreach (var task in starting)
            {
                if (task.IsCompletedSuccessfully)
                {
                    await task.Result.DisposeAsync();
                }
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
    }
}

using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>Fragments over a real redis-server, each host with its own Redis client (no leases: in-process protection only).</summary>
public sealed class RedisFragmentCacheTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncDisposable
{
    private readonly string _prefix = "r" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<IDisposable> _clients = [];
    private readonly List<TestHost> _hosts = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        _clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task GetOrRenderAsync_TwoHostsOwnClients_ShareEntriesAndTagInvalidation()
    {
        var first = NewHost();
        var second = NewHost();
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var renderer = new RenderCounter("<ul>posts</ul>");

        Assert.Equal("<ul>posts</ul>", await first.Fragments.GetOrRenderAsync("list", ["page", 1], options, renderer.RenderAsync));
        Assert.Equal("<ul>posts</ul>", await second.Fragments.GetOrRenderAsync("list", ["page", 1], options, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);

        await second.Fragments.InvalidateTagAsync("posts");
        await first.Fragments.GetOrRenderAsync("list", ["page", 1], options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);

        Assert.True(await first.Fragments.InvalidateAsync("list", ["page", 1]));
        await second.Fragments.GetOrRenderAsync("list", ["page", 1], options, renderer.RenderAsync);
        Assert.Equal(3, renderer.Calls);
    }

    private TestHost NewHost()
    {
        var client = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.Configuration }));
        _clients.Add(client);
        var host = TestHost.Create(new DistributedCacheStore(client), TimeProvider.System, o => o.KeyPrefix = _prefix);
        _hosts.Add(host);
        return host;
    }
}

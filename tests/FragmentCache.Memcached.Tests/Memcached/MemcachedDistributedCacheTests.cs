using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Tests.Core;

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedDistributedCacheTests(MemcachedFixture fixture) : IAsyncLifetime
{
    private MemcachedClient _client = null!;
    private MemcachedDistributedCache _cache = null!;

    public ValueTask InitializeAsync()
    {
        var options = TestClientOptions.For(fixture.Address);
        _client = new MemcachedClient(options);
        _cache = new MemcachedDistributedCache(_client);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static string Key() => "dc:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SetAsync_ThenGet_RoundTripsBytesReadableByOtherClients()
    {
        var key = Key();
        await _cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 1, 2, 3 }, await _cache.GetAsync(key));
        Assert.Equal(new byte[] { 1, 2, 3 }, _cache.Get(key));
        // No header on a value without sliding expiration: any client reads the bytes as stored.
        Assert.Equal(new byte[] { 1, 2, 3 }, (await fixture.Server.RawAsync($"mg {key} v\r\nmn\r\n", "MN\r\n")).Split("\r\n")[1].Select(c => (byte)c).ToArray());
        await _cache.RemoveAsync(key);
        Assert.Null(await _cache.GetAsync(key));
    }

    [Fact]
    public async Task SetAsync_AbsoluteExpiration_BecomesTheItemTtl()
    {
        var key = Key();
        await _cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        var item = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(item.TimeToLive!.Value, TimeSpan.FromSeconds(590), TimeSpan.FromSeconds(600));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _cache.Set(key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(-1) }));
    }

    [Fact]
    public async Task GetAsync_SlidingExpiration_ExtendsTheTtlButNotPastTheAbsoluteDeadline()
    {
        var key = Key();
        await _cache.SetAsync(key, [7], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(100) });
        await _client.TouchAsync(key, TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 7 }, await _cache.GetAsync(key));
        var slid = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(slid.TimeToLive!.Value, TimeSpan.FromSeconds(95), TimeSpan.FromSeconds(100));

        var capped = Key();
        await _cache.SetAsync(capped, [8], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(100),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30),
        });
        await _cache.RefreshAsync(capped);
        var item = await _client.GetItemAsync(capped, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(item.TimeToLive!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        Assert.Equal(new byte[] { 8 }, await _cache.GetAsync(capped));
    }

    [Fact]
    public async Task ServerDown_GetIsAMissAndSetDoesNotThrow()
    {
        var options = new MemcachedClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(200) };
        options.Servers.Add("127.0.0.1:1");
        await using var client = new MemcachedClient(options);
        var cache = new MemcachedDistributedCache(client);
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());
        Assert.Null(await cache.GetAsync("k"));
    }

    [Fact]
    public async Task HybridCache_OnTwoHosts_SharesTheSecondLevelInMemcached()
    {
        ServiceProvider Host() => new ServiceCollection()
            .AddMemcachedDistributedCache(o => o.Servers.Add(fixture.Address))
            .AddHybridCache().Services
            .BuildServiceProvider();
        await using var first = Host();
        await using var second = Host();
        var key = Key();
        int firstCalls = 0, secondCalls = 0;

        var a = await first.GetRequiredService<HybridCache>().GetOrCreateAsync(key, _ => { firstCalls++; return ValueTask.FromResult("from host 1"); });
        // HybridCache may finish writing its second level after returning: wait (bounded) until Memcached has it.
        var l2 = first.GetRequiredService<IDistributedCache>();
        for (int i = 0; i < 100 && await l2.GetAsync(key) is null; i++)
        {
            await Task.Delay(20);
        }

        var b = await second.GetRequiredService<HybridCache>().GetOrCreateAsync(key, _ => { secondCalls++; return ValueTask.FromResult("from host 2"); });

        Assert.Equal("from host 1", a);
        Assert.Equal("from host 1", b);
        Assert.Equal(1, firstCalls);
        Assert.Equal(0, secondCalls);
        Assert.IsType<MemcachedDistributedCache>(first.GetRequiredService<IDistributedCache>());
    }
}

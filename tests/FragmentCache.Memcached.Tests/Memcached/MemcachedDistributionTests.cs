using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

/// <summary>Keys spread over three real servers exactly as the locator says; a dead server's keys do not move.</summary>
public sealed class MemcachedDistributionTests
{
    [Theory]
    [InlineData(MemcachedHashAlgorithm.Ketama)]
    [InlineData(MemcachedHashAlgorithm.Rendezvous)]
    public async Task SetAsync_ThreeServers_EachKeyLandsWhereTheLocatorSays(MemcachedHashAlgorithm algorithm)
    {
        await using var cluster = new MemcachedClusterFixture();
        await cluster.InitializeAsync();
        var options = new MemcachedClientOptions { HashAlgorithm = algorithm };
        foreach (var address in cluster.Addresses)
        {
            options.Servers.Add(address);
        }

        await using var client = new MemcachedClient(options);
        var locator = NodeLocator.Create(algorithm, options.Servers.Select(MemcachedEndPoint.Parse).ToArray());
        var expected = new int[3];
        for (int i = 0; i < 3000; i++)
        {
            var key = "dist:" + i;
            Assert.True(await client.SetAsync(key, i));
            expected[locator.Locate(Encoding.ASCII.GetBytes(key))]++;
        }

        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(expected[s], await cluster.Servers[s].ItemCountAsync());
            Assert.InRange(expected[s], 600, 1400);
        }

        var all = await client.GetManyAsync<int>(Enumerable.Range(0, 3000).Select(i => "dist:" + i));
        Assert.Equal(3000, all.Count);
    }

    [Fact]
    public async Task DeadServer_ItsKeysAreMisses_WritesAreNotMovedToOthers()
    {
        await using var cluster = new MemcachedClusterFixture();
        await cluster.InitializeAsync();
        var options = new MemcachedClientOptions
        {
            FailureThreshold = 1,
            BreakDuration = TimeSpan.FromSeconds(30),
            MaxBreakDuration = TimeSpan.FromSeconds(30),
        };
        foreach (var address in cluster.Addresses)
        {
            options.Servers.Add(address);
        }

        await using var client = new MemcachedClient(options);
        var keys = Enumerable.Range(0, 300).Select(i => "dead:" + i).ToArray();
        foreach (var key in keys)
        {
            await client.SetAsync(key, key);
        }

        await cluster.Servers[1].KillAsync();
        // Touch every key once so the dead server's breaker opens.
        await client.GetManyAsync<string>(keys);
        await Task.Delay(100);
        long before0 = await cluster.Servers[0].ItemCountAsync(), before2 = await cluster.Servers[2].ItemCountAsync();

        var found = await client.GetManyAsync<string>(keys);
        foreach (var key in keys)
        {
            await client.SetAsync(key, "again");
        }

        Assert.InRange(found.Count, 100, 299);
        Assert.Equal(before0, await cluster.Servers[0].ItemCountAsync());
        Assert.Equal(before2, await cluster.Servers[2].ItemCountAsync());
        Assert.False(client.GetServerStatuses()[1].IsAvailable);
        Assert.True(client.GetServerStatuses()[0].IsAvailable);
    }
}

using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// <c>ICache.GetOrSetAsync</c> with a background refresh across four hosts, each with its own Memcached client over one
/// real memcached. memcached keeps time in whole seconds, so the test lets a little over two real seconds pass for a
/// one-second timeout to lapse.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedCacheRefreshTests(MemcachedFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetOrSetAsync_BackgroundRefreshOnFourHosts_EveryCallerGetsOldValueAndOneBuildStoresTheNew()
    {
        var options = new CacheEntryOptions { Timeout = TimeSpan.FromSeconds(1), StaleWhileRevalidate = TimeSpan.FromSeconds(30), BackgroundRefresh = true };
        var prefix = "refresh" + Guid.NewGuid().ToString("N")[..8];
        var stores = new List<MemcachedCacheStore>();
        var hosts = new List<TestHost>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var store = new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
                stores.Add(store);
                hosts.Add(TestHost.Create(store, TimeProvider.System, o =>
                {
                    o.KeyPrefix = prefix;
                    o.Stampede.LeaseTime = TimeSpan.FromSeconds(5);
                    o.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
                }));
            }

            Assert.Equal(new Totals(1), await hosts[0].Cache.GetOrSetAsync("totals", _ => ValueTask.FromResult(new Totals(1)), options));
            await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

            var factory = new GatedFactory<Totals>(new Totals(2));
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () => await hosts[i % 4].Cache.GetOrSetAsync("totals", factory.BuildAsync, options))))
                .WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.All(answers, a => Assert.Equal(new Totals(1), a));
            await factory.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
            Assert.Equal(1, factory.Calls);

            factory.Gate.SetResult();
            foreach (var host in hosts)
            {
                var answer = new Totals(1);
                for (var i = 0; i < 500 && answer == new Totals(1); i++)
                {
                    await Task.Delay(10, TestContext.Current.CancellationToken);
                    answer = await host.Cache.GetOrSetAsync("totals", factory.BuildAsync, options);
                }

                Assert.Equal(new Totals(2), answer);
            }

            Assert.Equal(1, factory.Calls);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    public sealed record Totals(int Posts);
}

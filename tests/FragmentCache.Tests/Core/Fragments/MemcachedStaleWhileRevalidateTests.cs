using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Stale-while-revalidate across four hosts for real: each host has its own Memcached client over one real memcached,
/// whose leases pick the one request in the farm that re-renders. memcached keeps time in whole seconds, so these
/// tests let a little over two real seconds pass for a one-second expiration to lapse.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedStaleWhileRevalidateTests(MemcachedFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PastExpiration = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task GetOrRenderAsync_20ConcurrentInStaleWindowOnFourHosts_OneRendersNineteenGetOldCopyWhileItRenders()
    {
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(1), StaleWhileRevalidate = TimeSpan.FromSeconds(30) };
        await using var farm = await Farm.StartAsync(fixture, options);
        var renderer = new RenderCounter("new") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

        var requests = farm.Start(20, options, renderer);
        await renderer.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && requests.Count(r => r.IsCompleted) < 19; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        // Nineteen answered while the one render is still held: five per host, the re-rendering host's four included.
        var answered = requests.Where(r => r.IsCompleted).ToArray();
        Assert.Equal(19, answered.Length);
        Assert.All(answered, r => Assert.Equal("old", r.Result));
        var rendering = Assert.Single(requests, r => !r.IsCompleted);
        renderer.Gate!.SetResult();
        Assert.Equal("new", await rendering.WaitAsync(Bound, TestContext.Current.CancellationToken));

        foreach (var host in farm.Hosts)
        {
            Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync));
        }

        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_BackgroundRefreshOnFourHosts_EveryRequestGetsOldCopyAndOneRenderStoresTheNew()
    {
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(1), StaleWhileRevalidate = TimeSpan.FromSeconds(30), BackgroundRefresh = true };
        await using var farm = await Farm.StartAsync(fixture, options);
        var renderer = new RenderCounter("new") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

        var answers = await Task.WhenAll(farm.Start(20, options, renderer)).WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("old", a));
        await renderer.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(1, renderer.Calls);

        renderer.Gate!.SetResult();
        foreach (var host in farm.Hosts)
        {
            var answer = "old";
            for (var i = 0; i < 500 && answer == "old"; i++)
            {
                await Task.Delay(10, TestContext.Current.CancellationToken);
                answer = await host.Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
            }

            Assert.Equal("new", answer);
        }

        Assert.Equal(1, renderer.Calls);
    }

    /// <summary>Four hosts with their own clients and one key prefix, after "old" was stored and its expiration passed.</summary>
    private sealed class Farm : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _owned = [];

        public List<TestHost> Hosts { get; } = [];

        public static async Task<Farm> StartAsync(MemcachedFixture fixture, FragmentCacheEntryOptions options)
        {
            var prefix = "swr" + Guid.NewGuid().ToString("N")[..8];
            var farm = new Farm();
            for (var i = 0; i < 4; i++)
            {
                var store = new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
                farm._owned.Add(store);
                var host = TestHost.Create(store, TimeProvider.System, o =>
                {
                    o.KeyPrefix = prefix;
                    o.Stampede.LeaseTime = TimeSpan.FromSeconds(5);
                    o.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
                });
                farm.Hosts.Add(host);
            }

            await farm.Hosts[0].Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
            await Task.Delay(PastExpiration, TestContext.Current.CancellationToken);
            return farm;
        }

        public Task<string>[] Start(int count, FragmentCacheEntryOptions options, RenderCounter renderer)
            => Enumerable.Range(0, count)
                .Select(i => Task.Run(async () => await Hosts[i % Hosts.Count].Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync)))
                .ToArray();

        public async ValueTask DisposeAsync()
        {
            foreach (var host in Hosts)
            {
                await host.DisposeAsync();
            }

            foreach (var owned in _owned)
            {
                await owned.DisposeAsync();
            }
        }
    }
}

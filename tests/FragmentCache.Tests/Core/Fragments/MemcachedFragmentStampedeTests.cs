using System.Diagnostics;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Stampede protection across processes for real: two hosts, each with its own Memcached client and
/// connections, against one real memcached. Only memcached's leases can coordinate them.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedFragmentStampedeTests(MemcachedFixture fixture)
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(5);

    private MemcachedCacheStore NewStore()
    {
        var options = TestClientOptions.For(fixture.Address);
        return new MemcachedCacheStore(options);
    }

    private static void Configure(FragmentCacheOptions options, string prefix)
    {
        options.KeyPrefix = prefix;
        options.Stampede.LeaseTime = LeaseTime;
        options.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public async Task GetOrRenderAsync_500ConcurrentRequestsOnTwoHosts_RendersOnce()
    {
        var prefix = "stampede" + Guid.NewGuid().ToString("N")[..8];
        await using var storeA = NewStore();
        await using var storeB = NewStore();
        await using var first = TestHost.Create(storeA, TimeProvider.System, o => Configure(o, prefix));
        await using var second = TestHost.Create(storeB, TimeProvider.System, o => Configure(o, prefix));
        var renderer = new RenderCounter("<p>cold</p>") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

        var requests = Enumerable.Range(0, 500)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? first : second).Fragments.GetOrRenderAsync("cold", ["k"], null, renderer.RenderAsync)))
            .ToArray();
        await renderer.Started.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        renderer.Gate!.SetResult();
        var results = await Task.WhenAll(requests).WaitAsync(LeaseTime * 2, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal("<p>cold</p>", r));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_WinnerThrows_NoWaiterHangsPastLeaseAndNextRequestRenders()
    {
        var prefix = "stampede" + Guid.NewGuid().ToString("N")[..8];
        await using var storeA = NewStore();
        await using var storeB = NewStore();
        await using var first = TestHost.Create(storeA, TimeProvider.System, o => Configure(o, prefix));
        await using var second = TestHost.Create(storeB, TimeProvider.System, o => Configure(o, prefix));
        var failing = new RenderCounter
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            Throw = new InvalidOperationException("renderer failed"),
        };
        var winner = first.Fragments.GetOrRenderAsync("f", null, null, failing.RenderAsync).AsTask();
        await failing.Started.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var waiting = new RenderCounter("<p>ok</p>");
        var clock = Stopwatch.StartNew();
        var waiters = Enumerable.Range(0, 20).Select(_ => second.Fragments.GetOrRenderAsync("f", null, null, waiting.RenderAsync).AsTask()).ToArray();
        failing.Gate!.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => winner);
        var results = await Task.WhenAll(waiters).WaitAsync(LeaseTime, TestContext.Current.CancellationToken);
        Assert.All(results, r => Assert.Equal("<p>ok</p>", r));
        Assert.True(clock.Elapsed < LeaseTime, $"waited {clock.Elapsed}");
        Assert.Equal(1, waiting.Calls);
    }
}

using System.Diagnostics;
using FragmentCache.Memcached;
using FragmentCache.Tests.Core;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// A lease granted by memcached whose reply never reaches the client (the connection stalls past the timeout):
/// the server keeps the lease, so another host sees "held by other" and waits. The wait is bounded by
/// <see cref="FragmentCacheStampedeOptions.LeaseTime"/>, after which it renders: slow, never a hang or an error.
/// </summary>
public sealed class LostLeaseReplyTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task GetOrRenderAsync_LeaseReplyLostInStall_OtherHostWaitsAtMostLeaseTimeThenRenders()
    {
        await using var rig = await Rig.StartAsync(Configure);
        var (proxy, stalled, other) = (rig.Proxy, rig.Proxied, rig.Direct);
        var renderer = new RenderCounter("<p>leased</p>");
        Assert.Equal("<p>leased</p>", await stalled.Fragments.GetOrRenderAsync("warm", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken));

        proxy.Stall(); // the mg below reaches memcached (which grants the lease), its reply does not come back
        var first = await stalled.Fragments.GetOrRenderAsync("lost", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        proxy.Resume();
        var clock = Stopwatch.StartNew();
        var second = await other.Fragments.GetOrRenderAsync("lost", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var waited = clock.Elapsed;

        Assert.Equal("<p>leased</p>", first);
        Assert.Equal("<p>leased</p>", second);
        Assert.True(waited < LeaseTime + TimeSpan.FromSeconds(2), $"the other host waited {waited.TotalMilliseconds:0} ms (lease time {LeaseTime.TotalMilliseconds:0} ms)");
        Assert.Equal(3, renderer.Calls); // warm-up, the stalled host (a miss), the other host after its wait
    }

    [Fact]
    public async Task GetOrRenderAsync_LeaseReplyDestroyedByGarbage_StoresItsRenderSoOthersDoNotWait()
    {
        await using var rig = await Rig.StartAsync(Configure);
        var (proxy, broken, other) = (rig.Proxy, rig.Proxied, rig.Direct);
        var renderer = new RenderCounter("<p>leased</p>");
        Assert.Equal("<p>leased</p>", await broken.Fragments.GetOrRenderAsync("warm", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken));

        // memcached grants the lease; garbage ahead of its reply fails that connection, so the host never learns it won.
        proxy.InjectGarbageOnce("XX garbage\r\n"u8.ToArray());
        var first = await broken.Fragments.GetOrRenderAsync("orphan", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var second = await other.Fragments.GetOrRenderAsync("orphan", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);

        Assert.Equal("<p>leased</p>", first);
        Assert.Equal("<p>leased</p>", second);
        // warm-up and the broken host's render; the other host got its stored value instead of waiting out the
        // orphaned lease and rendering again.
        Assert.Equal(2, renderer.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetOrRenderAsync_ServerStallsBetweenLeaseAndStore_LeaseSettledOnceBackSoOthersDoNotWaitItOut(bool renderFails)
    {
        // A lease long enough that waiting it out cannot pass for a repair.
        var leaseTime = TimeSpan.FromSeconds(8);
        void Configure(FragmentCacheOptions options)
        {
            options.KeyPrefix = "repair";
            options.Stampede.LeaseTime = leaseTime;
            options.Stampede.PollInterval = TimeSpan.FromMilliseconds(20);
        }

        await using var rig = await Rig.StartAsync(Configure);
        var (proxy, stalled, other) = (rig.Proxy, rig.Proxied, rig.Direct);
        var renderer = new RenderCounter("<p>value</p>");
        Assert.Equal("<p>value</p>", await stalled.Fragments.GetOrRenderAsync("warm", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken));

        // The lease is won, then the server stalls while the fragment renders: the store (or, when the render fails,
        // the release) times out, its bytes never reach memcached (the stalled connections are reset), and the stub
        // stays there.
        var first = stalled.Fragments.GetOrRenderAsync("k", null, null, async ct =>
        {
            proxy.Stall(clientToServerToo: true);
            return renderFails ? throw new InvalidOperationException("render failed") : await renderer.RenderAsync(ct);
        }, TestContext.Current.CancellationToken).AsTask();
        if (renderFails)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        }
        else
        {
            Assert.Equal("<p>value</p>", await first);
        }

        proxy.ResetAll();
        proxy.Resume();
        var clock = Stopwatch.StartNew();
        var second = await other.Fragments.GetOrRenderAsync("k", null, null, renderer.RenderAsync, TestContext.Current.CancellationToken);
        var waited = clock.Elapsed;

        Assert.Equal("<p>value</p>", second);
        Assert.True(waited < leaseTime / 2, $"the other host waited {waited.TotalMilliseconds:0} ms for a lease of {leaseTime.TotalMilliseconds:0} ms");
        // Warm-up, then either the stalled host's render (stored late: the other host gets it) or, when that render
        // failed (released late), the other host's own.
        Assert.Equal(2, renderer.Calls);
    }

    private static void Configure(FragmentCacheOptions options)
    {
        options.KeyPrefix = "lost";
        options.Stampede.LeaseTime = LeaseTime;
        options.Stampede.PollInterval = TimeSpan.FromMilliseconds(20);
    }

    /// <summary>One memcached, a fault proxy in front of it, a host that goes through the proxy and one that does not.</summary>
    private sealed record Rig(MemcachedProcess Server, FaultProxy Proxy, TestHost Proxied, TestHost Direct) : IAsyncDisposable
    {
        public static async Task<Rig> StartAsync(Action<FragmentCacheOptions> configure)
        {
            var server = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            var proxy = new FaultProxy(server);
            // The proxied host keeps one connection: once the stalled one fails, nothing it sends reaches memcached (a
            // reconnect's probe stalls too), so a lease it won stays orphaned. With a second connection already open
            // its store would reach memcached behind the stall, and the other host would read that instead of waiting.
            return new Rig(server, proxy, TestHost.Create(Store(proxy.Address, connections: 1), TimeProvider.System, configure),
                TestHost.Create(Store(server.Address), TimeProvider.System, configure));
        }

        public async ValueTask DisposeAsync()
        {
            await Direct.DisposeAsync();
            await Proxied.DisposeAsync();
            await Proxy.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    private static MemcachedCacheStore Store(string address, int connections = 2)
    {
        var options = new MemcachedClientOptions
        {
            OperationTimeout = TimeSpan.FromMilliseconds(200),
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
            ConnectionsPerServer = connections,
        };
        options.Servers.Add(address);
        return new MemcachedCacheStore(options);
    }
}

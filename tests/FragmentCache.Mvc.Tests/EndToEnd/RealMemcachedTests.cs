using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>The same scenarios over a real memcached process, through the store AddFragmentCache selects for Servers.</summary>
public sealed class RealMemcachedTests
{
    private static async Task<(MemcachedProcess Memcached, TestAppFactory One, TestAppFactory Two)> StartAsync(Action<IServiceCollection>? configure = null)
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        return (memcached, new TestAppFactory(server, time, configure: configure), new TestAppFactory(server, time, configure: configure));
    }

    [Fact]
    public async Task Fragment_OnMemcached_MissThenHitAcrossHosts()
    {
        var (memcached, one, two) = await StartAsync();
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;

        var (_, first) = await one.CreateClient().SendAsync("/");
        var (hit, second) = await two.CreateClient().SendAsync("/");

        Assert.Equal(first, second);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(0, two.Counter.Count("basic"));
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }

    [Fact]
    public async Task Fragment_OnMemcached_TagInvalidatedOnSecondHost_FirstRendersAgain()
    {
        var (memcached, one, two) = await StartAsync();
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;
        var client = one.CreateClient();

        await client.SendAsync("/Fragments/Features");
        await two.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("posts", TestContext.Current.CancellationToken);
        var (_, after) = await client.SendAsync("/Fragments/Features");

        Assert.Equal(2, Count(after, "tags"));
        Assert.Equal(1, Count(after, "expires"));
    }

    [Fact]
    public async Task CachePage_OnMemcached_ReplayedBySecondHostWith304()
    {
        var (memcached, one, two) = await StartAsync();
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;

        var (miss, body) = await one.CreateClient().SendAsync("/Pages/Index?x=1");
        var (hit, hitBody) = await two.CreateClient().SendAsync("/Pages/Index?x=1");
        var (notModified, _) = await two.CreateClient().SendAsync("/Pages/Index?x=1", ("If-None-Match", miss.Header("ETag")!));

        Assert.Equal(body, hitBody);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(0, two.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task Pages_MemcachedKilledMidTest_Serve200Uncached()
    {
        // Without outage copies (on by default, they keep a render in process once the breaker has opened): every
        // request after the kill renders.
        var (memcached, one, two) = await StartAsync(services => services.Configure<FragmentCacheOptions>(o => o.Outage.Enabled = false));
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;
        var client = one.CreateClient();
        await client.SendAsync("/");
        await client.SendAsync("/Pages/Index");

        await memcached.KillAsync();
        var (fragment, fragmentBody) = await client.SendAsync("/");
        var (page, _) = await client.SendAsync("/Pages/Index?after=kill");
        var (page2, _) = await client.SendAsync("/Pages/Index?after=kill");

        Assert.Equal(HttpStatusCode.OK, fragment.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page2.StatusCode);
        Assert.Equal(3, one.Counter.Count("pages-index"));
        Assert.Contains("[basic:", fragmentBody);
    }

    [Fact]
    public async Task CachePage_OnMemcached_ConcurrentMissesOnTwoHosts_RunActionOnce()
    {
        // Real clock: a host that lost the lease polls memcached on the core's PollInterval.
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        await using var one = new TestAppFactory(server, new FakeTimeProvider(), realClock: true);
        await using var two = new TestAppFactory(server, new FakeTimeProvider(), realClock: true);
        var gate = one.Services.GetRequiredService<FragmentCache.Mvc.TestApp.Services.PageGate>();
        two.Services.GetRequiredService<FragmentCache.Mvc.TestApp.Services.PageGate>().Release.SetResult();

        var first = one.CreateClient().SendAsync("/Pages/Slow");
        while (one.Counter.Count("pages-slow") == 0)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var second = two.CreateClient().SendAsync("/Pages/Slow");
        await Task.Delay(200, TestContext.Current.CancellationToken);
        gate.Release.SetResult();
        var results = await Task.WhenAll(first, second);

        Assert.All(results, r => Assert.Equal("slow", r.Body));
        Assert.Equal(1, one.Counter.Count("pages-slow"));
        Assert.Equal(0, two.Counter.Count("pages-slow"));
        Assert.Equal("hit", results[1].Response.Header("X-Fragment-Cache"));
    }
}

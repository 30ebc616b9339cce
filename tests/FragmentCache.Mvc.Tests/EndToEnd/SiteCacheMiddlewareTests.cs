using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

public sealed class SiteCacheMiddlewareTests
{
    [Fact]
    public async Task UseSiteCache_NoCacheHeaders_CachedForDefaultDuration()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/Plain");
        factory.Time.Advance(TimeSpan.FromMinutes(9));
        var (hit, _) = await client.SendAsync("/site/Plain");
        factory.Time.Advance(TimeSpan.FromMinutes(2));
        await client.SendAsync("/site/Plain");

        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(2, factory.Counter.Count("site-plain"));
    }

    [Fact]
    public async Task UseSiteCache_MaxAge_HonouredAsDuration()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/MaxAge");
        factory.Time.Advance(TimeSpan.FromSeconds(29));
        await client.SendAsync("/site/MaxAge");
        Assert.Equal(1, factory.Counter.Count("site-maxage"));
        factory.Time.Advance(TimeSpan.FromSeconds(2));
        await client.SendAsync("/site/MaxAge");
        Assert.Equal(2, factory.Counter.Count("site-maxage"));
    }

    [Fact]
    public async Task UseSiteCache_NoStore_NotStored()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/site/NoStore");
        await client.SendAsync("/site/NoStore");
        Assert.Equal(2, factory.Counter.Count("site-nostore"));
    }

    [Fact]
    public async Task UseSiteCache_ResponseVary_LearnedPerUrlAndIsolates()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/Vary", ("Accept-Language", "fr"));
        var (_, fr) = await client.SendAsync("/site/Vary", ("Accept-Language", "fr"));
        var (_, frAgain) = await client.SendAsync("/site/Vary", ("Accept-Language", "fr"));
        var (_, de) = await client.SendAsync("/site/Vary", ("Accept-Language", "de"));

        Assert.Equal("vary fr 2", fr);
        Assert.Equal("vary fr 2", frAgain);
        Assert.Equal("vary de 3", de);
    }

    [Fact]
    public async Task UseSiteCache_SignedIn_NotCached()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/site/Plain", ("X-Test-User", "1"));
        await client.SendAsync("/site/Plain", ("X-Test-User", "1"));
        Assert.Equal(2, factory.Counter.Count("site-plain"));
    }

    [Fact]
    public async Task UseSiteCache_EndpointWithCachePage_LeftToTheFilter()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/site/Attributed");
        factory.Time.Advance(TimeSpan.FromSeconds(61));
        await client.SendAsync("/site/Attributed");
        Assert.Equal(2, factory.Counter.Count("site-attributed"));
    }

    [Fact]
    public async Task UseSiteCache_ActionStartsResponse_StartAbsorbedByBufferAndStored()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var (r1, b1) = await client.SendAsync("/site/Started");
        var (_, b2) = await client.SendAsync("/site/Started");
        Assert.Equal(System.Net.HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal("started", b1);
        Assert.Equal("started", b2);
        Assert.Equal(1, factory.Counter.Count("site-started")); // the capture buffer's body feature absorbs StartAsync
    }

    [Fact]
    public async Task UseSiteCache_StoreDownWithThrowOnError_Serves200()
    {
        var (factory, store) = TestAppFactory.Create(s => s.Configure<FragmentCacheOptions>(o => o.ThrowOnError = true));
        await using var _f = factory;
        var client = factory.CreateClient();
        store.Down = true;
        var (r1, _) = await client.SendAsync("/site/Vary", ("Accept-Language", "fr"));
        var (r2, _) = await client.SendAsync("/site/Plain");
        Assert.Equal(System.Net.HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, r2.StatusCode);
    }
}

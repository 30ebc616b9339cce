using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>[CachePage] through its filter alone; <see cref="CachePageMiddlewareModeTests"/> runs every scenario again with <c>app.UseCachePage()</c>.</summary>
public partial class CachePageTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the filter alone.</summary>
    protected virtual string? CachePageMode => null;

    private (TestAppFactory Factory, FlakyStore Store) Create(Action<IServiceCollection>? configure = null)
        => TestAppFactory.Create(configure, CachePageMode);

    [Fact]
    public async Task CachePage_SecondGet_ReplaysWithAgeAndHitHeader()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (miss, body1) = await client.SendAsync("/Pages/Index");
        factory.Time.Advance(TimeSpan.FromSeconds(7));
        var (hit, body2) = await client.SendAsync("/Pages/Index");

        Assert.Equal(body1, body2);
        Assert.Equal(1, factory.Counter.Count("pages-index"));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("7", hit.Header("Age"));
        Assert.Equal(miss.Header("Content-Type"), hit.Header("Content-Type"));
        Assert.NotNull(hit.Header("ETag"));
        Assert.Equal(miss.Header("ETag"), hit.Header("ETag"));
    }

    [Fact]
    public async Task CachePage_TwoTier_ReplaysTheInProcessCopyWithTheStoreDown_AndHonoursItsDuration()
    {
        var (factory, store) = Create(services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));
        await using var _f = factory;
        var client = factory.CreateClient();

        var (miss, body1) = await client.SendAsync("/Pages/Index");
        // Only the in-process copy (its entry decoded once, then shared) can answer now. The clock stays within one
        // poll interval: a failed poll drops every copy, by design.
        store.Down = true;
        var (hit1, body2) = await client.SendAsync("/Pages/Index");
        var (hit2, body3) = await client.SendAsync("/Pages/Index");

        Assert.Equal(body1, body2);
        Assert.Equal(body1, body3);
        Assert.Equal(1, factory.Counter.Count("pages-index"));
        Assert.Equal("hit", hit1.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit2.Header("X-Fragment-Cache"));
        Assert.Equal("0", hit2.Header("Age"));
        Assert.Equal(miss.Header("Content-Type"), hit2.Header("Content-Type"));
        Assert.Equal(miss.Header("ETag"), hit2.Header("ETag"));

        store.Down = false;
        factory.Time.Advance(TimeSpan.FromSeconds(61)); // past [CachePage]'s 60 s and the copy's lifetime
        await client.SendAsync("/Pages/Index");
        Assert.Equal(2, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_DurationPasses_RunsActionAgain()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Pages/Index");
        factory.Time.Advance(TimeSpan.FromSeconds(61));
        await client.SendAsync("/Pages/Index");

        Assert.Equal(2, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_Head_CachedSeparatelyFromGet()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync(HttpMethod.Head, "/Pages/Index");
        var (head, headBody) = await client.SendAsync(HttpMethod.Head, "/Pages/Index");
        await client.SendAsync("/Pages/Index");

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("hit", head.Header("X-Fragment-Cache"));
        Assert.Equal("", headBody);
        Assert.Equal(2, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_IfNoneMatchMatches_Returns304()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (first, _) = await client.SendAsync("/Pages/Index");
        var etag = first.Header("ETag")!;
        var (notModified, body) = await client.SendAsync("/Pages/Index", ("If-None-Match", etag));
        var (other, _) = await client.SendAsync("/Pages/Index", ("If-None-Match", "\"other\""));

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("", body);
        Assert.Equal(etag, notModified.Header("ETag"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task CachePage_IfModifiedSinceAfterStore_Returns304()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Pages/Index");
        var (notModified, _) = await client.SendAsync("/Pages/Index", ("If-Modified-Since", TestAppFactory.Start.AddMinutes(1).ToString("R")));
        var (modified, _) = await client.SendAsync("/Pages/Index", ("If-Modified-Since", TestAppFactory.Start.AddMinutes(-1).ToString("R")));

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Fact]
    public async Task CachePage_ActionAttribute_WinsOverController()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var cache = factory.Services.GetRequiredService<IFragmentCache>();

        await client.SendAsync("/Pages/Tagged");
        await cache.InvalidateTagAsync("controller-tag", TestContext.Current.CancellationToken);
        await client.SendAsync("/Pages/Tagged");
        Assert.Equal(1, factory.Counter.Count("pages-tagged"));

        await cache.InvalidateTagAsync("action-tag", TestContext.Current.CancellationToken);
        await client.SendAsync("/Pages/Tagged");
        Assert.Equal(2, factory.Counter.Count("pages-tagged"));

        factory.Time.Advance(TimeSpan.FromSeconds(31));
        await client.SendAsync("/Pages/Tagged");
        Assert.Equal(3, factory.Counter.Count("pages-tagged"));
    }

    [Fact]
    public async Task CachePage_ConcurrentIdenticalMisses_RunActionOnce()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var gate = factory.Services.GetRequiredService<FragmentCache.Mvc.TestApp.Services.PageGate>();

        var requests = Enumerable.Range(0, 8).Select(_ => client.SendAsync("/Pages/Slow")).ToArray();
        while (factory.Counter.Count("pages-slow") == 0)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await Task.Delay(50, TestContext.Current.CancellationToken);
        gate.Release.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.All(results, r => Assert.Equal("slow", r.Body));
        Assert.Equal(1, factory.Counter.Count("pages-slow"));
    }

    [Fact]
    public async Task CachePage_ActionThrows_NothingCached()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        factory.Counter.Fail = true;
        var (failed, _) = await client.SendAsync("/Pages/Throws");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        factory.Counter.Fail = false;
        var (ok, _) = await client.SendAsync("/Pages/Throws");
        await client.SendAsync("/Pages/Throws");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, factory.Counter.Count("pages-throws"));
    }

    [Fact]
    public async Task CachePage_TagInvalidatedOnSecondHost_FirstHostRunsAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestAppFactory.Start);
        var store = FlakyStore.CreateMemory(time);
        await using var one = new TestAppFactory(store, time, cachePage: CachePageMode);
        await using var two = new TestAppFactory(store, time, cachePage: CachePageMode);

        await one.CreateClient().SendAsync("/Pages/Index");
        var (hit, _) = await two.CreateClient().SendAsync("/Pages/Index");
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));

        await two.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("controller-tag", TestContext.Current.CancellationToken);
        await one.CreateClient().SendAsync("/Pages/Index");
        Assert.Equal(2, one.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_StoreDownMidTest_ServesUncached200()
    {
        var (factory, store) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index");

        store.Down = true;
        var (r1, _) = await client.SendAsync("/Pages/Index");
        var (r2, _) = await client.SendAsync("/Pages/Index");

        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(3, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_InvalidatedByPath_EveryQueryVariantRunsAgain()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index?a=1");
        await client.SendAsync("/Pages/Index?a=2");

        await factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync(CachePageTags.ForPath("/PAGES/Index"), TestContext.Current.CancellationToken);
        await client.SendAsync("/Pages/Index?a=1");
        await client.SendAsync("/Pages/Index?a=2");

        Assert.Equal(4, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CacheStatusHeader_Disabled_NotSent()
    {
        var (factory, _) = Create(s => s.Configure<FragmentCacheMvcOptions>(o => o.EmitCacheStatusHeader = false));
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index");
        var (hit, _) = await client.SendAsync("/Pages/Index");
        Assert.Null(hit.Header("X-Fragment-Cache"));
        Assert.NotNull(hit.Header("Age"));
    }

    [Fact]
    public async Task CachePage_Profile_SuppliesVaryAndTags()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Profiled", ("X-Profile-Vary", "a"));
        await client.SendAsync("/Pages/Profiled", ("X-Profile-Vary", "a"));
        await client.SendAsync("/Pages/Profiled", ("X-Profile-Vary", "b"));
        Assert.Equal(2, factory.Counter.Count("pages-profiled"));

        await factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("profile-tag", TestContext.Current.CancellationToken);
        await client.SendAsync("/Pages/Profiled", ("X-Profile-Vary", "a"));
        Assert.Equal(3, factory.Counter.Count("pages-profiled"));
    }
}

/// <summary>Every <see cref="CachePageTests"/> scenario with <c>app.UseCachePage()</c> after UseAuthorization: the same outcomes.</summary>
public sealed class CachePageMiddlewareModeTests : CachePageTests
{
    /// <inheritdoc/>
    protected override string? CachePageMode => "middleware";
}

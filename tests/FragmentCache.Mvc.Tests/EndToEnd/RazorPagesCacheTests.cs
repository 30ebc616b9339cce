using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// <c>[CachePage]</c> on a Razor Pages page model and <c>&lt;memcache-fragment&gt;</c> in a Razor Page, over HTTP, on the
/// memory store with the filter; the subclasses run every scenario again with <c>app.UseCachePage()</c> and over a real memcached.
/// </summary>
public class RazorPagesCacheTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the filter alone.</summary>
    protected virtual string? CachePageMode => null;

    /// <summary>Starts a host of the test app over this class's store.</summary>
    protected virtual Task<MinimalApiCachePageTests.Host> StartAsync()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        return Task.FromResult(new MinimalApiCachePageTests.Host(factory, null));
    }

    [Fact]
    public async Task PageModelAttribute_GetTwice_HandlerRunsOnce()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (miss, first) = await client.SendAsync("/Razor/Cached?x=1");
        host.Factory.Time.Advance(TimeSpan.FromSeconds(5));
        var (hit, second) = await client.SendAsync("/Razor/Cached?x=1");

        Assert.Equal("cached get 1 ?x=1", first.Trim());
        Assert.Equal(first, second);
        Assert.Equal(1, host.Factory.Counter.Count("razor-cached"));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("5", hit.Header("Age"));
    }

    [Fact]
    public async Task PageModelAttribute_EachGetHandlerHasItsOwnEntry()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, get) = await client.SendAsync("/Razor/Cached");
        var (_, other) = await client.SendAsync("/Razor/Cached?handler=other");
        var (otherHit, otherAgain) = await client.SendAsync("/Razor/Cached?handler=other");
        var (_, getAgain) = await client.SendAsync("/Razor/Cached");

        Assert.Equal("cached get 1", get.Trim());
        Assert.Equal("cached other 1 ?handler=other", other.Trim());
        Assert.Equal(other, otherAgain);
        Assert.Equal("hit", otherHit.Header("X-Fragment-Cache"));
        Assert.Equal(get, getAgain);
        Assert.Equal(1, host.Factory.Counter.Count("razor-cached"));
    }

    [Fact]
    public async Task VaryByQueryKeys_TheHandlerNameStaysInTheKeyAndTheRequest()
    {
        // The page varies by "a" only: "handler" still picks the handler, so it is neither stripped nor left out of the key.
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, get) = await client.SendAsync("/Razor/Keyed?a=1&utm=x");
        var (_, other) = await client.SendAsync("/Razor/Keyed?a=1&handler=other&utm=y");
        var (hit, otherAgain) = await client.SendAsync("/Razor/Keyed?handler=other&a=1");
        var (_, getAgain) = await client.SendAsync("/Razor/Keyed?a=1");

        Assert.Equal("keyed get 1 ?a=1", get.Trim());
        Assert.Equal("keyed other 1 ?a=1&amp;handler=other", other.Trim());
        Assert.Equal(other, otherAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(get, getAgain);
        Assert.Equal(1, host.Factory.Counter.Count("razor-keyed"));
        Assert.Equal(1, host.Factory.Counter.Count("razor-keyed-other"));
    }

    [Fact]
    public async Task PostHandler_NeverCached()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync(HttpMethod.Post, "/Razor/Cached");
        var (_, second) = await client.SendAsync(HttpMethod.Post, "/Razor/Cached");
        var (_, get) = await client.SendAsync("/Razor/Cached");

        Assert.Equal("cached post 1", first.Trim());
        Assert.Equal("cached post 2", second.Trim());
        Assert.Equal("cached get 1", get.Trim());
    }

    [Fact]
    public async Task PageModelAttribute_TagInvalidation_RendersAgain()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        await client.SendAsync("/Razor/Cached");
        await host.Factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("razor-tag", TestContext.Current.CancellationToken);
        var (_, after) = await client.SendAsync("/Razor/Cached");

        Assert.Equal("cached get 2", after.Trim());
    }

    [Fact]
    public async Task Fragment_InARazorPage_HitOnTheSecondRequest()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync("/Razor/Fragment");
        var (hit, second) = await client.SendAsync("/Razor/Fragment");

        Assert.Equal(1, Count(first, "razor-page"));
        Assert.Equal(2, Count(second, "razor-page"));
        Assert.Equal(1, Count(first, "razor-fragment"));
        Assert.Equal(1, Count(second, "razor-fragment"));
        Assert.Equal(1, host.Factory.Counter.Count("razor-fragment"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
    }
}

/// <summary>Every <see cref="RazorPagesCacheTests"/> scenario with <c>app.UseCachePage()</c> answering first.</summary>
public sealed class RazorPagesCacheMiddlewareTests : RazorPagesCacheTests
{
    protected override string? CachePageMode => "middleware";

    [Fact]
    public async Task Hit_AnsweredByTheMiddleware_BeforeWhatComesAfterIt()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: "later-middleware");
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, stored) = await client.SendAsync("/Razor/Keyed?handler=other&a=2");
        var (hit, served) = await client.SendAsync("/Razor/Keyed?handler=other&a=2", ("X-Answer", "late"));

        Assert.Equal(stored, served);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, factory.Counter.Count("razor-keyed-other"));
    }
}

/// <summary>Every <see cref="RazorPagesCacheTests"/> scenario over a real memcached.</summary>
public sealed class RazorPagesCacheOnMemcachedTests : RazorPagesCacheTests
{
    protected override async Task<MinimalApiCachePageTests.Host> StartAsync()
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new MinimalApiCachePageTests.Host(new TestAppFactory("127.0.0.1:" + memcached.Port, new FakeTimeProvider(TestAppFactory.Start), cachePage: CachePageMode), memcached);
    }
}

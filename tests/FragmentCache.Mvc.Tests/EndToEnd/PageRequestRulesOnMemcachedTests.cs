using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>The culture, unkeyed-query and streaming rules of the page caches over a real memcached shared by two hosts.</summary>
public sealed class PageRequestRulesOnMemcachedTests
{
    private static async Task<(MemcachedProcess Memcached, TestAppFactory One, TestAppFactory Two)> StartAsync(string? cachePage)
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        return (memcached, new TestAppFactory(server, time, cachePage: cachePage), new TestAppFactory(server, time, cachePage: cachePage));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_OnMemcached_SpanishOnOneHost_EnglishVisitorOfOtherHostGetsEnglish(string? mode)
    {
        var (memcached, one, two) = await StartAsync(mode);
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;

        var (_, spanish) = await one.CreateClient().SendAsync("/Localized/NoQuery", ("Accept-Language", "es-ES"));
        var (_, english) = await two.CreateClient().SendAsync("/Localized/NoQuery", ("Accept-Language", "en"));
        var (hit, spanishAgain) = await two.CreateClient().SendAsync("/Localized/NoQuery?culture=es");

        Assert.Equal("hola 1", spanish);
        Assert.Equal("hello 1", english);
        Assert.Equal("hola 1", spanishAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task CachePage_OnMemcached_FilterHostAndMiddlewareHost_ShareTheCultureKeyedEntry()
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var _m = memcached;
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var filter = new TestAppFactory(server, time);
        await using var middleware = new TestAppFactory(server, time, cachePage: "middleware");

        var (_, stored) = await filter.CreateClient().SendAsync("/Localized/NoQuery?utm_source=x", ("Accept-Language", "es"));
        var (hit, replayed) = await middleware.CreateClient().SendAsync("/Localized/NoQuery", ("Accept-Language", "es-MX"));
        var (_, english) = await middleware.CreateClient().SendAsync("/Localized/NoQuery", ("Accept-Language", "en"));

        Assert.Equal("hola 1", stored);
        Assert.Equal("hola 1", replayed);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("hello 1", english);
    }

    [Fact]
    public async Task PerSite_OnMemcached_EachCultureItsOwnEntry()
    {
        var (memcached, one, two) = await StartAsync(null);
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;

        var (_, spanish) = await one.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "es"));
        var (_, english) = await two.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "en"));

        Assert.Equal("hola es 1", spanish);
        Assert.Equal("hello en 1", english);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_OnMemcached_PoisonedQueryOnOneHost_NeverReachesTheOther(string? mode)
    {
        var (memcached, one, two) = await StartAsync(mode);
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;

        await one.CreateClient().SendAsync("/Unkeyed?a=1&utm_source=POISON&b=POISON");
        var (hit, visitor) = await two.CreateClient().SendAsync("/Unkeyed?a=1");

        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.DoesNotContain("POISON", visitor, StringComparison.Ordinal);
        Assert.Equal(0, two.Counter.Count("unkeyed-index"));
    }

    [Theory]
    [InlineData("/Streaming/Events")]
    [InlineData("/StreamingSite/Events")]
    public async Task ServerSentEvents_OnMemcached_FirstEventArrivesBeforeActionEnds_NothingStored(string url)
    {
        var (memcached, one, two) = await StartAsync(null);
        await using var _m = memcached;
        await using var _1 = one;
        await using var _2 = two;
        using var client = KestrelHost.Start(one);
        var gate = one.Services.GetRequiredService<PageGate>();

        using (var first = await KestrelHost.GetHeadersAsync(client, url))
        {
            await using var body = await first.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            var early = await KestrelHost.ReadUntilAsync(body, "data: first 1\n\n");
            Assert.False(gate.Release.Task.IsCompleted);
            gate.Release.SetResult();
            Assert.Equal("data: first 1\n\ndata: second 1\n\n", await KestrelHost.ReadUntilAsync(body, "data: second 1\n\n", new(early)));
        }

        two.Services.GetRequiredService<PageGate>().Release.SetResult();
        var (other, otherBody) = await two.CreateClient().SendAsync(url);
        Assert.Equal("data: first 1\n\ndata: second 1\n\n", otherBody);
        Assert.NotEqual("hit", other.Header("X-Fragment-Cache"));
        Assert.Equal(1, two.Counter.Count(url.StartsWith("/StreamingSite", StringComparison.Ordinal) ? "streaming-site-events" : "streaming-events"));
    }
}

using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>What the page cache tells the log about a request it passes by or a response it does not keep, and when a per-site page goes stale.</summary>
public sealed class PageCacheLogTests
{
    [Fact]
    public async Task RequestWithCredentials_BypassLoggedWithItsReason()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services));
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/Plain", ("Authorization", "Bearer x"));

        Assert.Contains(logs!.WithEvent(101), line => line.Contains("(authorization header)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResponseNotStored_LoggedWithItsReason()
    {
        CapturingLoggerProvider? logs = null;
        var (factory, _) = TestAppFactory.Create(services => logs = LogCapture.AddTo(services));
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/NoStore");

        Assert.Contains(logs!.WithEvent(102), line => line.Contains("(Cache-Control private/no-store/no-cache)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PerSitePage_StaleAtExactlyItsMaxAge()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/site/MaxAge");
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await client.SendAsync("/site/MaxAge");

        Assert.Equal(2, factory.Counter.Count("site-maxage"));
    }
}

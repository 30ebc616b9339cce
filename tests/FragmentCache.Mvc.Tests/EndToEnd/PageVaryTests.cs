using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// A profile's <see cref="VaryRules"/> applies to <c>[CachePage]</c> as to fragments: a callback value and a
/// route value vary the page, end to end over HTTP, through the filter; <see cref="PageVaryMiddlewareModeTests"/> runs
/// them again with <c>app.UseCachePage()</c>.
/// </summary>
public class PageVaryTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the filter alone.</summary>
    protected virtual string? CachePageMode => null;

    [Fact]
    public async Task VaryByCallback_OnMemory_OneEntryPerValueSignedInNotShared()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        await AssertVariesByCallbackAsync(factory, factory);
    }

    [Fact]
    public async Task VaryByCallback_OnMemcached_OneEntryPerValueAcrossHosts()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var one = new TestAppFactory(server, time, cachePage: CachePageMode);
        await using var two = new TestAppFactory(server, time, cachePage: CachePageMode);

        await AssertVariesByCallbackAsync(one, two);
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }

    [Fact]
    public async Task VaryByRouteValue_OneUrlTwoRouteValues_TwoEntries()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        // Paths are keyed lower-cased: only the profile's route value tells ABC from abc.
        var (upperMiss, upper) = await client.SendAsync("/Pages/Routed/ABC");
        var (lowerMiss, lower) = await client.SendAsync("/Pages/Routed/abc");
        var (upperHit, upperAgain) = await client.SendAsync("/Pages/Routed/ABC");

        Assert.Equal("[routed:ABC:1]", upper);
        Assert.Equal("[routed:abc:2]", lower);
        Assert.Equal(upper, upperAgain);
        Assert.Equal("miss", upperMiss.Header("X-Fragment-Cache"));
        Assert.Equal("miss", lowerMiss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", upperHit.Header("X-Fragment-Cache"));
        Assert.Equal(2, factory.Counter.Count("pages-routed"));
    }

    private static async Task AssertVariesByCallbackAsync(TestAppFactory first, TestAppFactory second)
    {
        var one = first.CreateClient();
        var two = second.CreateClient();

        // A callback value varies the page: visitors who opted into the beta share one entry, everyone else another; the
        // raw cookie never reaches the key (an unknown channel is "stable").
        var (betaMiss, beta) = await one.SendAsync("/Pages/Channel", ("Cookie", "channel=beta"));
        var (betaHit, betaAgain) = await two.SendAsync("/Pages/Channel", ("Cookie", "channel=beta"));
        var (stableMiss, stable) = await two.SendAsync("/Pages/Channel");
        var (otherHit, other) = await one.SendAsync("/Pages/Channel", ("Cookie", "channel=nightly"));
        Assert.Equal("[channel:beta:1]", beta);
        Assert.Equal(beta, betaAgain);
        Assert.StartsWith("[channel:stable:", stable, StringComparison.Ordinal);
        Assert.Equal(stable, other);
        Assert.Equal(["miss", "hit", "miss", "hit"], new[] { betaMiss, betaHit, stableMiss, otherHit }.Select(r => r.Header("X-Fragment-Cache")));
        Assert.Equal(2, first.Counter.Count("pages-channel") + (ReferenceEquals(first, second) ? 0 : second.Counter.Count("pages-channel")));

        // A claim in a callback value does not make a page shareable between signed-in users: without the user in the
        // key, signed-in requests are not cached (one user's page is never served to another); anonymous ones share.
        var (_, alice) = await one.SendAsync("/Pages/Tenant", ("X-Test-User", "alice"), ("X-Test-Tenant", "acme"));
        var (_, bob) = await two.SendAsync("/Pages/Tenant", ("X-Test-User", "bob"), ("X-Test-Tenant", "acme"));
        var (_, anonymous) = await one.SendAsync("/Pages/Tenant");
        var (_, anonymousAgain) = await two.SendAsync("/Pages/Tenant");
        Assert.StartsWith("[tenant:acme:", alice, StringComparison.Ordinal);
        Assert.StartsWith("[tenant:acme:", bob, StringComparison.Ordinal);
        Assert.StartsWith("[tenant:none:", anonymous, StringComparison.Ordinal);
        Assert.Equal(anonymous, anonymousAgain);
        // Alice and Bob each rendered; the anonymous visitors shared one render.
        Assert.Equal(3, first.Counter.Count("pages-tenant") + (ReferenceEquals(first, second) ? 0 : second.Counter.Count("pages-tenant")));
    }
}

/// <summary><see cref="PageVaryTests"/> with <c>app.UseCachePage()</c> in front of MVC.</summary>
public sealed class PageVaryMiddlewareModeTests : PageVaryTests
{
    protected override string? CachePageMode => "middleware";
}

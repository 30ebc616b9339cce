using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// A profile's <see cref="VaryRules"/> applies to <c>[CachePage]</c> as to fragments: a callback value (a claim) and a
/// route value vary the page, end to end over HTTP, through the filter; <see cref="PageVaryMiddlewareModeTests"/> runs
/// them again with <c>app.UseCachePage()</c>.
/// </summary>
public class PageVaryTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the filter alone.</summary>
    protected virtual string? CachePageMode => null;

    [Fact]
    public async Task VaryByClaim_OnMemory_SameTenantSharesOnePageOtherTenantGetsItsOwn()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        await AssertVariesByTenantAsync(factory, factory);
    }

    [Fact]
    public async Task VaryByClaim_OnMemcached_SameTenantSharesOnePageAcrossHosts()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var one = new TestAppFactory(server, time, cachePage: CachePageMode);
        await using var two = new TestAppFactory(server, time, cachePage: CachePageMode);

        await AssertVariesByTenantAsync(one, two);
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

    private static async Task AssertVariesByTenantAsync(TestAppFactory first, TestAppFactory second)
    {
        var one = first.CreateClient();
        var two = second.CreateClient();

        var (aliceResponse, alice) = await one.SendAsync("/Pages/Tenant", ("X-Test-User", "alice"), ("X-Test-Tenant", "acme"));
        var (bobResponse, bob) = await two.SendAsync("/Pages/Tenant", ("X-Test-User", "bob"), ("X-Test-Tenant", "acme"));
        var (carolResponse, carol) = await two.SendAsync("/Pages/Tenant", ("X-Test-User", "carol"), ("X-Test-Tenant", "globex"));
        var (_, anonymous) = await one.SendAsync("/Pages/Tenant");
        var (signedInResponse, signedInWithoutTenant) = await one.SendAsync("/Pages/Tenant", ("X-Test-User", "dave"));

        // Signed-in requests are cached (the callback names what of the user the page depends on), one entry per tenant.
        Assert.Equal("[tenant:acme:1]", alice);
        Assert.Equal("[tenant:acme:1]", bob);
        Assert.Equal("miss", aliceResponse.Header("X-Fragment-Cache"));
        Assert.Equal("hit", bobResponse.Header("X-Fragment-Cache"));
        Assert.Equal("miss", carolResponse.Header("X-Fragment-Cache"));
        Assert.StartsWith("[tenant:globex:", carol, StringComparison.Ordinal);
        Assert.StartsWith("[tenant:none:", anonymous, StringComparison.Ordinal);

        // No claim at all is one more entry, shared by every visitor without one.
        Assert.Equal(anonymous, signedInWithoutTenant);
        Assert.Equal("hit", signedInResponse.Header("X-Fragment-Cache"));
        Assert.Equal(3, first.Counter.Count("pages-tenant") + (ReferenceEquals(first, second) ? 0 : second.Counter.Count("pages-tenant")));
    }
}

/// <summary><see cref="PageVaryTests"/> with <c>app.UseCachePage()</c> in front of MVC.</summary>
public sealed class PageVaryMiddlewareModeTests : PageVaryTests
{
    protected override string? CachePageMode => "middleware";
}

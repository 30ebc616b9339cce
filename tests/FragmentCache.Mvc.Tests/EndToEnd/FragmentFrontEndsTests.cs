using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// <c>&lt;memcache-fragment&gt;</c> and <c>&lt;MemcacheFragment&gt;</c> written with the same name, profile, vary values,
/// tags and expiry are one fragment: what one stores the other serves, both expire together, one tag invalidates both,
/// and both report to the status header. And a profile's callback value varies fragments by a claim, end to end.
/// </summary>
public sealed class FragmentFrontEndsTests
{
    [Fact]
    public async Task SameFragment_TagAndComponent_ShareKeyExpiryTagsAndStatus()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        // The tag stores; the component, with the same name, vary values and profile, serves the tag's render.
        var (tagMiss, tagBody) = await client.SendAsync("/FragmentTwins/Tag?q=1");
        var (componentHit, componentBody) = await client.SendAsync("/FragmentTwins/Component?q=1");
        Assert.Contains("[twin:tag:1]", tagBody, StringComparison.Ordinal);
        Assert.Contains("[twin:tag:1]", componentBody, StringComparison.Ordinal);
        Assert.Equal("miss", tagMiss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", componentHit.Header("X-Fragment-Cache"));

        // The other way round, and the profile's header is in both keys.
        var (componentMiss, componentBody2) = await client.SendAsync("/FragmentTwins/Component?q=1", ("X-Profile-Vary", "b"));
        var (tagHit, tagBody2) = await client.SendAsync("/FragmentTwins/Tag?q=1", ("X-Profile-Vary", "b"));
        Assert.Contains("[twin:component:2]", componentBody2, StringComparison.Ordinal);
        Assert.Contains("[twin:component:2]", tagBody2, StringComparison.Ordinal);
        Assert.Equal("miss", componentMiss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", tagHit.Header("X-Fragment-Cache"));

        // expires-after (1 minute) is earlier than expires-on (an hour away) in both: past it, both render again.
        factory.Time.Advance(TimeSpan.FromSeconds(61));
        var (_, afterExpiry) = await client.SendAsync("/FragmentTwins/Component?q=1");
        var (_, tagAfterExpiry) = await client.SendAsync("/FragmentTwins/Tag?q=1");
        Assert.Contains("[twin:component:3]", afterExpiry, StringComparison.Ordinal);
        Assert.Contains("[twin:component:3]", tagAfterExpiry, StringComparison.Ordinal);

        // One tag (the fragment's own, with the profile's beside it) invalidates the entry both wrote.
        await factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("twin-tag", TestContext.Current.CancellationToken);
        var (_, afterTag) = await client.SendAsync("/FragmentTwins/Tag?q=1");
        Assert.Contains("[twin:tag:4]", afterTag, StringComparison.Ordinal);
        await factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("profile-tag", TestContext.Current.CancellationToken);
        var (_, afterProfileTag) = await client.SendAsync("/FragmentTwins/Component?q=1");
        Assert.Contains("[twin:component:5]", afterProfileTag, StringComparison.Ordinal);
        Assert.Equal(5, factory.Counter.Count("twin"));
    }

    [Fact]
    public async Task VaryByClaim_OnMemory_SameTenantSharesOneFragmentOtherTenantGetsItsOwn()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        await AssertVariesByTenantAsync(factory, factory);
    }

    [Fact]
    public async Task VaryByClaim_OnMemcached_SameTenantSharesOneFragmentAcrossHosts()
    {
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var one = new TestAppFactory(server, time);
        await using var two = new TestAppFactory(server, time);

        await AssertVariesByTenantAsync(one, two);
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }

    private static async Task AssertVariesByTenantAsync(TestAppFactory first, TestAppFactory second)
    {
        var one = first.CreateClient();
        var two = second.CreateClient();

        var (aliceResponse, alice) = await one.SendAsync("/FragmentTwins/Tenant", ("X-Test-User", "alice"), ("X-Test-Tenant", "acme"));
        var (bobResponse, bob) = await two.SendAsync("/FragmentTwins/Tenant", ("X-Test-User", "bob"), ("X-Test-Tenant", "acme"));
        var (_, carol) = await two.SendAsync("/FragmentTwins/Tenant", ("X-Test-User", "carol"), ("X-Test-Tenant", "globex"));
        var (_, anonymous) = await one.SendAsync("/FragmentTwins/Tenant");
        var (_, signedInWithoutTenant) = await one.SendAsync("/FragmentTwins/Tenant", ("X-Test-User", "dave"));

        Assert.Contains("[tenant:acme:1]", alice, StringComparison.Ordinal);
        Assert.Contains("[tenant:acme:1]", bob, StringComparison.Ordinal);
        Assert.Equal("miss", aliceResponse.Header("X-Fragment-Cache"));
        Assert.Equal("hit", bobResponse.Header("X-Fragment-Cache"));
        Assert.Contains("[tenant:globex:", carol, StringComparison.Ordinal);
        Assert.Contains("[tenant:none:", anonymous, StringComparison.Ordinal);

        // No claim at all is one more entry, shared by every visitor without one.
        Assert.Contains("[tenant:none:", signedInWithoutTenant, StringComparison.Ordinal);
        Assert.Equal(Count(anonymous, "tenant"), Count(signedInWithoutTenant, "tenant"));
        Assert.Equal(3, first.Counter.Count("tenant") + (ReferenceEquals(first, second) ? 0 : second.Counter.Count("tenant")));
    }
}

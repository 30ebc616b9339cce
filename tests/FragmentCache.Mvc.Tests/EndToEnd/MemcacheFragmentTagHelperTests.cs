using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.EndToEnd;

public sealed class MemcacheFragmentTagHelperTests
{
    [Fact]
    public async Task Fragment_SecondRequest_HitsWithoutRendering()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (first, body1) = await client.SendAsync("/");
        var (second, body2) = await client.SendAsync("/");

        Assert.Equal("<main>[basic:1]</main>", body1.Trim());
        Assert.Equal(body1, body2);
        Assert.Equal(1, factory.Counter.Count("basic"));
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task Fragment_TwoTier_HitServedFromTheInProcessCopyEvenWithTheStoreDown()
    {
        var (factory, store) = TestAppFactory.Create(services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));
        await using var _f = factory;
        var client = factory.CreateClient();

        var (first, body1) = await client.SendAsync("/");
        store.Down = true; // only the in-process copy (its string, decoded once) can answer now
        var (second, body2) = await client.SendAsync("/");
        var (third, body3) = await client.SendAsync("/");

        Assert.Equal("<main>[basic:1]</main>", body1.Trim());
        Assert.Equal(body1, body2);
        Assert.Equal(body1, body3);
        Assert.Equal(1, factory.Counter.Count("basic"));
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Equal("hit", third.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task Fragment_WrapperElement_IsSuppressed()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var (_, body) = await factory.CreateClient().SendAsync("/");
        Assert.DoesNotContain("memcache-fragment", body);
    }

    [Theory]
    [InlineData("by", "/Fragments/Vary?by=a", "/Fragments/Vary?by=b")]
    [InlineData("on", "/Fragments/Vary/1", "/Fragments/Vary/2")]
    [InlineData("query", "/Fragments/Vary?q=1", "/Fragments/Vary?Q=2")]
    [InlineData("query", "/Fragments/Vary?q=a", "/Fragments/Vary?q=A")]
    [InlineData("route", "/Fragments/Vary/1", "/Fragments/Vary/2")]
    public async Task Fragment_VaryDimensionChanges_RendersAgain(string label, string first, string second)
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, a) = await client.SendAsync(first);
        var (_, aAgain) = await client.SendAsync(first);
        var (_, b) = await client.SendAsync(second);

        Assert.Equal(1, Count(a, label));
        Assert.Equal(1, Count(aAgain, label));
        Assert.Equal(2, Count(b, label));
        Assert.Equal(1, Count(b, "none"));
    }

    [Fact]
    public async Task Fragment_VaryByQueryNameCasing_SharesEntry()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Fragments/Vary?q=1");
        var (_, body) = await client.SendAsync("/Fragments/Vary?Q=1");
        Assert.Equal(1, Count(body, "query"));
    }

    [Fact]
    public async Task Fragment_VaryByHeaderAndCookie_IsolatesValues()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Fragments/Vary", ("X-A", "1"), ("Cookie", "c1=x; c2=y"));
        var (_, same) = await client.SendAsync("/Fragments/Vary", ("X-A", "1"), ("Cookie", "c1=x; c2=y"));
        var (_, otherHeader) = await client.SendAsync("/Fragments/Vary", ("X-A", "2"), ("Cookie", "c1=x; c2=y"));
        var (_, otherCookie) = await client.SendAsync("/Fragments/Vary", ("X-A", "1"), ("Cookie", "c1=x; c2=z"));

        Assert.Equal(1, Count(same, "header"));
        Assert.Equal(1, Count(same, "cookie"));
        Assert.Equal(2, Count(otherHeader, "header"));
        Assert.Equal(2, Count(otherCookie, "cookie"));
    }

    [Fact]
    public async Task Fragment_TwoUsersWithSameName_NeverShareVaryByUserEntry()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, alice) = await client.SendAsync("/Fragments/Vary", ("X-Test-User", "1"), ("X-Test-Name", "sam"));
        var (_, bob) = await client.SendAsync("/Fragments/Vary", ("X-Test-User", "2"), ("X-Test-Name", "sam"));
        var (_, aliceAgain) = await client.SendAsync("/Fragments/Vary", ("X-Test-User", "1"), ("X-Test-Name", "sam"));
        var (_, anonymous) = await client.SendAsync("/Fragments/Vary");

        Assert.Equal(1, Count(alice, "user"));
        Assert.Equal(2, Count(bob, "user"));
        Assert.Equal(1, Count(aliceAgain, "user"));
        Assert.Equal(3, Count(anonymous, "user"));
    }

    [Fact]
    public async Task Fragment_ExpiresAfterPasses_RendersAgain()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Fragments/Features");
        factory.Time.Advance(TimeSpan.FromSeconds(59));
        var (_, before) = await client.SendAsync("/Fragments/Features");
        factory.Time.Advance(TimeSpan.FromSeconds(2));
        var (_, after) = await client.SendAsync("/Fragments/Features");

        Assert.Equal(1, Count(before, "expires"));
        Assert.Equal(2, Count(after, "expires"));
    }

    [Fact]
    public async Task Fragment_ExpiresOnInThePast_RendersEveryTime()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Fragments/Features");
        var (_, body) = await client.SendAsync("/Fragments/Features");
        Assert.Equal(2, Count(body, "expires-on"));
    }

    [Fact]
    public async Task Fragment_Disabled_RendersEveryTimeAndIsNotStored()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Fragments/Features");
        var (_, body) = await client.SendAsync("/Fragments/Features");
        Assert.Equal(2, Count(body, "disabled"));
        Assert.Equal(1, Count(body, "tags"));
    }

    [Fact]
    public async Task Fragment_TagInvalidatedOnSecondHost_RendersAgainOnFirst()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestAppFactory.Start);
        var store = FlakyStore.CreateMemory(time);
        await using var one = new TestAppFactory(store, time);
        await using var two = new TestAppFactory(store, time);
        var client = one.CreateClient();

        await client.SendAsync("/Fragments/Features");
        var (_, hit) = await two.CreateClient().SendAsync("/Fragments/Features");
        Assert.Equal(1, Count(hit, "tags"));
        Assert.Equal(0, two.Counter.Count("f-tags"));

        await two.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("comments", TestContext.Current.CancellationToken);
        var (_, after) = await client.SendAsync("/Fragments/Features");

        Assert.Equal(2, Count(after, "tags"));
        Assert.Equal(1, Count(after, "expires"));
    }

    [Fact]
    public async Task Fragment_Profile_AppliesTagsVaryAndDuration()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Fragments/Features", ("X-Profile-Vary", "a"));
        var (_, otherVary) = await client.SendAsync("/Fragments/Features", ("X-Profile-Vary", "b"));
        Assert.Equal(2, Count(otherVary, "profile"));

        await factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("profile-tag", TestContext.Current.CancellationToken);
        var (_, afterTag) = await client.SendAsync("/Fragments/Features", ("X-Profile-Vary", "a"));
        Assert.Equal(3, Count(afterTag, "profile"));

        factory.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var (_, afterExpiry) = await client.SendAsync("/Fragments/Features", ("X-Profile-Vary", "a"));
        Assert.Equal(4, Count(afterExpiry, "profile"));
    }

    [Fact]
    public async Task Fragment_Nested_OuterHitReplaysInner()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, first) = await client.SendAsync("/Fragments/Features");
        var (_, second) = await client.SendAsync("/Fragments/Features");

        Assert.Contains("[outer:1][inner:1]", first);
        Assert.Contains("[outer:1][inner:1]", second);
        Assert.Equal(1, factory.Counter.Count("f-inner"));
    }

    [Fact]
    public async Task Fragment_EncodedContent_ReplayedByteForByte()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, first) = await client.SendAsync("/Fragments/Features");
        var (_, second) = await client.SendAsync("/Fragments/Features");

        const string expected = "<b>bold</b>&lt;i&gt;&amp;&quot;&#xE9;[encoding:1]";
        Assert.Contains(expected, first);
        Assert.Contains(expected, second);
    }

    [Fact]
    public async Task Fragment_OverMaxSize_RenderedAndNotCached()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (r1, first) = await client.SendAsync("/Fragments/Features");
        var (_, second) = await client.SendAsync("/Fragments/Features");

        Assert.Equal(System.Net.HttpStatusCode.OK, r1.StatusCode);
        Assert.Contains(new string('x', 3000), first);
        Assert.Equal(2, Count(second, "big"));
    }

    [Fact]
    public async Task Fragment_RenderThrows_CachesNothingAndNextRequestRenders()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        factory.Counter.Fail = true;

        var (failed, _) = await client.SendAsync("/Fragments/Throwing");
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, failed.StatusCode);
        factory.Counter.Fail = false;
        var (ok, body) = await client.SendAsync("/Fragments/Throwing");
        var (_, hit) = await client.SendAsync("/Fragments/Throwing");

        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, Count(body, "throw"));
        Assert.Equal(2, Count(hit, "throw"));
    }

    [Fact]
    public async Task Fragment_StoreDownMidTest_PageRendersUncached()
    {
        var (factory, store) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/");

        store.Down = true;
        var (r1, down1) = await client.SendAsync("/");
        var (r2, down2) = await client.SendAsync("/");

        Assert.Equal(System.Net.HttpStatusCode.OK, r1.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(2, Count(down1, "basic"));
        Assert.Equal(3, Count(down2, "basic"));

        store.Down = false;
        var (_, back) = await client.SendAsync("/");
        var (_, backHit) = await client.SendAsync("/");
        Assert.Equal(1, Count(back, "basic")); // the entry stored before the outage is still there
        Assert.Equal(1, Count(backHit, "basic"));
    }

    [Fact]
    public async Task Fragment_ViewDigest_OnByDefaultAndOffByAttribute()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Fragments/Digest");

        var cache = factory.Services.GetRequiredService<IFragmentCache>();
        var digestOff = await cache.InvalidateAsync("d-off", [ "on", 0 ], cancellationToken: TestContext.Current.CancellationToken);
        var digestOnWithoutDigest = await cache.InvalidateAsync("d-on", [ "on", 0 ], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(digestOff);
        Assert.False(digestOnWithoutDigest);
    }

    [Fact]
    public async Task Fragment_WithoutName_FailsWithClearMessage()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var (response, body) = await factory.CreateClient().SendAsync("/Fragments/NoName");
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("needs a name attribute", body);
    }
}

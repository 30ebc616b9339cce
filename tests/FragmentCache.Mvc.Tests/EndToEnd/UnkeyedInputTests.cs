using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Query keys (and, when asked, cookies) a <c>[CachePage]</c> key ignores never reach the action, so one visitor's
/// unkeyed input cannot end up in the page the next visitor gets (web cache poisoning), in the filter and in
/// <c>app.UseCachePage()</c>, on the memory store.
/// </summary>
public sealed class UnkeyedInputTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_PoisonedUnkeyedQuery_NeverReachesAnotherVisitor(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;

        var (_, attacker) = await factory.CreateClient().SendAsync("/Unkeyed?a=1&utm_source=POISON&b=POISON");
        var (hit, visitor) = await factory.CreateClient().SendAsync("/Unkeyed?a=1");

        Assert.DoesNotContain("POISON", attacker, StringComparison.Ordinal);
        Assert.DoesNotContain("POISON", visitor, StringComparison.Ordinal);
        Assert.Contains(" b= query=a ", visitor, StringComparison.Ordinal);
        Assert.Contains("returnUrl=" + Uri.EscapeDataString("/Unkeyed?a=1") + "\"", visitor, StringComparison.Ordinal);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, factory.Counter.Count("unkeyed-index"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_KeyedKeys_KeptInOriginalOrderAndCase(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;

        var (_, body) = await factory.CreateClient().SendAsync("/Unkeyed?x=1&A=2&y=3&a=4");

        Assert.Contains("returnUrl=" + Uri.EscapeDataString("/Unkeyed?A=2&a=4") + "\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CachePage_KeepUnkeyedQuery_ActionSeesTheWholeQuery()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (_, body) = await factory.CreateClient().SendAsync("/Unkeyed/Keep?a=1&b=kept");

        Assert.Contains(" b=kept query=a,b ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_UnkeyedCookies_KeptByDefault_StrippedWhenAsked(string? mode)
    {
        var (plain, _) = TestAppFactory.Create(cachePage: mode);
        await using var _p = plain;
        var (stripping, _) = TestAppFactory.Create(s => s.Configure<PageCacheOptions>(o => o.StripUnkeyedCookies = true), mode);
        await using var _s = stripping;

        var (_, kept) = await plain.CreateClient().SendAsync("/Unkeyed?a=1", ("Cookie", "session=POISON; theme=dark"));
        var (_, stripped) = await stripping.CreateClient().SendAsync("/Unkeyed?a=1", ("Cookie", "session=POISON; theme=dark"));

        Assert.Contains(" cookies=session,theme ", kept, StringComparison.Ordinal);
        Assert.Contains(" cookies=theme ", stripped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerSite_WholeQueryKeyed_NothingStripped()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (_, first) = await factory.CreateClient().SendAsync("/site/Plain?utm_source=x");
        var (_, second) = await factory.CreateClient().SendAsync("/site/Plain");

        Assert.Equal("plain 1", first);
        Assert.Equal("plain 2", second);
    }
}

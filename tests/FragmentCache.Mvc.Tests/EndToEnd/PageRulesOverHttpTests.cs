using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// The page rules whose effect shows only on the wire, through the <c>[CachePage]</c> filter;
/// <see cref="PageRulesOverHttpMiddlewareTests"/> runs them again with <c>app.UseCachePage()</c>.
/// </summary>
public class PageRulesOverHttpTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the filter alone.</summary>
    protected virtual string? CachePageMode => null;

    [Fact]
    public async Task TwoPagesOfOneHost_TwoEntries()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, first) = await client.SendAsync("/PageRules/First");
        var (_, second) = await client.SendAsync("/PageRules/Second");
        var (_, firstAgain) = await client.SendAsync("/PageRules/First");

        Assert.StartsWith("first 1", first, StringComparison.Ordinal);
        Assert.Equal("second 1", second);
        Assert.Equal(first, firstAgain);
        Assert.Equal(1, factory.Counter.Count("rules-first"));
        Assert.Equal(1, factory.Counter.Count("rules-second"));
    }

    [Fact]
    public async Task OneValueUnderTwoQueryKeys_TwoEntries()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, a) = await client.SendAsync("/PageRules/First?a=1");
        var (_, b) = await client.SendAsync("/PageRules/First?b=1");
        var (hit, aAgain) = await client.SendAsync("/PageRules/First?a=1");

        Assert.Equal("first 1 ?a=1", a);
        Assert.Equal("first 2 ?b=1", b);
        Assert.Equal(a, aAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task VaryStar_NeverStored()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/PageRules/VaryStar");
        var (second, body) = await client.SendAsync("/PageRules/VaryStar");

        Assert.Equal("star 2", body);
        Assert.Equal("miss", second.Header("X-Fragment-Cache"));
        Assert.Equal("*", second.Header("Vary"));
    }

    [Fact]
    public async Task VaryByAHeaderTheKeyLacks_NeverStored_OneItCarries_Stored()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/PageRules/VaryUnkeyed", ("Accept-Language", "fr"));
        var (_, unkeyed) = await client.SendAsync("/PageRules/VaryUnkeyed", ("Accept-Language", "de"));
        await client.SendAsync("/PageRules/VaryKeyed", ("Accept-Language", "fr"));
        var (_, keyedOther) = await client.SendAsync("/PageRules/VaryKeyed", ("Accept-Language", "de"));
        var (hit, keyedAgain) = await client.SendAsync("/PageRules/VaryKeyed", ("Accept-Language", "fr"));

        Assert.Equal("unkeyed de 2", unkeyed);
        Assert.Equal("keyed de 2", keyedOther);
        Assert.Equal("keyed fr 1", keyedAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task Replay_KeepsEveryValueOfAHeader_DropsHopByHopHeaders()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        var (miss, _) = await client.SendAsync("/PageRules/Headers");
        var (hit, body) = await client.SendAsync("/PageRules/Headers");

        Assert.Equal("headers 1", body);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(["a", "b", "c"], hit.Headers.GetValues("X-Multi"));
        Assert.Equal("timeout=5", miss.Header("Keep-Alive"));
        Assert.Null(hit.Header("Keep-Alive"));
        Assert.Null(hit.Header("Upgrade"));
    }

    [Theory]
    [InlineData("Wed, 25 Nov 2026 10:00:00 GMT", HttpStatusCode.NotModified)]
    [InlineData("Wed, 25 Nov 2026 10:00:01 GMT", HttpStatusCode.NotModified)]
    [InlineData("Wed, 25 Nov 2026 09:59:59 GMT", HttpStatusCode.OK)]
    public async Task IfModifiedSince_AtOrAfterLastModified_304(string since, HttpStatusCode expected)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/PageRules/Modified");
        var (response, body) = await client.SendAsync("/PageRules/Modified", ("If-Modified-Since", since));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? "modified 1" : "", body);
        Assert.Equal(1, factory.Counter.Count("rules-modified"));
    }
}

/// <summary><see cref="PageRulesOverHttpTests"/> with <c>app.UseCachePage()</c> in front of MVC.</summary>
public sealed class PageRulesOverHttpMiddlewareTests : PageRulesOverHttpTests
{
    protected override string? CachePageMode => "middleware";
}

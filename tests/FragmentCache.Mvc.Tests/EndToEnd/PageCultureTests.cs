using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Page keys carry the culture request localization resolved (query, cookie and Accept-Language providers; en and es), in
/// the <c>[CachePage]</c> filter, <c>app.UseCachePage()</c> and the per-site cache, on the memory store.
/// </summary>
public sealed class PageCultureTests
{
    private const string SpanishCookie = ".AspNetCore.Culture=c%3Des%7Cuic%3Des";

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    [InlineData("localization-after")]
    public async Task CachePage_SpanishThenEnglish_EachGetsItsOwnLanguage(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;

        var (_, spanish) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "es"));
        var (_, english) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "en"));
        var (again, spanishAgain) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "es"));

        Assert.StartsWith("hola es ", spanish, StringComparison.Ordinal);
        Assert.StartsWith("hello en ", english, StringComparison.Ordinal);
        Assert.Equal(spanish, spanishAgain);
        Assert.Equal("hit", again.Header("X-Fragment-Cache"));
        Assert.Equal(2, factory.Counter.Count("localized-index"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_SpellingsOfOneCulture_ShareOneEntry(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;

        var bodies = new List<string>();
        foreach (var language in new[] { "es", "es-ES", "es-MX,es;q=0.9", "ES", "fr-FR, es;q=0.5" })
        {
            var (_, body) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", language));
            bodies.Add(body);
        }

        Assert.All(bodies, body => Assert.Equal("hola es 1", body));
        Assert.Equal(1, factory.Counter.Count("localized-index"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("middleware")]
    public async Task CachePage_CultureFromQueryOrCookie_NoCrossCultureHit(string? mode)
    {
        var (factory, _) = TestAppFactory.Create(cachePage: mode);
        await using var _f = factory;

        // The action ignores the query in its key: only the culture can tell the two requests apart.
        var (_, byQuery) = await factory.CreateClient().SendAsync("/Localized/NoQuery?culture=es&ui-culture=es");
        var (_, plain) = await factory.CreateClient().SendAsync("/Localized/NoQuery");
        var (_, byCookie) = await factory.CreateClient().SendAsync("/Localized/NoQuery", ("Cookie", SpanishCookie));

        Assert.Equal("hola 1", byQuery);
        Assert.Equal("hello 2", plain);
        Assert.Equal("hola 1", byCookie);
        Assert.Equal(2, factory.Counter.Count("localized-noquery"));
    }

    [Fact]
    public async Task CachePage_VaryByCultureFalse_OneCopyForEveryCulture()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (_, spanish) = await factory.CreateClient().SendAsync("/Localized/Shared", ("Accept-Language", "es"));
        var (_, english) = await factory.CreateClient().SendAsync("/Localized/Shared", ("Accept-Language", "en"));

        Assert.Equal("hola 1", spanish);
        Assert.Equal("hola 1", english);
    }

    [Fact]
    public async Task PagesOptionVaryByCultureFalse_TurnsItOffForAttributeAndSite()
    {
        var (factory, _) = TestAppFactory.Create(s => s.Configure<PageCacheOptions>(o => o.VaryByCulture = false));
        await using var _f = factory;

        var (_, page) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "es"));
        var (_, pageEnglish) = await factory.CreateClient().SendAsync("/Localized", ("Accept-Language", "en"));
        var (_, site) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "es"));
        var (_, siteEnglish) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "en"));

        Assert.Equal(page, pageEnglish);
        Assert.Equal(site, siteEnglish);
        Assert.Equal(1, factory.Counter.Count("localized-site"));
    }

    [Fact]
    public async Task PerSite_SpanishThenEnglish_EachGetsItsOwnLanguage()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;

        var (_, spanish) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "es"));
        var (_, english) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "en"));
        var (_, byCookie) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Cookie", SpanishCookie));
        var (hit, otherSpelling) = await factory.CreateClient().SendAsync("/LocalizedSite", ("Accept-Language", "es-AR"));

        Assert.Equal("hola es 1", spanish);
        Assert.Equal("hello en 2", english);
        Assert.Equal("hola es 1", byCookie);
        Assert.Equal("hola es 1", otherSpelling);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(2, factory.Counter.Count("localized-site"));
    }
}

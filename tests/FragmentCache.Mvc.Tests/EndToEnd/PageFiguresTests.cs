using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>A cached page's lookups count under <c>page /{route template}</c>, the two-tier copy's hits included.</summary>
public sealed class PageFiguresTests
{
    private const string Label = "page /{controller=Fragments}/{action=Index}/{id?}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachePage_Lookups_CountUnderTheRouteTemplate(bool twoTier)
    {
        var (factory, _) = TestAppFactory.Create(services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = twoTier));
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Pages/Index");
        await client.SendAsync("/Pages/Index");
        await client.SendAsync("/Pages/Index");

        var statistics = factory.Services.GetRequiredService<FragmentCacheStatistics>();
        var page = statistics.Get(Label);
        Assert.Equal(1, page.Misses);
        Assert.Equal(twoTier ? 0 : 2, page.Hits);
        Assert.Equal(twoTier ? 2 : 0, page.LocalHits);
        Assert.Equal(0, statistics.Get(PageCacheFragmentName).CachedLookups + statistics.Get(PageCacheFragmentName).RenderedLookups);
    }

    /// <summary>The key name pages are stored under, which is not their label.</summary>
    private const string PageCacheFragmentName = "page";
}

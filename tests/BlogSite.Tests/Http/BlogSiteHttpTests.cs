using System.Globalization;
using System.Text.Json;
using BlogSite.Data;
using BlogSite.Models;
using BlogSite.Tests.Infrastructure;
using BlogSite.ViewComponents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>The blog through WebApplicationFactory on a real memcached: what renders, what is served from the cache.</summary>
public sealed class BlogSiteHttpTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task Widgets_ManyPages_EachWidgetRenderedOnceThenServedFromCache()
    {
        var client = _site.CreateBrowserlessClient();

        // Tag and archive pages are not page-cached, so every request renders the layout and its fragments.
        var first = await client.GetPageAsync("/tags/caching");
        Assert.Equal("miss", first.Cache);
        foreach (var url in new[] { "/tags/caching", "/tags/memcached", "/archive/2026/2", "/tags/caching" })
        {
            var (html, _) = await client.GetPageAsync(url);
            Assert.Contains("data-widget=\"popular-posts\"", html, StringComparison.Ordinal);
            Assert.Contains("data-widget=\"tag-cloud\"", html, StringComparison.Ordinal);
            Assert.Contains("data-widget=\"archive\"", html, StringComparison.Ordinal);
        }

        var repeat = await client.GetPageAsync("/tags/caching");
        Assert.Equal("hit", repeat.Cache);
        Assert.Equal(1, _site.Renders[PopularPostsViewComponent.Name]);
        Assert.Equal(1, _site.Renders[TagCloudViewComponent.Name]);
        Assert.Equal(1, _site.Renders[ArchiveViewComponent.Name]);
        Assert.Equal(1, _site.Renders[WelcomeBoxViewComponent.Name]);
        Assert.Equal(1, _site.Renders["tag:caching"]);
        Assert.Equal(6, _site.Stats.Get("popular-posts").CachedLookups + _site.Stats.Get("popular-posts").RenderedLookups);
        Assert.Equal(5, _site.Stats.Get("popular-posts").CachedLookups);
    }

    [Fact]
    public async Task WelcomeBox_TwoSignedInUsers_EachSeesOwnBoxRenderedOncePerUser()
    {
        var ada = _site.CreateBrowserlessClient();
        var grace = _site.CreateBrowserlessClient();
        await ada.SignInAsync("ada");
        await grace.SignInAsync("grace");
        var before = _site.Renders[WelcomeBoxViewComponent.Name]; // the sign-in page showed the reader's box

        for (var i = 0; i < 2; i++)
        {
            var (adaHtml, _) = await ada.GetPageAsync("/tags/caching");
            var (graceHtml, _) = await grace.GetPageAsync("/tags/caching");
            Assert.Contains("Welcome back, Ada Lovelace", adaHtml, StringComparison.Ordinal);
            Assert.DoesNotContain("Grace Hopper</h3>", adaHtml, StringComparison.Ordinal);
            Assert.Contains("Welcome back, Grace Hopper", graceHtml, StringComparison.Ordinal);
            Assert.DoesNotContain("Ada Lovelace</h3>", graceHtml, StringComparison.Ordinal);
            Assert.Contains(await DraftTitleAsync("ada"), adaHtml, StringComparison.Ordinal);
            Assert.DoesNotContain(await DraftTitleAsync("ada"), graceHtml, StringComparison.Ordinal);
        }

        // Signed-in pages are never page-cached, so the layout rendered four times; the welcome box twice (one per user).
        Assert.Equal(before + 2, _site.Renders[WelcomeBoxViewComponent.Name]);
        Assert.Equal(1, _site.Renders[PopularPostsViewComponent.Name]);
    }

    [Fact]
    public async Task PostList_ThemeAndLanguage_OnePageCopyPerVariant()
    {
        var client = _site.CreateBrowserlessClient();

        var darkFrench = await client.GetPageAsync("/", "fr", "dark");
        Assert.Equal("miss", darkFrench.Cache);
        Assert.Contains("data-theme=\"dark\"", darkFrench.Html, StringComparison.Ordinal);
        Assert.Contains("Derniers articles", darkFrench.Html, StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\"", darkFrench.Html, StringComparison.Ordinal);

        var lightEnglish = await client.GetPageAsync("/", "en", "light");
        Assert.Equal("miss", lightEnglish.Cache);
        Assert.Contains("data-theme=\"light\"", lightEnglish.Html, StringComparison.Ordinal);
        Assert.Contains("Latest posts", lightEnglish.Html, StringComparison.Ordinal);

        var darkEnglish = await client.GetPageAsync("/", "en", "dark");
        Assert.Equal("miss", darkEnglish.Cache);
        Assert.Contains("data-theme=\"dark\"", darkEnglish.Html, StringComparison.Ordinal);
        Assert.Contains("Latest posts", darkEnglish.Html, StringComparison.Ordinal);

        var again = await client.GetPageAsync("/", "fr", "dark");
        Assert.Equal("hit", again.Cache);
        Assert.Equal(darkFrench.Html, again.Html);
        var againLight = await client.GetPageAsync("/", "en", "light");
        Assert.Equal("hit", againLight.Cache);
        Assert.Equal(lightEnglish.Html, againLight.Html);

        var page = _site.Stats.Get("page /");
        Assert.Equal(3, page.RenderedLookups);
        Assert.Equal(2, page.CachedLookups);

        // The sidebar fragments vary by language, not by theme: two renders of each.
        Assert.Equal(2, _site.Renders[PopularPostsViewComponent.Name]);
    }

    [Fact]
    public async Task EditPost_DropsItsPageTheListAndPopular_KeepsOtherMonthsArchive()
    {
        var (post, otherMonth) = await PopularPostAndOtherMonthAsync();
        var month = post.PublishedAt!.Value;
        var reader = _site.CreateBrowserlessClient();
        var postUrl = $"/posts/{post.Id}/{post.Slug}";
        var monthUrl = $"/archive/{month.Year}/{month.Month}";
        var otherUrl = $"/archive/{otherMonth.Year}/{otherMonth.Month}";

        foreach (var url in new[] { postUrl, "/", monthUrl, otherUrl, postUrl, "/" })
        {
            await reader.GetPageAsync(url);
        }

        Assert.Equal("hit", (await reader.GetPageAsync(postUrl)).Cache);
        Assert.Equal("hit", (await reader.GetPageAsync("/")).Cache);
        var popularBefore = _site.Renders[PopularPostsViewComponent.Name];
        var archiveBefore = _site.Renders[ArchiveViewComponent.Name];
        var monthBefore = _site.Renders["archive:" + month.ToString("yyyy-MM", CultureInfo.InvariantCulture)];
        var otherBefore = _site.Renders["archive:" + otherMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture)];
        Assert.Equal(1, otherBefore);

        var admin = _site.CreateBrowserlessClient();
        await admin.SignInAsync("ada");
        const string NewTitle = "Fresh title after an edit";
        await admin.SavePostAsync(post.Id, title: NewTitle);

        var postPage = await reader.GetPageAsync(postUrl);
        Assert.Equal("miss", postPage.Cache);
        Assert.Contains(NewTitle, postPage.Html, StringComparison.Ordinal);
        var list = await reader.GetPageAsync("/");
        Assert.Equal("miss", list.Cache);
        Assert.Equal(popularBefore + 1, _site.Renders[PopularPostsViewComponent.Name]);
        Assert.Contains(NewTitle, list.Html[list.Html.IndexOf("data-widget=\"popular-posts\"", StringComparison.Ordinal)..], StringComparison.Ordinal);

        await reader.GetPageAsync(monthUrl);
        await reader.GetPageAsync(otherUrl);
        Assert.Equal(monthBefore + 1, _site.Renders["archive:" + month.ToString("yyyy-MM", CultureInfo.InvariantCulture)]);
        Assert.Equal(otherBefore, _site.Renders["archive:" + otherMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture)]);

        // A title edit changes no month counts: the archive sidebar stays cached too.
        Assert.Equal(archiveBefore, _site.Renders[ArchiveViewComponent.Name]);
    }

    [Fact]
    public async Task Unpublish_DropsArchiveSidebarAndTagCloud()
    {
        var (post, _) = await PopularPostAndOtherMonthAsync();
        var reader = _site.CreateBrowserlessClient();
        await reader.GetPageAsync("/tags/caching");
        await reader.GetPageAsync("/tags/caching");
        Assert.Equal(1, _site.Renders[ArchiveViewComponent.Name]);

        var admin = _site.CreateBrowserlessClient();
        await admin.SignInAsync("ada");
        await admin.SavePostAsync(post.Id, published: false);

        await reader.GetPageAsync("/tags/caching");
        Assert.Equal(2, _site.Renders[ArchiveViewComponent.Name]);
        Assert.Equal(2, _site.Renders[TagCloudViewComponent.Name]);
        using var response = await reader.GetAsync($"/posts/{post.Id}/{post.Slug}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task About_PerSiteMiddleware_SecondRequestIsAHit()
    {
        var client = _site.CreateBrowserlessClient();
        var first = await client.GetPageAsync("/about");
        Assert.Contains("per-site middleware", first.Html, StringComparison.Ordinal);
        // The first response teaches the middleware the page's Vary (language, cookies); from then on it is stored.
        var second = await client.GetPageAsync("/about");
        var third = await client.GetPageAsync("/about");
        Assert.Equal("hit", third.Cache);
        Assert.Equal(second.Html, third.Html);
        Assert.True(_site.Stats.Get("page /about").CachedLookups >= 1);
    }

    [Fact]
    public async Task BlogTotals_LowLevelCache_ComputedOnceUntilASave()
    {
        var client = _site.CreateBrowserlessClient();
        foreach (var url in new[] { "/tags/caching", "/tags/razor", "/archive/2026/3" })
        {
            await client.GetPageAsync(url);
        }

        Assert.Equal(1, _site.Statistics.Computations);
        var admin = _site.CreateBrowserlessClient();
        await admin.SignInAsync("ada");
        var (post, _) = await PopularPostAndOtherMonthAsync();
        await admin.SavePostAsync(post.Id, body: "Short now.");
        await client.GetPageAsync("/tags/caching");
        Assert.Equal(2, _site.Statistics.Computations);
    }

    [Fact]
    public async Task CachePage_AfterTraffic_ReportsHitsMissesAndServers()
    {
        var client = _site.CreateBrowserlessClient();
        foreach (var url in new[] { "/", "/", "/tags/caching", "/tags/caching" })
        {
            await client.GetPageAsync(url);
        }

        var (html, _) = await client.GetPageAsync("/cache");
        Assert.Contains("id=\"chart-lookups\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-times\"", html, StringComparison.Ordinal);
        Assert.Contains("MemcachedCacheStore", html, StringComparison.Ordinal);
        Assert.Contains(memcached.Address, html, StringComparison.Ordinal);
        Assert.Contains("badge ok\">up", html, StringComparison.Ordinal);

        var json = await client.GetStringAsync("/cache/stats.json");
        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        Assert.Equal(1, rows["page /"].GetProperty("misses").GetInt64());
        Assert.Equal(1, rows["page /"].GetProperty("hits").GetInt64());
        // The layout rendered for "/" once and for the tag page twice (plus /cache itself after the snapshot).
        Assert.Equal(1, rows["popular-posts"].GetProperty("misses").GetInt64());
        Assert.True(rows["popular-posts"].GetProperty("hits").GetInt64() >= 2);
        Assert.True(rows["popular-posts"].GetProperty("meanRenderMs").GetDouble() > 0);
        Assert.Contains("<tr data-name=\"popular-posts\">", html, StringComparison.Ordinal);
    }

    private async Task<string> DraftTitleAsync(string userName)
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        return await db.Posts.Where(p => p.Author!.UserName == userName && p.PublishedAt == null).Select(p => p.Title).FirstAsync();
    }

    /// <summary>The most popular post (so it is in the sidebar) and a month in which it was not published.</summary>
    private async Task<(Post Post, DateTime OtherMonth)> PopularPostAndOtherMonthAsync()
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var posts = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).Include(p => p.Comments).ToListAsync();
        var post = posts.OrderByDescending(p => p.Views + (p.Comments.Count * 100)).First();
        var other = posts.Select(p => p.PublishedAt!.Value).First(d => d.Year != post.PublishedAt!.Value.Year || d.Month != post.PublishedAt.Value.Month);
        return (post, other);
    }
}

using BlogSite.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlogSite.Tests.Browser;

/// <summary>What a person sees in Chromium: sign-in, the welcome box, the theme switch, an edit, the /cache charts.</summary>
public sealed class BlogSiteBrowserTests(BrowserSiteFixture fixture) : IClassFixture<BrowserSiteFixture>
{
    [Fact]
    public async Task SignIn_AsGrace_SeesOwnWelcomeBoxAndDrafts()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Equal("Hello, reader", (await page.Locator("[data-widget=welcome] h3").TextContentAsync())?.Trim());

        await SignInAsync(page, "grace");

        Assert.Equal("Grace Hopper", await page.Locator("#signed-in-as").InnerTextAsync());
        Assert.Equal("Welcome back, Grace Hopper", await page.Locator(".welcome-name").InnerTextAsync());
        var drafts = await page.Locator(".drafts li").AllInnerTextsAsync();
        Assert.NotEmpty(drafts);
        Assert.Contains(await DraftTitleAsync("grace"), drafts);
        Assert.DoesNotContain(await DraftTitleAsync("ada"), drafts);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ThemeSwitch_Click_PageTurnsDarkAndStaysDark()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Equal("light", await page.Locator("html").GetAttributeAsync("data-theme"));
        var light = await BackgroundAsync(page);

        await page.ClickAsync("#theme-switch");
        await page.WaitForFunctionAsync("document.documentElement.dataset.theme === 'dark'");
        Assert.NotEqual(light, await BackgroundAsync(page));

        await page.GotoAsync("/about");
        Assert.Equal("dark", await page.Locator("html").GetAttributeAsync("data-theme"));
        await page.GotoAsync("/");
        Assert.Equal("dark", await page.Locator("html").GetAttributeAsync("data-theme"));
        Assert.Contains("Light theme", await page.Locator("#theme-switch").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSiteFixture.ScreenshotPath("home-dark.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AdminEditsPost_PublicPageShowsTheChangeAtOnce()
    {
        var (id, slug) = await OldestPostAsync();
        var reader = await fixture.NewPageAsync();
        var url = $"/posts/{id}/{slug}";
        await reader.GotoAsync(url);
        var response = await reader.ReloadAsync();
        Assert.Equal("hit", response!.Headers["x-fragment-cache"]);

        var admin = await fixture.NewPageAsync();
        await SignInAsync(admin, "ada");
        await admin.GotoAsync($"/admin/posts/{id}");
        const string NewTitle = "Notes on fragment caching, revised in the browser";
        await admin.FillAsync("#title", NewTitle);
        await admin.ClickAsync("#save");
        await admin.Locator("#saved").WaitForAsync();

        await reader.ReloadAsync();
        Assert.Equal(NewTitle, await reader.Locator("#post-title").InnerTextAsync());
        await reader.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task CachePage_AfterBrowsing_ShowsChartsAndServerHealth_SavesScreenshots()
    {
        var reader = await fixture.NewPageAsync();
        foreach (var url in new[] { "/", "/", "/about", "/tags/caching", "/tags/caching", "/archive/2026/3", "/" })
        {
            await reader.GotoAsync(url);
        }

        // About says max-age=600, so Chromium keeps it itself; a reload asks the server (and its page cache) again.
        await reader.GotoAsync("/about");
        await reader.ReloadAsync();
        await reader.ReloadAsync();

        var page = await fixture.NewPageAsync();
        await SignInAsync(page, "ada");
        await page.GotoAsync("/");
        await page.GotoAsync("/tags/memcached");
        await page.GotoAsync("/");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSiteFixture.ScreenshotPath("home.png") });

        await page.GotoAsync("/cache");
        Assert.True(await page.Locator("#chart-lookups rect.bar.hit").CountAsync() >= 4);
        Assert.True(await page.Locator("#chart-times rect.bar.miss").CountAsync() >= 4);
        Assert.True(await page.Locator("#chart-lookups").IsVisibleAsync());
        var rows = await page.Locator("#cache-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.name)");
        Assert.Contains("page /about", rows);
        Assert.Contains("page /", rows);
        var popular = page.Locator("tr[data-name='popular-posts']");
        Assert.True(int.Parse(await popular.Locator(".hits").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) >= 3);
        Assert.Equal("MemcachedCacheStore", await page.Locator("#store-name").InnerTextAsync());
        Assert.Equal("up", await page.Locator("#servers .badge").First.InnerTextAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSiteFixture.ScreenshotPath("cache.png"), FullPage = true });
        await reader.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", BlogSeeder.Password);
        await page.ClickAsync("#sign-in-button");
        await page.Locator("#signed-in-as").WaitForAsync();
    }

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");

    private async Task<string> DraftTitleAsync(string userName)
    {
        using var scope = fixture.Site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        return await db.Posts.Where(p => p.Author!.UserName == userName && p.PublishedAt == null).Select(p => p.Title).FirstAsync();
    }

    private async Task<(int Id, string Slug)> OldestPostAsync()
    {
        using var scope = fixture.Site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.Where(p => p.PublishedAt != null).OrderBy(p => p.PublishedAt).FirstAsync();
        return (post.Id, post.Slug);
    }
}

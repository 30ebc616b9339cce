using System.Globalization;
using BlogSite.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlogSite.Tests.Browser;

/// <summary>
/// The blog on a phone-sized window (390 px) in Chromium: the menu that replaces the header's links, the icon, and a
/// /cache page whose hit times are visible and whose tables stay one line per row.
/// </summary>
public sealed class SmallScreenBrowserTests(BrowserSiteFixture fixture) : IClassFixture<BrowserSiteFixture>
{
    private const int PhoneWidth = 390;
    private const int PhoneHeight = 844;

    [Fact]
    public async Task Menu_At390Px_OpensFromTheKeyboardShowsTheLinksAndNavigates_SavesScreenshot()
    {
        var page = await fixture.NewPageAsync(PhoneWidth, PhoneHeight);
        await page.GotoAsync("/");
        var button = page.Locator("#menu-button");
        var links = page.Locator("#menu-links a");
        Assert.False(await page.Locator("nav.nav").IsVisibleAsync());
        Assert.True(await button.IsVisibleAsync());
        Assert.Equal("menu-links", await button.GetAttributeAsync("aria-controls"));
        Assert.Equal("false", await button.GetAttributeAsync("aria-expanded"));
        Assert.False(await links.First.IsVisibleAsync());

        // The keyboard reaches the button with Tab, and Enter opens it.
        await page.Locator("body").FocusAsync();
        for (var i = 0; i < 8 && await page.EvaluateAsync<string>("document.activeElement.id") != "menu-button"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("menu-button", await page.EvaluateAsync<string>("document.activeElement.id"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForFunctionAsync("document.getElementById('menu-button').getAttribute('aria-expanded') === 'true'");
        Assert.Equal(new[] { "Home", "About", "Cache" }, await links.AllInnerTextsAsync());
        foreach (var link in await links.AllAsync())
        {
            Assert.True(await link.IsVisibleAsync());
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSiteFixture.ScreenshotPath("menu-mobile.png") });

        // Escape closes it; a click opens it again, and a link goes where it says.
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForFunctionAsync("document.getElementById('menu-button').getAttribute('aria-expanded') === 'false'");
        Assert.False(await links.First.IsVisibleAsync());
        await button.ClickAsync();
        await page.Locator("#menu-links a[href='/about']").ClickAsync();
        await page.WaitForURLAsync("**/about");
        Assert.Equal("About", await page.Locator("h1.page-title").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Menu_OnADesktop_IsHiddenAndTheHeaderLinksShow()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");

        Assert.False(await page.Locator("#menu-button").IsVisibleAsync());
        Assert.Equal(new[] { "Home", "About", "Cache" }, await page.Locator("nav.nav a").AllInnerTextsAsync());
        Assert.True(await page.Locator("nav.nav a").First.IsVisibleAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Pages_InChromium_LinkAnIconAndLoadWithoutFailedRequestsOrConsoleErrors()
    {
        var (id, slug) = await NewestPostAsync();
        var page = await fixture.NewPageAsync(PhoneWidth, PhoneHeight);
        var failures = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add("console: " + message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Add(response.Status.ToString(CultureInfo.InvariantCulture) + " " + response.Url);
            }
        };

        foreach (var url in new[] { "/", "/about", $"/posts/{id}/{slug}", "/cache" })
        {
            await page.GotoAsync(url);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        var icon = await page.EvaluateAsync<string?>("document.querySelector('link[rel=icon]')?.href ?? null");
        Assert.NotNull(icon);
        var answer = await page.Context.APIRequest.GetAsync(icon);
        Assert.Equal(200, answer.Status);
        Assert.StartsWith("image/", answer.Headers["content-type"], StringComparison.Ordinal);
        Assert.Empty(failures);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task CachePage_HitBarsHaveAVisibleWidthAndTableRowsStayOneLine()
    {
        var reader = await fixture.NewPageAsync();
        foreach (var url in new[] { "/", "/", "/tags/caching", "/tags/caching", "/tags/memcached", "/archive/2026/3", "/archive/2026/3", "/" })
        {
            await reader.GotoAsync(url);
        }

        await reader.GotoAsync("/cache");
        var rows = reader.Locator("#chart-times g.row");
        var withHits = 0;
        foreach (var row in await rows.AllAsync())
        {
            var bar = row.Locator("rect.bar.hit");
            var title = await bar.Locator("title").TextContentAsync() ?? "";
            var hitMs = double.Parse(title.Replace("hit", "", StringComparison.Ordinal).Replace("ms", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            if (hitMs <= 0)
            {
                continue;
            }

            withHits++;
            var box = await bar.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Width >= 8, $"the hit bar of {await row.Locator("text.label").TextContentAsync()} ({hitMs} ms) is {box.Width} px wide");
        }

        Assert.True(withHits >= 3, $"{withHits} rows with hits");
        await reader.Context.CloseAsync();

        var phone = await fixture.NewPageAsync(PhoneWidth, PhoneHeight);
        await phone.GotoAsync("/cache");
        var wrapped = await phone.Locator("#cache-table th, #cache-table td, #server-table th, #server-table td").EvaluateAllAsync<string[]>(
            """
            cells => cells.filter(c => {
                const s = getComputedStyle(c);
                const content = c.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
                return content > parseFloat(s.lineHeight) * 1.5;
            }).map(c => c.textContent.trim())
            """);
        Assert.True(await phone.Locator("#cache-table td").CountAsync() >= 21);
        Assert.Empty(wrapped);

        // The tables scroll inside their box; the page itself is no wider than the phone.
        Assert.True(await phone.EvaluateAsync<bool>("(() => { const b = document.querySelector('#cache-table').parentElement; return b.scrollWidth > b.clientWidth; })()"));
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= PhoneWidth);
        await phone.Context.CloseAsync();
    }

    private async Task<(int Id, string Slug)> NewestPostAsync()
    {
        using var scope = fixture.Site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.Where(p => p.PublishedAt != null).OrderByDescending(p => p.PublishedAt).FirstAsync();
        return (post.Id, post.Slug);
    }
}

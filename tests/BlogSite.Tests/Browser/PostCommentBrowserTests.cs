using BlogSite.Controllers;
using BlogSite.Data;
using BlogSite.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlogSite.Tests.Browser;

/// <summary>What two signed-in people see on one cached post in Chromium: their own name and a comment form that works.</summary>
public sealed class PostCommentBrowserTests(BrowserSiteFixture fixture) : IClassFixture<BrowserSiteFixture>
{
    [Fact]
    public async Task CommentForm_TwoUsersOnOneCachedPost_BothCommentsAreSavedAndShown()
    {
        var url = await PostUrlAsync();
        var renders = fixture.Site.Services.GetRequiredService<PageRenders>();
        var ada = await fixture.NewPageAsync();
        var grace = await fixture.NewPageAsync();
        await SignInAsync(ada, "ada");
        await SignInAsync(grace, "grace");
        var actions = renders[PageRenders.PostAction];

        await ada.GotoAsync(url);
        var graceResponse = await grace.GotoAsync(url);
        Assert.Equal("hit", graceResponse!.Headers["x-fragment-cache"]);
        Assert.Equal(actions + 1, renders[PageRenders.PostAction]);
        Assert.Equal("Ada Lovelace", await ada.Locator("#signed-in-as").InnerTextAsync());
        Assert.Equal("Grace Hopper", await grace.Locator("#signed-in-as").InnerTextAsync());
        Assert.Equal("Grace Hopper", await grace.Locator("#comment-as").InnerTextAsync());

        const string AdaSays = "Ada was here, through the comment hole.";
        const string GraceSays = "Grace too, from the cached copy.";
        await ada.FillAsync("#comment-body", AdaSays);
        await ada.ClickAsync("#comment-submit");
        await ada.Locator(".comment", new PageLocatorOptions { HasText = AdaSays }).WaitForAsync();

        // Grace's form came with the page's hit, before Ada's comment: her token still validates.
        await grace.FillAsync("#comment-body", GraceSays);
        await grace.ClickAsync("#comment-submit");
        await grace.Locator(".comment", new PageLocatorOptions { HasText = GraceSays }).WaitForAsync();
        Assert.Equal(1, await grace.Locator(".comment", new PageLocatorOptions { HasText = AdaSays }).CountAsync());
        Assert.Equal("Grace Hopper", await grace.Locator("#signed-in-as").InnerTextAsync());

        await ada.ReloadAsync();
        Assert.Equal(1, await ada.Locator(".comment", new PageLocatorOptions { HasText = GraceSays }).CountAsync());
        Assert.Equal("Ada Lovelace", await ada.Locator("#signed-in-as").InnerTextAsync());
        await ada.Context.CloseAsync();
        await grace.Context.CloseAsync();
    }

    [Fact]
    public async Task Reader_OnAPost_SeesSignInToCommentThatLeadsBack()
    {
        var url = await PostUrlAsync(skip: 1);
        var reader = await fixture.NewPageAsync();
        await reader.GotoAsync(url);
        Assert.Equal(0, await reader.Locator("#comment-body").CountAsync());

        await reader.ClickAsync("#comment-sign-in a");
        await reader.FillAsync("#username", "alan");
        await reader.FillAsync("#password", BlogSeeder.Password);
        await reader.ClickAsync("#sign-in-button");
        await reader.Locator("#comment-body").WaitForAsync();
        Assert.EndsWith(url, new Uri(reader.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("Alan Turing", await reader.Locator("#signed-in-as").InnerTextAsync());
        await reader.Context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", BlogSeeder.Password);
        await page.ClickAsync("#sign-in-button");
        await page.Locator("#signed-in-as").WaitForAsync();
    }

    /// <summary>A recent published post no other browser test opens.</summary>
    private async Task<string> PostUrlAsync(int skip = 0)
    {
        using var scope = fixture.Site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.Where(p => p.PublishedAt != null).OrderByDescending(p => p.PublishedAt).Skip(skip).FirstAsync();
        return PostsController.PostUrl(post.Id, post.Slug);
    }
}

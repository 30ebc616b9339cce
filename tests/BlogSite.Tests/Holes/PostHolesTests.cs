using System.Net;
using BlogSite.Controllers;
using BlogSite.Data;
using BlogSite.Services;
using BlogSite.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Holes;

/// <summary>
/// The post page, cached whole with <c>[CachePage]</c>, and its holes (the header's user box, the welcome box, the comment
/// form) over real HTTP and a real memcached: readers and signed-in users share one cached copy, and each gets their own
/// name, antiforgery token and cookie from it.
/// </summary>
public sealed class PostHolesTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private const string PageName = "page /posts/{id:int}/{slug?}";

    private BlogSiteFactory _site = null!;

    private PageRenders Renders => _site.Services.GetRequiredService<PageRenders>();

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task CachedPost_TwoUsersAndAReader_EachGetsOwnNameTokenAndCookie_CommentsPostedAfterHitsValidate()
    {
        var (id, slug) = await PostAsync();
        var url = PostsController.PostUrl(id, slug);
        using var reader = HoleVisitor.Anonymous(_site);
        using var ada = await HoleVisitor.SignedInAsync(_site, "ada", "Ada Lovelace");
        using var grace = await HoleVisitor.SignedInAsync(_site, "grace", "Grace Hopper");
        Assert.Null(ada.AntiforgeryCookie);
        Assert.Null(grace.AntiforgeryCookie);
        var (actions, views, layouts) = (Renders[PageRenders.PostAction], Renders[PageRenders.PostView], Renders[PageRenders.Layout]);

        // The reader's request fills the cache.
        var first = await reader.GetAsync(url);
        Assert.Equal("miss", first.Cache);
        AssertReaderPage(first);

        // Both users are served from that one entry, each with their own holes.
        var adaPage = await ada.GetAsync(url);
        var gracePage = await grace.GetAsync(url);
        var again = await reader.GetAsync(url);

        // One render of the action, the view and the layout served four requests; the rest of each was the shared entry.
        Assert.Equal(actions + 1, Renders[PageRenders.PostAction]);
        Assert.Equal(views + 1, Renders[PageRenders.PostView]);
        Assert.Equal(layouts + 1, Renders[PageRenders.Layout]);
        Assert.Equal(1, _site.Stats.Get(PageName).RenderedLookups);
        Assert.Equal(3, _site.Stats.Get(PageName).CachedLookups);
        foreach (var (page, visitor) in new[] { (adaPage, ada), (gracePage, grace) })
        {
            Assert.Equal("hit", page.Cache);
            Assert.Equal([visitor.DisplayName!], page.SignedInAs);
            Assert.Contains("id=\"comment-as\">" + visitor.DisplayName + "<", page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("comment-sign-in", page.Html, StringComparison.Ordinal);
            Assert.NotNull(page.CommentToken);

            // The antiforgery cookie the comment form's hole set goes out with this response, on a hit.
            Assert.True(page.SetsAntiforgeryCookie, string.Join(" | ", page.SetCookies));
            Assert.NotNull(visitor.AntiforgeryCookie);
            Assert.Contains("private", page.CacheControl, StringComparison.Ordinal);
            Assert.DoesNotContain("public", page.CacheControl, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Grace Hopper", adaPage.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada Lovelace", gracePage.Html, StringComparison.Ordinal);
        Assert.NotEqual(adaPage.CommentToken, gracePage.CommentToken);
        Assert.NotEqual(ada.AntiforgeryCookie, grace.AntiforgeryCookie);
        Assert.Equal("hit", again.Cache);
        AssertReaderPage(again);

        // A token from a hit is the user's own: it validates for them and for no one else.
        using (var stolen = await grace.CommentAsync(id, adaPage.CommentToken, "Posted with the token of someone else."))
        {
            Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        }

        using (var posted = await ada.CommentAsync(id, adaPage.CommentToken, "A comment by Ada, from a cached page."))
        {
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Equal(url + "#comments", posted.Headers.Location?.OriginalString);
        }

        using (var posted = await grace.CommentAsync(id, gracePage.CommentToken, "A comment by Grace, from the same cached page."))
        {
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        }

        // The saves dropped the page: it renders once more, with both comments, and is shared again.
        var after = await reader.GetAsync(url);
        Assert.Equal("miss", after.Cache);
        Assert.Contains("A comment by Ada, from a cached page.", after.Html, StringComparison.Ordinal);
        Assert.Contains("A comment by Grace, from the same cached page.", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("the token of someone else", after.Html, StringComparison.Ordinal);
        var adaAfter = await ada.GetAsync(url);
        Assert.Equal("hit", adaAfter.Cache);
        Assert.Contains("A comment by Grace, from the same cached page.", adaAfter.Html, StringComparison.Ordinal);
        Assert.Equal(actions + 2, Renders[PageRenders.PostAction]);
        Assert.Equal(2, await CommentCountAsync(id, "Ada Lovelace", "Grace Hopper"));
    }

    [Fact]
    public async Task CachedPost_FrenchUserOnAFrenchReadersEntry_HolesSpeakFrench()
    {
        var (id, slug) = await PostAsync();
        var url = PostsController.PostUrl(id, slug);
        using var reader = HoleVisitor.Anonymous(_site);
        using var grace = await HoleVisitor.SignedInAsync(_site, "grace", "Grace Hopper");

        var readerPage = await reader.GetAsync(url, "fr");
        Assert.Equal("miss", readerPage.Cache);
        Assert.Contains("Connectez-vous pour commenter", readerPage.Html, StringComparison.Ordinal);

        var actions = Renders[PageRenders.PostAction];
        var gracePage = await grace.GetAsync(url, "fr");
        Assert.Equal(actions, Renders[PageRenders.PostAction]);
        var text = WebUtility.HtmlDecode(gracePage.Html);
        Assert.Contains("Connecté en tant que <span class=\"user\" id=\"signed-in-as\">Grace Hopper</span>", text, StringComparison.Ordinal);
        Assert.Contains("Publier le commentaire", text, StringComparison.Ordinal);
        Assert.Contains("Bon retour, Grace Hopper", text, StringComparison.Ordinal);
        Assert.NotNull(gracePage.CommentToken);
    }

    [Fact]
    public async Task Comment_WithoutSignInOrToken_IsRefusedAndNothingIsSaved()
    {
        var (id, slug) = await PostAsync();
        using var reader = HoleVisitor.Anonymous(_site);
        using var ada = await HoleVisitor.SignedInAsync(_site, "ada", "Ada Lovelace");

        using (var anonymous = await reader.CommentAsync(id, null, "A reader's comment."))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("http://localhost/account/login", anonymous.Headers.Location?.ToString(), StringComparison.Ordinal);
        }

        using (var noToken = await ada.CommentAsync(id, null, "A comment without a token."))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        }

        var page = await ada.GetAsync(PostsController.PostUrl(id, slug));
        using (var empty = await ada.CommentAsync(id, page.CommentToken, "   "))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        Assert.Equal(0, await CommentCountAsync(id, "Ada Lovelace"));
    }

    [Fact]
    public async Task UserMenu_SignOutForm_CarriesATokenAndSignsOut()
    {
        using var ada = await HoleVisitor.SignedInAsync(_site, "ada", "Ada Lovelace");
        var (html, _) = await ada.Client.GetPageAsync("/tags/caching");
        var form = html[html.IndexOf("action=\"/account/logout\"", StringComparison.Ordinal)..];
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);

        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await ada.Client.PostAsync("/account/logout", content);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var (after, _) = await ada.Client.GetPageAsync("/tags/caching");
        Assert.DoesNotContain("id=\"signed-in-as\"", after, StringComparison.Ordinal);
        Assert.Contains("id=\"sign-in\"", after, StringComparison.Ordinal);
    }

    private static void AssertReaderPage(HolePage page)
    {
        Assert.Empty(page.SignedInAs);
        Assert.Contains("id=\"sign-in\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"comment-sign-in\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("Hello, reader", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("__RequestVerificationToken", page.Html, StringComparison.Ordinal);
        Assert.False(page.SetsAntiforgeryCookie);
    }

    /// <summary>A published post by Alan: no other name the tests look for is on it outside the holes.</summary>
    private async Task<(int Id, string Slug)> PostAsync()
    {
        await using var scope = _site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null && p.Author!.UserName == "alan").OrderBy(p => p.Id).FirstAsync();
        return (post.Id, post.Slug);
    }

    private async Task<int> CommentCountAsync(int postId, params string[] names)
    {
        await using var scope = _site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        return await db.Comments.CountAsync(c => c.PostId == postId && names.Contains(c.Name));
    }
}

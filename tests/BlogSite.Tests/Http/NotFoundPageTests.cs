using System.Net;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>
/// The 404 page on a real memcached: in the site's layout and language, status 404, and never stored by the page
/// cache, so a page that exists (or starts to exist) is never answered with it.
/// </summary>
public sealed class NotFoundPageTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Theory]
    [InlineData("en", "Page not found", "Back to the latest posts")]
    [InlineData("fr", "Page introuvable", "Retour aux derniers articles")]
    public async Task UnknownPath_InEitherLanguage_Is404InTheSiteLayout(string language, string title, string link)
    {
        var client = _site.CreateBrowserlessClient();

        var (status, html, response) = await GetAsync(client, "/no-such-page", language);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"" + language + "\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"site-header\"", html, StringComparison.Ordinal);
        Assert.Contains("data-widget=\"popular-posts\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"error-page\" data-status=\"404\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>" + title + " · Cached Thoughts</title>", html, StringComparison.Ordinal);
        Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(link), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPost_OnAPageCachedRoute_Stays404AndIsNeverStored()
    {
        var client = _site.CreateBrowserlessClient();

        for (var i = 0; i < 3; i++)
        {
            var (status, html, response) = await GetAsync(client, "/posts/99999/no-such-post", "en");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("id=\"error-page\"", html, StringComparison.Ordinal);
            Assert.NotEqual("hit", response.Headers.TryGetValues(SiteClient.CacheHeader, out var v) ? v.Single() : null);
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        }

        // A real post on the same route renders, then is a hit with its own body, never the error page.
        var (id, slug, title) = await NewestPostAsync();
        var first = await client.GetPageAsync($"/posts/{id}/{slug}");
        var second = await client.GetPageAsync($"/posts/{id}/{slug}");
        Assert.Equal("hit", second.Cache);
        foreach (var html in new[] { first.Html, second.Html })
        {
            Assert.Contains(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(title), html, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"error-page\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DraftPost_404ThenPublished_ServesThePostNotTheErrorPage()
    {
        var (id, slug) = await DraftAsync("grace");
        var reader = _site.CreateBrowserlessClient();
        for (var i = 0; i < 2; i++)
        {
            var (status, html, _) = await GetAsync(reader, $"/posts/{id}/{slug}", "en");
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("id=\"error-page\"", html, StringComparison.Ordinal);
        }

        var grace = _site.CreateBrowserlessClient();
        await grace.SignInAsync("grace");
        await grace.SavePostAsync(id, published: true);

        var (page, _) = await reader.GetPageAsync($"/posts/{id}/{slug}");
        Assert.Contains("id=\"post-title\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"error-page\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorRoute_RequestedDirectly_KeepsItsStatus()
    {
        var client = _site.CreateBrowserlessClient();

        var (status, html, _) = await GetAsync(client, "/error/404", "en");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("id=\"error-page\" data-status=\"404\"", html, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, string Html, HttpResponseMessage Response)> GetAsync(HttpClient client, string url, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    private async Task<(int Id, string Slug, string Title)> NewestPostAsync()
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).OrderByDescending(p => p.PublishedAt).FirstAsync();
        return (post.Id, post.Slug, post.Title);
    }

    private async Task<(int Id, string Slug)> DraftAsync(string userName)
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.AsNoTracking().Where(p => p.Author!.UserName == userName && p.PublishedAt == null).FirstAsync();
        return (post.Id, post.Slug);
    }
}

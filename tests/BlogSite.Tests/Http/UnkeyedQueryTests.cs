using System.Text.RegularExpressions;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>
/// Web cache poisoning through the query string: what one visitor adds to the URL of a cached page (a tracking
/// parameter, a script) never reaches the page another visitor gets, on a real memcached.
/// </summary>
public sealed partial class UnkeyedQueryTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private const string Poison = "POISON";

    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task PostList_PoisonedQueryFirst_NextVisitorGetsNoTraceOfIt()
    {
        var attacker = _site.CreateBrowserlessClient();
        var visitor = _site.CreateBrowserlessClient();

        var (poisoned, _) = await attacker.GetPageAsync("/?utm_source=" + Poison + "&q=%3Cscript%3E" + Poison);
        var (html, cache) = await visitor.GetPageAsync("/");

        Assert.Equal("hit", cache);
        Assert.DoesNotContain(Poison, poisoned, StringComparison.Ordinal);
        Assert.DoesNotContain(Poison, html, StringComparison.Ordinal);
        Assert.Contains("href=\"/theme/dark?returnUrl=%2F\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/login?returnUrl=%2F\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostList_KeyedPageNumber_StillInTheReturnUrl()
    {
        var visitor = _site.CreateBrowserlessClient();

        var (html, _) = await visitor.GetPageAsync("/?utm_source=" + Poison + "&page=2");

        Assert.DoesNotContain(Poison, html, StringComparison.Ordinal);
        Assert.Contains("returnUrl=%2F%3Fpage%3D2\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PoisonedQueryFirst_NextVisitorGetsNoTraceOfIt()
    {
        await using var scope = _site.Services.CreateAsyncScope();
        var post = await scope.ServiceProvider.GetRequiredService<BlogDbContext>().Posts.AsNoTracking()
            .Where(p => p.PublishedAt != null).OrderBy(p => p.Id).FirstAsync(TestContext.Current.CancellationToken);
        var url = $"/posts/{post.Id}/{post.Slug}";
        var attacker = _site.CreateBrowserlessClient();
        var visitor = _site.CreateBrowserlessClient();

        var (poisoned, _) = await attacker.GetPageAsync(url + "?utm_source=" + Poison);
        var (html, cache) = await visitor.GetPageAsync(url);

        Assert.Equal("hit", cache);
        Assert.DoesNotContain(Poison, poisoned, StringComparison.Ordinal);
        Assert.DoesNotContain(Poison, html, StringComparison.Ordinal);
        Assert.Matches(ReturnUrl(), html);
    }

    [GeneratedRegex("returnUrl=%2Fposts%2F\\d+%2F[^\"%]+\"")]
    private static partial Regex ReturnUrl();
}

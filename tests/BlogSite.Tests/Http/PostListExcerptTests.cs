using BlogSite.Controllers;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>The post list's excerpts on the seeded blog: a sentence naming ASP.NET is shown whole, not cut at "ASP.".</summary>
public sealed class PostListExcerptTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private const string AspNetSentence = "Django made four levels of caching feel ordinary; ASP.NET Core deserves the same.";

    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task PostList_PostOpeningWithAspNet_ExcerptIsTheWholeSentence()
    {
        var (index, count) = await PostOpeningWithAsync(AspNetSentence);
        Assert.True(count > 0, "no seeded post opens with the ASP.NET sentence");
        var page = (index / PostsController.PageSize) + 1;
        var client = _site.CreateBrowserlessClient();

        var (html, _) = await client.GetPageAsync(page == 1 ? "/" : "/?page=" + page);

        Assert.Contains("<p class=\"excerpt\">" + AspNetSentence + "</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ordinary; ASP.</p>", html, StringComparison.Ordinal);
    }

    /// <summary>Where the first published post whose body opens with <paramref name="sentence"/> sits in the list, and how many do.</summary>
    private async Task<(int Index, int Count)> PostOpeningWithAsync(string sentence)
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var bodies = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).OrderByDescending(p => p.PublishedAt)
            .Select(p => p.Body).ToListAsync();
        return (bodies.FindIndex(b => b.StartsWith(sentence, StringComparison.Ordinal)), bodies.Count(b => b.StartsWith(sentence, StringComparison.Ordinal)));
    }
}

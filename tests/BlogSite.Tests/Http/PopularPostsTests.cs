using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using BlogSite.ViewComponents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>The "Popular posts" sidebar: it shows the score it is sorted by, and counts comments in good English and French.</summary>
public sealed partial class PopularPostsTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task PopularList_ShowsTheScoreItIsSortedBy()
    {
        var client = _site.CreateBrowserlessClient();

        var (html, _) = await client.GetPageAsync("/tags/caching");

        var items = Items(html);
        Assert.Equal(5, items.Count);
        Assert.All(items, i => Assert.True(i.Groups["score"].Success, "no score on " + i.Value));
        var expected = await ScoresAsync();
        var scores = items.Select(i => int.Parse(i.Groups["score"].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        foreach (var item in items)
        {
            var id = int.Parse(item.Groups["id"].Value, CultureInfo.InvariantCulture);
            var score = int.Parse(item.Groups["score"].Value, CultureInfo.InvariantCulture);
            Assert.Equal(expected[id], score);
            Assert.Contains("score " + score.ToString("N0", CultureInfo.GetCultureInfo("en")), item.Value, StringComparison.Ordinal);
        }

        Assert.Equal(expected.Values.OrderDescending().Take(5), scores);
    }

    [Theory]
    [InlineData("en", "0 comments", "1 comment", "2 comments")]
    [InlineData("fr", "0 commentaire", "1 commentaire", "2 commentaires")]
    public async Task PopularList_CommentCounts_SingularAndPluralInTheReadersLanguage(string language, string none, string one, string two)
    {
        // Three posts on top of the list, with 0, 1 and 2 comments.
        var ids = await MakePopularAsync([0, 1, 2]);
        var client = _site.CreateBrowserlessClient();

        var (html, _) = await client.GetPageAsync("/tags/caching", language);

        var items = Items(html).ToDictionary(i => int.Parse(i.Groups["id"].Value, CultureInfo.InvariantCulture), i => i.Value);
        Assert.EndsWith(none + "</span></li>", items[ids[0]], StringComparison.Ordinal);
        Assert.EndsWith(one + "</span></li>", items[ids[1]], StringComparison.Ordinal);
        Assert.EndsWith(two + "</span></li>", items[ids[2]], StringComparison.Ordinal);
    }

    private static List<Match> Items(string html) =>
        [.. PopularItem().Matches(html[html.IndexOf("data-widget=\"popular-posts\"", StringComparison.Ordinal)..]).Cast<Match>()];

    private async Task<Dictionary<int, int>> ScoresAsync()
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var posts = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null)
            .Select(p => new { p.Id, p.Views, Comments = p.Comments.Count }).ToListAsync();
        return posts.ToDictionary(p => p.Id, p => p.Views + (p.Comments * PopularPost.CommentWeight));
    }

    /// <summary>For each comment count, a published post with exactly that many comments, raised to the top by its views.</summary>
    private async Task<int[]> MakePopularAsync(int[] commentCounts)
    {
        using var scope = _site.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var posts = await db.Posts.Where(p => p.PublishedAt != null).Include(p => p.Comments).OrderBy(p => p.Id).ToListAsync();
        var ids = new int[commentCounts.Length];
        for (var i = 0; i < commentCounts.Length; i++)
        {
            var post = posts.First(p => p.Comments.Count == commentCounts[i] && !ids.Contains(p.Id));
            post.Views = 1_000_000 - (i * 1_000);
            ids[i] = post.Id;
        }

        await db.SaveChangesAsync();
        return ids;
    }

    [GeneratedRegex("<li(?: data-score=\"(?<score>[0-9]+)\")?><a href=\"/posts/(?<id>[0-9]+)/[^\"]*\">.*?</li>")]
    private static partial Regex PopularItem();
}

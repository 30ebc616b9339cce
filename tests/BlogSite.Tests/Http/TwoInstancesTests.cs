using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using BlogSite.ViewComponents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Http;

/// <summary>Two instances of the site (one database, one memcached, one key prefix) share fragments and invalidations.</summary>
public sealed class TwoInstancesTests(MemcachedServerFixture memcached)
{
    [Fact]
    public async Task TwoInstances_OneRendersTheOtherHits_AndAnEditOnOneIsSeenOnTheOther()
    {
        var database = BlogSiteFactory.NewDatabasePath();
        var prefix = BlogSiteFactory.NewKeyPrefix();
        try
        {
            await using var a = new BlogSiteFactory(memcached.Address, database, prefix);
            await using var b = new BlogSiteFactory(memcached.Address, database, prefix);
            var readerA = a.CreateBrowserlessClient();
            var readerB = b.CreateBrowserlessClient();

            await readerA.GetPageAsync("/tags/caching");
            var onB = await readerB.GetPageAsync("/tags/caching");
            Assert.Equal("hit", onB.Cache);
            Assert.Equal(1, a.Renders[PopularPostsViewComponent.Name]);
            Assert.Equal(0, b.Renders[PopularPostsViewComponent.Name]);

            int id;
            string slug;
            using (var scope = a.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
                (id, slug) = await db.Posts.Where(p => p.PublishedAt != null).OrderBy(p => p.Id).Select(p => ValueTuple.Create(p.Id, p.Slug)).FirstAsync();
            }

            var url = $"/posts/{id}/{slug}";
            await readerB.GetPageAsync(url);
            Assert.Equal("hit", (await readerA.GetPageAsync(url)).Cache);

            var admin = a.CreateBrowserlessClient();
            await admin.SignInAsync("ada");
            await admin.SavePostAsync(id, title: "Edited on instance A");

            var after = await readerB.GetPageAsync(url);
            Assert.Equal("miss", after.Cache);
            Assert.Contains("Edited on instance A", after.Html, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-shm", "-wal" })
            {
                File.Delete(database + suffix);
            }
        }
    }
}

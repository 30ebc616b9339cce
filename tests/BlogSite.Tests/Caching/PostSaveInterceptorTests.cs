using BlogSite.Caching;
using BlogSite.Data;
using BlogSite.Models;
using FragmentCache.Mvc;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Tests.Caching;

/// <summary>One seeded in-memory SQLite database; each test changes tracked entities and never saves.</summary>
public sealed class SeededDatabase : IAsyncLifetime
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public BlogDbContext NewContext() => new(new DbContextOptionsBuilder<BlogDbContext>().UseSqlite(_connection).Options);

    public async ValueTask InitializeAsync()
    {
        await _connection.OpenAsync();
        await using var db = NewContext();
        await BlogSeeder.EnsureSeededAsync(db);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>Which tags a save raises (the post_save equivalent): exactly what shows the change, nothing else.</summary>
public sealed class PostSaveInterceptorTests(SeededDatabase database) : IClassFixture<SeededDatabase>
{
    [Fact]
    public async Task CollectBeforeSave_TitleEdit_RaisesPostPageListsAndItsMonthOnly()
    {
        await using var db = database.NewContext();
        var post = await PublishedPostAsync(db);
        post.Title = "New title";

        var tags = PostSaveInterceptor.CollectBeforeSave(db);

        Assert.Contains(BlogTags.Posts, tags);
        Assert.Contains(BlogTags.Post(post.Id), tags);
        Assert.Contains(CachePageTags.ForPath($"/posts/{post.Id}/{post.Slug}"), tags);
        Assert.Contains(BlogTags.Archive(post.PublishedAt!.Value), tags);
        Assert.Contains(BlogTags.Drafts(post.AuthorId), tags);
        Assert.DoesNotContain(BlogTags.ArchiveIndex, tags);
        Assert.DoesNotContain(BlogTags.TagCloud, tags);
        Assert.Single(tags, t => t.StartsWith("archive:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectBeforeSave_MovedToAnotherMonth_RaisesBothMonthsAndTheArchiveIndex()
    {
        await using var db = database.NewContext();
        var post = await PublishedPostAsync(db);
        var before = post.PublishedAt!.Value;
        post.PublishedAt = before.AddMonths(-3);

        var tags = PostSaveInterceptor.CollectBeforeSave(db);

        Assert.Contains(BlogTags.Archive(before), tags);
        Assert.Contains(BlogTags.Archive(before.AddMonths(-3)), tags);
        Assert.Contains(BlogTags.ArchiveIndex, tags);
        Assert.Contains(BlogTags.TagCloud, tags);
    }

    [Fact]
    public async Task CollectBeforeSave_TagAddedAndRemoved_RaisesBothTagsAndTheCloud()
    {
        await using var db = database.NewContext();
        var post = await db.Posts.Include(p => p.Tags).FirstAsync(p => p.PublishedAt != null);
        var removed = post.Tags[0];
        var added = await db.Tags.FirstAsync(t => !post.Tags.Contains(t));
        post.Tags.Remove(removed);
        post.Tags.Add(added);

        var tags = PostSaveInterceptor.CollectBeforeSave(db);

        Assert.Contains(BlogTags.Tag(removed.Name), tags);
        Assert.Contains(BlogTags.Tag(added.Name), tags);
        Assert.Contains(BlogTags.TagCloud, tags);
        Assert.Contains(BlogTags.Post(post.Id), tags);
    }

    [Fact]
    public async Task CollectBeforeSave_NewComment_RaisesItsPostPageAndPopularity()
    {
        await using var db = database.NewContext();
        var post = await PublishedPostAsync(db);
        db.Comments.Add(new Comment { PostId = post.Id, Name = "Reader", Body = "Nice.", CreatedAt = DateTime.UtcNow });

        var tags = PostSaveInterceptor.CollectBeforeSave(db);

        Assert.Equal(
            new[] { BlogTags.Post(post.Id), BlogTags.Posts, CachePageTags.ForPath($"/posts/{post.Id}/{post.Slug}") }.Order(StringComparer.Ordinal),
            tags.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CollectBeforeSave_NothingChanged_RaisesNothing()
    {
        await using var db = database.NewContext();
        await PublishedPostAsync(db);

        Assert.Empty(PostSaveInterceptor.CollectBeforeSave(db));
    }

    private static Task<Post> PublishedPostAsync(BlogDbContext db) =>
        db.Posts.Include(p => p.Tags).OrderBy(p => p.Id).FirstAsync(p => p.PublishedAt != null);
}

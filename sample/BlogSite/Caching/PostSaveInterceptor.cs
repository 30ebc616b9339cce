using System.Runtime.CompilerServices;
using BlogSite.Controllers;
using BlogSite.Models;
using BlogSite.Services;
using FragmentCache;
using FragmentCache.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlogSite.Caching;

/// <summary>
/// Django's <c>post_save</c> signal for EF Core: after a save commits, raises the cache tags of what changed
/// (<c>post:{id}</c>, <c>posts</c>, <c>tag:{name}</c>, <c>archive:{yyyy-MM}</c>, ...) so every node drops exactly
/// the fragments and pages that show it, and forgets the low-level statistics.
/// </summary>
public sealed partial class PostSaveInterceptor(IFragmentCache fragments, BlogStatistics statistics, ILogger<PostSaveInterceptor> logger) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _pending = [];

    /// <inheritdoc/>
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context and not BlogSite.Data.BlogDbContext { RaiseCacheTags: false })
        {
            _pending.AddOrUpdate(context, CollectBeforeSave(context));
        }

        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var tags))
        {
            _pending.Remove(context);

            // Ids of added rows exist only now.
            foreach (var post in context.ChangeTracker.Entries<Post>())
            {
                tags.Add(BlogTags.Post(post.Entity.Id));
            }

            foreach (var tag in tags)
            {
                await fragments.InvalidateTagAsync(tag, cancellationToken);
            }

            if (tags.Count > 0)
            {
                await statistics.ForgetAsync(cancellationToken);
                LogRaised(logger, tags.Count, string.Join(", ", tags));
            }
        }

        return await base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    /// <summary>The tags a save raises, read from the change tracker before it is reset.</summary>
    public static HashSet<string> CollectBeforeSave(DbContext context)
    {
        var tags = new HashSet<string>(StringComparer.Ordinal);
        context.ChangeTracker.DetectChanges();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            switch (entry.Entity)
            {
                case Post post:
                    AddPostTags(tags, entry, post);
                    break;
                case Comment comment:
                    // A comment changes its post's page and the popularity ranking.
                    tags.Add(BlogTags.Post(comment.PostId));
                    tags.Add(BlogTags.Posts);
                    if (context.Find<Post>(comment.PostId) is { } commented)
                    {
                        tags.Add(CachePageTags.ForPath(PostsController.PostUrl(commented.Id, commented.Slug)));
                    }

                    break;
                case Tag tag:
                    tags.Add(BlogTags.TagCloud);
                    tags.Add(BlogTags.Tag(tag.Name));
                    break;
                case Dictionary<string, object> when entry.Metadata.HasSharedClrType:
                    // The post-tag join rows: a tag added to or taken from a post.
                    tags.Add(BlogTags.TagCloud);
                    if (entry.Property("PostsId").CurrentValue is int postId)
                    {
                        tags.Add(BlogTags.Post(postId));
                    }

                    if (entry.Property("TagsId").CurrentValue is int tagId && context.Find<Tag>(tagId) is { } changed)
                    {
                        tags.Add(BlogTags.Tag(changed.Name));
                    }

                    break;
            }
        }

        return tags;
    }

    private static void AddPostTags(HashSet<string> tags, EntityEntry entry, Post post)
    {
        tags.Add(BlogTags.Posts);
        tags.Add(BlogTags.Drafts(post.AuthorId));
        if (post.Id > 0)
        {
            tags.Add(BlogTags.Post(post.Id));

            // The post's cached page, under its old and its new address.
            tags.Add(CachePageTags.ForPath(PostsController.PostUrl(post.Id, post.Slug)));
            if (entry.State != EntityState.Added && entry.Property(nameof(Post.Slug)).OriginalValue is string oldSlug)
            {
                tags.Add(CachePageTags.ForPath(PostsController.PostUrl(post.Id, oldSlug)));
            }
        }

        foreach (var tag in post.Tags)
        {
            tags.Add(BlogTags.Tag(tag.Name));
        }

        var published = entry.Property(nameof(Post.PublishedAt));
        var before = entry.State == EntityState.Added ? null : (DateTime?)published.OriginalValue;
        var after = entry.State == EntityState.Deleted ? null : post.PublishedAt;
        if (before is { } b)
        {
            tags.Add(BlogTags.Archive(b));
        }

        if (after is { } a)
        {
            tags.Add(BlogTags.Archive(a));
        }

        if (before != after)
        {
            // Published, unpublished or moved: month counts and tag counts change.
            tags.Add(BlogTags.ArchiveIndex);
            tags.Add(BlogTags.TagCloud);
        }

        var authorChanged = entry.State == EntityState.Modified && entry.Property(nameof(Post.AuthorId)).IsModified;
        if (authorChanged && entry.Property(nameof(Post.AuthorId)).OriginalValue is int oldAuthor)
        {
            tags.Add(BlogTags.Drafts(oldAuthor));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Saved changes raised {Count} cache tags: {Tags}")]
    private static partial void LogRaised(ILogger logger, int count, string tags);
}

using System.Globalization;
using System.Security.Claims;
using BlogSite.Data;
using BlogSite.Models;
using BlogSite.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlogSite.ViewComponents;

/// <summary>The five published posts with the highest <see cref="PopularPost.Score"/> (most read and discussed).</summary>
public sealed class PopularPostsViewComponent(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options)
    : WidgetBase(db, renders, options)
{
    public const string Name = "popular-posts";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        await SlowAsync(Name);
        var posts = await Db.Posts.AsNoTracking()
            .Where(p => p.PublishedAt != null)
            .Select(p => new PopularPost(p.Id, p.Slug, p.Title, p.Views, p.Comments.Count))
            .ToListAsync(HttpContext.RequestAborted);
        return View(posts.OrderByDescending(p => p.Score).Take(5).ToList());
    }
}

/// <summary>Every tag with the number of published posts carrying it.</summary>
public sealed class TagCloudViewComponent(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options)
    : WidgetBase(db, renders, options)
{
    public const string Name = "tag-cloud";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        await SlowAsync(Name);
        var tags = await Db.Tags.AsNoTracking()
            .Select(t => new TagCount(t.Name, t.Posts.Count(p => p.PublishedAt != null)))
            .ToListAsync(HttpContext.RequestAborted);
        return View(tags.Where(t => t.Count > 0).OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
    }
}

/// <summary>Months with published posts, newest first.</summary>
public sealed class ArchiveViewComponent(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options)
    : WidgetBase(db, renders, options)
{
    public const string Name = "archive";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        await SlowAsync(Name);
        var dates = await Db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).Select(p => p.PublishedAt!.Value).ToListAsync(HttpContext.RequestAborted);
        var months = dates.GroupBy(d => new DateTime(d.Year, d.Month, 1, 0, 0, 0, DateTimeKind.Utc))
            .OrderByDescending(g => g.Key)
            .Select(g => new MonthCount(g.Key, g.Count()))
            .ToList();
        return View(months);
    }
}

/// <summary>"Welcome back" and the signed-in author's drafts; a sign-in prompt for readers.</summary>
public sealed class WelcomeBoxViewComponent(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options)
    : WidgetBase(db, renders, options)
{
    public const string Name = "welcome";

    public async Task<IViewComponentResult> InvokeAsync()
    {
        await SlowAsync(Name);
        var id = UserClaimsPrincipal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (id is null || !int.TryParse(id, CultureInfo.InvariantCulture, out var authorId))
        {
            return View(new WelcomeModel(null, []));
        }

        var author = await Db.Authors.AsNoTracking().FirstOrDefaultAsync(a => a.Id == authorId, HttpContext.RequestAborted);
        var drafts = await Db.Posts.AsNoTracking()
            .Where(p => p.AuthorId == authorId && p.PublishedAt == null)
            .OrderByDescending(p => p.UpdatedAt)
            .Select(p => new DraftLink(p.Id, p.Title))
            .ToListAsync(HttpContext.RequestAborted);
        return View(new WelcomeModel(author?.DisplayName, drafts));
    }
}

public sealed record PopularPost(int Id, string Slug, string Title, int Views, int Comments)
{
    /// <summary>What a comment weighs against a view in <see cref="Score"/>.</summary>
    public const int CommentWeight = 100;

    /// <summary>The score the popular list is sorted by (and shows): views plus <see cref="CommentWeight"/> per comment.</summary>
    public int Score => Views + (Comments * CommentWeight);
}

public sealed record TagCount(string Name, int Count);

public sealed record MonthCount(DateTime Month, int Count);

public sealed record DraftLink(int Id, string Title);

public sealed record WelcomeModel(string? DisplayName, IReadOnlyList<DraftLink> Drafts);

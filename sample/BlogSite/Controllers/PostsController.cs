using BlogSite.Caching;
using BlogSite.Data;
using BlogSite.Models;
using BlogSite.Services;
using FragmentCache.Mvc;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Controllers;

/// <summary>The public pages: the post list, one post, the posts of a tag or a month.</summary>
public sealed class PostsController(BlogDbContext db, PageRenders renders, TimeProvider time) : Controller
{
    /// <summary>Posts per page of the list.</summary>
    public const int PageSize = 8;

    /// <summary>The longest comment accepted, in characters.</summary>
    public const int MaxCommentLength = 2000;

    /// <summary>The newest posts. Level 2, per page: one copy per language, theme and page number.</summary>
    [HttpGet("/")]
    [CachePage(Duration = 300, VaryByHeaders = ["Accept-Language"], VaryByCookies = ["theme"], VaryByQueryKeys = ["page"], Tags = [BlogTags.Posts])]
    public async Task<IActionResult> Index(int page = 1)
    {
        page = Math.Max(1, page);
        var query = db.Posts.AsNoTracking().Where(p => p.PublishedAt != null);
        var total = await query.CountAsync(HttpContext.RequestAborted);
        var posts = await query.OrderByDescending(p => p.PublishedAt)
            .Skip((page - 1) * PageSize).Take(PageSize)
            .Include(p => p.Author).Include(p => p.Tags)
            .ToListAsync(HttpContext.RequestAborted);
        return View(new PostListModel(posts, page, page * PageSize < total));
    }

    /// <summary>
    /// One post. Level 2, per page; a save drops it by its path (<c>CachePageTags.ForPath</c>), so every other address
    /// of the post redirects to the one canonical URL. The user box, the welcome box and the comment form are holes,
    /// rendered per request on every hit, so readers and signed-in users share one cached copy of each post.
    /// </summary>
    [HttpGet("/posts/{id:int}/{slug?}")]
    [CachePage(Duration = 300, VaryByHeaders = ["Accept-Language"], VaryByCookies = ["theme"], VaryByQueryKeys = [], AllowSignedIn = true)]
    public async Task<IActionResult> Show(int id, string? slug)
    {
        renders.Add(PageRenders.PostAction);
        var post = await db.Posts.AsNoTracking()
            .Include(p => p.Author).Include(p => p.Tags).Include(p => p.Comments).AsSplitQuery()
            .FirstOrDefaultAsync(p => p.Id == id && p.PublishedAt != null, HttpContext.RequestAborted);
        if (post is null)
        {
            return ErrorController.Page(this, StatusCodes.Status404NotFound); // a 404, which the page cache never stores
        }

        return slug == post.Slug ? View(post) : RedirectPermanent(PostUrl(post.Id, post.Slug));
    }

    /// <summary>
    /// Adds a signed-in user's comment to a published post (the form of the post page's comment hole) and goes back to
    /// the post. The save raises the post's tags and its page's path tag, so the next request renders the page anew.
    /// </summary>
    [HttpPost("/posts/{id:int}/comments")]
    [Authorize]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Comment(int id, [FromForm] string? body)
    {
        var text = body?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxCommentLength)
        {
            return BadRequest($"A comment has 1 to {MaxCommentLength} characters.");
        }

        var post = await db.Posts.FirstOrDefaultAsync(p => p.Id == id && p.PublishedAt != null, HttpContext.RequestAborted);
        if (post is null)
        {
            return NotFound();
        }

        db.Comments.Add(new Comment { PostId = post.Id, Name = User.Identity!.Name!, Body = text, CreatedAt = time.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        return LocalRedirect(PostUrl(post.Id, post.Slug) + "#comments");
    }

    /// <summary>
    /// The posts of one tag; the list is a fragment tagged <c>tag:{name}</c>. A tag that does not exist is a 404, so a
    /// made-up URL renders nothing and caches nothing.
    /// </summary>
    [HttpGet("/tags/{name}")]
    public async Task<IActionResult> Tag(string name)
    {
        if (!await db.Tags.AsNoTracking().AnyAsync(t => t.Name == name, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        return View("Listing", new ListingModel("tag", name, null));
    }

    /// <summary>The posts of one month; the list is a fragment tagged <c>archive:{yyyy-MM}</c>.</summary>
    [HttpGet("/archive/{year:int}/{month:int}")]
    public IActionResult Archive(int year, int month)
    {
        if (month is < 1 or > 12 || year is < 2000 or > 2100)
        {
            return NotFound();
        }

        return View("Listing", new ListingModel("archive", null, new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc)));
    }

    /// <summary>The one URL of a post's page.</summary>
    public static string PostUrl(int id, string slug) => "/posts/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + slug;
}

public sealed record PostListModel(IReadOnlyList<Post> Posts, int Page, bool HasMore);

public sealed record ListingModel(string Kind, string? TagName, DateTime? Month);

using System.Globalization;
using System.Security.Claims;
using BlogSite.Data;
using BlogSite.Models;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlogSite.Controllers;

/// <summary>Write, edit and publish posts: the admin edits every post, an author their own.</summary>
[Authorize]
[Route("admin")]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class AdminController(BlogDbContext db, TimeProvider time) : Controller
{
    private int Me => int.Parse(User.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture);

    private bool IsAdmin => User.IsInRole("admin");

    [HttpGet("")]
    public async Task<IActionResult> Index()
    {
        var query = db.Posts.AsNoTracking().Include(p => p.Author).AsQueryable();
        if (!IsAdmin)
        {
            query = query.Where(p => p.AuthorId == Me);
        }

        var posts = await query.OrderByDescending(p => p.PublishedAt == null).ThenByDescending(p => p.PublishedAt).ToListAsync(HttpContext.RequestAborted);
        return View(posts);
    }

    [HttpGet("posts/new")]
    public IActionResult New() => View("Edit", new PostForm());

    [HttpGet("posts/{id:int}")]
    public async Task<IActionResult> Edit(int id)
    {
        var post = await db.Posts.Include(p => p.Tags).FirstOrDefaultAsync(p => p.Id == id, HttpContext.RequestAborted);
        if (post is null)
        {
            return NotFound();
        }

        if (!IsAdmin && post.AuthorId != Me)
        {
            return Forbid();
        }

        return View(new PostForm
        {
            Id = post.Id,
            Title = post.Title,
            Summary = post.Summary,
            Body = post.Body,
            Tags = string.Join(", ", post.Tags.Select(t => t.Name).Order(StringComparer.Ordinal)),
            Published = post.IsPublished,
        });
    }

    [HttpPost("posts/save")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Save(PostForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrWhiteSpace(form.Title))
        {
            ModelState.AddModelError(nameof(form.Title), "A post needs a title.");
            return View("Edit", form);
        }

        var now = time.GetUtcNow().UtcDateTime;
        Post post;
        if (form.Id is { } id)
        {
            post = await db.Posts.Include(p => p.Tags).FirstOrDefaultAsync(p => p.Id == id, HttpContext.RequestAborted) ?? throw new BadHttpRequestException("no such post");
            if (!IsAdmin && post.AuthorId != Me)
            {
                return Forbid();
            }
        }
        else
        {
            post = new Post { Title = form.Title, Slug = "", AuthorId = Me, CreatedAt = now };
            db.Posts.Add(post);
        }

        post.Title = form.Title.Trim();
        post.Summary = form.Summary?.Trim() ?? "";
        post.Body = (form.Body ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        post.UpdatedAt = now;
        if (post.Slug.Length == 0)
        {
            post.Slug = BlogSeeder.Slugify(post.Title) + "-" + now.Ticks.ToString(CultureInfo.InvariantCulture)[^6..];
        }

        if (form.Published && post.PublishedAt is null)
        {
            post.PublishedAt = now;
        }
        else if (!form.Published)
        {
            post.PublishedAt = null;
        }

        var names = (form.Tags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).Distinct().ToList();
        var existing = await db.Tags.Where(t => names.Contains(t.Name)).ToListAsync(HttpContext.RequestAborted);
        post.Tags.RemoveAll(t => !names.Contains(t.Name));
        foreach (var name in names)
        {
            if (post.Tags.All(t => t.Name != name))
            {
                post.Tags.Add(existing.FirstOrDefault(t => t.Name == name) ?? new Tag { Name = name });
            }
        }

        // The PostSaveInterceptor raises the cache tags of this change once it is committed.
        await db.SaveChangesAsync(HttpContext.RequestAborted);
        TempData["Saved"] = post.IsPublished ? "Saved and published." : "Saved as a draft.";
        return RedirectToAction(nameof(Edit), new { id = post.Id });
    }
}

public sealed class PostForm
{
    public int? Id { get; set; }
    public string Title { get; set; } = "";
    public string? Summary { get; set; }
    public string? Body { get; set; }
    public string? Tags { get; set; }
    public bool Published { get; set; }
}

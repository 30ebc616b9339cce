using BlogSite.Data;
using BlogSite.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlogSite.ViewComponents;

/// <summary>The published posts of a tag or of a month (a slow query, cached as a fragment by the view).</summary>
public sealed class ListingViewComponent(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options)
    : WidgetBase(db, renders, options)
{
    public async Task<IViewComponentResult> InvokeAsync(string? tagName, DateTime? month)
    {
        var query = Db.Posts.AsNoTracking().Where(p => p.PublishedAt != null);
        if (tagName is not null)
        {
            await SlowAsync("tag:" + tagName);
            query = query.Where(p => p.Tags.Any(t => t.Name == tagName));
        }
        else if (month is { } m)
        {
            await SlowAsync("archive:" + m.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));
            var end = m.AddMonths(1);
            query = query.Where(p => p.PublishedAt >= m && p.PublishedAt < end);
        }

        var posts = await query.OrderByDescending(p => p.PublishedAt).Include(p => p.Author).ToListAsync(HttpContext.RequestAborted);
        return View(posts);
    }
}

using BlogSite.Data;
using BlogSite.Services;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BlogSite.ViewComponents;

/// <summary>A sidebar widget: real queries, plus the configured delay, counted on every real render.</summary>
public abstract class WidgetBase(BlogDbContext db, WidgetRenders renders, IOptions<BlogSiteOptions> options) : ViewComponent
{
    protected BlogDbContext Db => db;

    /// <summary>Counts the render and waits <see cref="BlogSiteOptions.WidgetDelay"/>.</summary>
    protected async Task SlowAsync(string name)
    {
        renders.Add(name);
        if (options.Value.WidgetDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.Value.WidgetDelay, HttpContext.RequestAborted);
        }
    }
}

using Microsoft.AspNetCore.Mvc.Filters;

namespace FragmentCache.Mvc.TestApp.Services;

/// <summary>A global resource filter ordered before every other: counts the requests MVC's filter pipeline ran for, per path.</summary>
public sealed class MvcFilterCounter(RenderCounter counter) : IResourceFilter, IOrderedFilter
{
    /// <summary>The counter name of a path.</summary>
    public static string For(string path) => "mvc-filter:" + path.ToLowerInvariant();

    /// <inheritdoc/>
    public int Order => int.MinValue;

    /// <inheritdoc/>
    public void OnResourceExecuting(ResourceExecutingContext context) => counter.Next(For(context.HttpContext.Request.Path.Value ?? "/"));

    /// <inheritdoc/>
    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}

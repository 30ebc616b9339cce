using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Opens the core's <see cref="IFragmentPrefetcher"/> scope for each MVC action or Razor page request when
/// <see cref="FragmentCacheMvcOptions.PrefetchFragments"/> is on. The route is the action; a signed-in user's requests
/// are a route of their own (action and user name), so a per-user fragment key is never read for another user. It runs
/// last among resource filters, so a page answered by <see cref="CachePageAttribute"/> reads nothing.
/// </summary>
internal sealed class FragmentPrefetchFilter(IServiceProvider services, IOptions<FragmentCacheMvcOptions> options) : IAsyncResourceFilter, IOrderedFilter
{
    private IFragmentPrefetcher? _prefetcher;

    public int Order => int.MaxValue;

    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<FragmentPrefetchFilter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<MvcOptions>, Setup>());
    }

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        if (!options.Value.PrefetchFragments)
        {
            await next().ConfigureAwait(false);
            return;
        }

        // Resolved on first use: an app that never turns the prefetch on never builds it.
        var prefetcher = _prefetcher ??= services.GetRequiredService<IFragmentPrefetcher>();
        var route = context.ActionDescriptor.Id;
        if (context.HttpContext.User.Identity is { IsAuthenticated: true, Name: { } user })
        {
            route = string.Concat(route, "\n", user);
        }

        using var scope = prefetcher.BeginRequest(route, context.HttpContext.RequestAborted);
        await next().ConfigureAwait(false);
    }

    private sealed class Setup : IConfigureOptions<MvcOptions>
    {
        public void Configure(MvcOptions options) => options.Filters.AddService<FragmentPrefetchFilter>();
    }
}

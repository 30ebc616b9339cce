using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Fails the start of the host when a cache profile or a controller's <see cref="CachePageAttribute"/> names a store that
/// does not exist, naming the profile or the controller and action. Fragments (<c>store="..."</c>) and Razor Pages are
/// checked when first rendered.
/// </summary>
internal sealed class StoreNameCheck(IServiceProvider services, IOptions<FragmentCacheMvcOptions> mvcOptions) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IFragmentCacheStores>() is not { } stores)
        {
            return Task.CompletedTask;
        }

        var errors = new List<string>();
        foreach (var (name, profile) in mvcOptions.Value.Profiles)
        {
            if (!string.IsNullOrEmpty(profile?.Store) && !stores.Contains(profile.Store))
            {
                errors.Add($"FragmentCache:Mvc:Profiles:{name}:Store: " + StoreNames.Unknown(profile.Store, stores.Names));
            }
        }

        var seen = new HashSet<CachePageAttribute>(ReferenceEqualityComparer.Instance);
        var actions = services.GetService<IActionDescriptorCollectionProvider>()?.ActionDescriptors.Items ?? [];
        foreach (var action in actions)
        {
            foreach (var filter in action.FilterDescriptors)
            {
                if (filter.Filter is CachePageAttribute { Store: { Length: > 0 } store } attribute && !stores.Contains(store) && seen.Add(attribute))
                {
                    var where = filter.Scope == FilterScope.Controller && action is ControllerActionDescriptor controller
                        ? controller.ControllerTypeInfo.FullName
                        : action.DisplayName;
                    errors.Add($"[CachePage(Store = \"{store}\")] on {where}: " + StoreNames.Unknown(store, stores.Names));
                }
            }
        }

        return errors.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

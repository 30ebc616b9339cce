using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Endpoints;

/// <summary>
/// Fails the host's start when an endpoint's <c>.CachePage(...)</c> names a profile or a store that does not exist, naming
/// the endpoint and the name. Runs once the application's pipeline and endpoints are built, before the server starts.
/// </summary>
internal sealed class CachePageEndpointCheck : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        Check(app.ApplicationServices);
    };

    private static void Check(IServiceProvider services)
    {
        if (services.GetService<EndpointDataSource>() is not { } endpoints)
        {
            return;
        }

        var mvc = services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value;
        var stores = services.GetService<IFragmentCacheStores>();
        var errors = new List<string>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            foreach (var item in endpoint.Metadata)
            {
                if (item is not CachePageMetadata metadata)
                {
                    continue;
                }

                if (metadata.Problem(mvc, endpoint.DisplayName) is { } problem)
                {
                    errors.Add(problem);
                }

                var store = string.IsNullOrEmpty(metadata.Settings.Store) && metadata.Settings.Profile is { } profile && mvc.Profiles.TryGetValue(profile, out var named)
                    ? named.Store
                    : metadata.Settings.Store;
                if (stores is not null && !string.IsNullOrEmpty(store) && !stores.Contains(store))
                {
                    errors.Add($"{metadata.Origin} on {endpoint.DisplayName}: " + StoreNames.Unknown(store, stores.Names));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors.Distinct(StringComparer.Ordinal)));
        }
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Pages;

/// <summary>
/// What <see cref="CachePageMiddleware"/> decided once for one endpoint: the policy of its effective
/// <see cref="CachePageAttribute"/>, or why its hits are left to <see cref="CachePageFilter"/>.
/// </summary>
internal sealed class CachePageEndpoint
{
    private static readonly CachePageEndpoint None = new(null, null, hasAuthorizationMetadata: false);

    private CachePageEndpoint(PagePolicy? policy, string? declined, bool hasAuthorizationMetadata)
    {
        Policy = policy;
        Declined = declined;
        HasAuthorizationMetadata = hasAuthorizationMetadata;
    }

    /// <summary>The policy the filter would use; <see langword="null"/> when the middleware leaves the endpoint alone.</summary>
    public PagePolicy? Policy { get; }

    /// <summary>Why an endpoint with <c>[CachePage]</c> is left to the filter (logged once); <see langword="null"/> otherwise.</summary>
    public string? Declined { get; }

    /// <summary>The endpoint carries authorization metadata, so the authorization middleware must have run before a hit.</summary>
    public bool HasAuthorizationMetadata { get; }

    /// <summary>Set once a request showed its culture resolved after the middleware: the filter caches this endpoint.</summary>
    public bool CultureResolvedLater { get; set; }

    /// <summary>Set once the decline has been logged.</summary>
    public bool Logged { get; set; }

    public static CachePageEndpoint Create(Endpoint endpoint, FragmentCacheMvcOptions mvc, PageCacheOptions pages, IServiceProvider services)
    {
        // MVC puts the action's descriptor in its endpoint's metadata; its filter descriptors (global, controller and
        // action scope, each with its order) are what the invoker builds the filter pipeline from.
        var action = endpoint.Metadata.GetMetadata<ActionDescriptor>();
        if (action is null && endpoint.Metadata.GetMetadata<Endpoints.CachePageMetadata>() is { } minimal)
        {
            // A minimal-API endpoint's .CachePage(): its settings are in the metadata, and no MVC filter runs after this.
            try
            {
                return new CachePageEndpoint(minimal.Resolve(mvc, pages, endpoint.DisplayName), null, AuthorizationMetadataOn(endpoint));
            }
            catch (InvalidOperationException ex)
            {
                return new CachePageEndpoint(null, ex.Message, AuthorizationMetadataOn(endpoint));
            }
        }

        if (action?.FilterDescriptors is not { Count: > 0 } filters)
        {
            return None;
        }

        // The filter the invoker runs last among the [CachePage] filters decides (CachePageFilter's own rule): MVC sorts
        // by order, then scope, stably.
        FilterDescriptor? effective = null;
        string? declined = null;
        foreach (var descriptor in filters)
        {
            if (descriptor.Filter is CachePageAttribute)
            {
                if (effective is null || descriptor.Order > effective.Order || (descriptor.Order == effective.Order && descriptor.Scope >= effective.Scope))
                {
                    effective = descriptor;
                }
            }
            else if (declined is null && Authorizes(descriptor.Filter, services) is { } reason)
            {
                declined = reason;
            }
        }

        if (effective is null)
        {
            return None;
        }

        var hasAuthorization = AuthorizationMetadataOn(endpoint);
        if (declined is not null)
        {
            return new CachePageEndpoint(null, declined, hasAuthorization);
        }

        try
        {
            return new CachePageEndpoint(PagePolicy.Resolve((CachePageAttribute)effective.Filter, mvc, pages), null, hasAuthorization);
        }
        catch (InvalidOperationException ex)
        {
            // An unknown profile: the filter reports it on every request, as without the middleware.
            return new CachePageEndpoint(null, ex.Message, hasAuthorization);
        }
    }

    private static bool AuthorizationMetadataOn(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null
        || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null
        || endpoint.Metadata.GetMetadata<IAuthorizationRequirementData>() is not null;

    /// <summary>
    /// An MVC authorization filter runs after the authorization middleware, inside the invoker a hit skips: such an
    /// endpoint is served by the filter. A factory's filter is created once, in a scope, to see what it is.
    /// </summary>
    private static string? Authorizes(IFilterMetadata filter, IServiceProvider services)
    {
        switch (filter)
        {
            case IAuthorizationFilter or IAsyncAuthorizationFilter:
                return "an MVC authorization filter (" + filter.GetType().Name + ")";
            case AutoValidateAntiforgeryTokenAttribute:
                // Its filter never checks GET or HEAD, the only methods a page is served for.
                return null;
            case IFilterFactory factory:
                IFilterMetadata product;
                try
                {
                    using var scope = services.CreateScope();
                    product = factory.CreateInstance(scope.ServiceProvider);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    return "a filter factory (" + factory.GetType().Name + ") whose filter cannot be created outside a request";
                }

                return product is IAuthorizationFilter or IAsyncAuthorizationFilter
                    ? "an MVC authorization filter (" + product.GetType().Name + ")"
                    : null;
            default:
                return null;
        }
    }
}

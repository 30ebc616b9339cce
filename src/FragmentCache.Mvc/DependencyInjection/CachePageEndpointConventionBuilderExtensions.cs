using FragmentCache.Mvc;
using FragmentCache.Mvc.Endpoints;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// <see cref="CachePageAttribute"/> for minimal APIs and route groups (<c>app.MapGet(...).CachePage()</c>,
/// <c>app.MapGroup(...).CachePage("profile")</c>), as <c>.CacheOutput()</c> is for <c>[OutputCache]</c>: the same
/// settings, rules, keys and entries as the attribute, and <c>app.UseCachePage()</c> answers its hits too.
/// </summary>
public static class CachePageEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Caches the endpoints' whole responses with <see cref="CachePageAttribute"/>'s defaults: only GET and HEAD, only 200,
    /// never a response with <c>Set-Cookie</c>, never a signed-in user, one entry per query string and culture, for
    /// <see cref="PageCacheOptions.DefaultDuration"/> (10 minutes). A hit skips parameter binding, the handler and its result.
    /// An endpoint's own call wins over its group's. Not for MVC controllers or Razor Pages: put the attribute on them.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder CachePage<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => Add(builder, new CachePageAttribute(), "CachePage()");

    /// <summary>
    /// Caches the endpoints' whole responses with the settings of the named profile of
    /// <see cref="FragmentCacheMvcOptions.Profiles"/>, as <c>[CachePage(Profile = "name")]</c> does. A name that is not a
    /// profile fails the host's start, naming it and the endpoint.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <param name="profile">The profile's name (case-insensitive); required.</param>
    /// <returns>The builder.</returns>
    public static TBuilder CachePage<TBuilder>(this TBuilder builder, string profile)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        return Add(builder, new CachePageAttribute { Profile = profile }, $"CachePage(\"{profile}\")");
    }

    /// <summary>
    /// Caches the endpoints' whole responses with the settings <paramref name="configure"/> sets: the properties of
    /// <see cref="CachePageAttribute"/>, with its defaults and its meaning (<c>Duration</c>, <c>VaryBy*</c>, <c>Tags</c>,
    /// <c>Profile</c>, <c>Store</c>...; <see cref="CachePageAttribute.Order"/> plays no part). Called once, here.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoint or group builder.</param>
    /// <param name="configure">Sets the page's settings; required.</param>
    /// <returns>The builder.</returns>
    public static TBuilder CachePage<TBuilder>(this TBuilder builder, Action<CachePageAttribute> configure)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new CachePageAttribute();
        configure(settings);
        return Add(builder, settings, "CachePage(...)");
    }

    private static TBuilder Add<TBuilder>(TBuilder builder, CachePageAttribute settings, string origin)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new CachePageMetadata(settings, origin);
        builder.Add(endpoint =>
        {
            foreach (var item in endpoint.Metadata)
            {
                if (item is ActionDescriptor)
                {
                    throw new InvalidOperationException(
                        $"{origin} on {endpoint.DisplayName}: an MVC action or Razor Page; put [CachePage] on its controller, action or page model instead.");
                }
            }

            // One wrapper per endpoint, however many calls (group and endpoint): it reads the last metadata at run time.
            var wrapped = endpoint.Metadata.Any(m => m is CachePageMetadata);
            endpoint.Metadata.Add(metadata);
            if (!wrapped && endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = new CachePageEndpointCache(inner).InvokeAsync;
            }
        });
        return builder;
    }
}

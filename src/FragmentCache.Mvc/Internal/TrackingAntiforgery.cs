using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Wraps the app's <see cref="IAntiforgery"/> (registered by <c>AddFragmentCacheMvc</c>) and records every token it
/// hands out in the request's <see cref="AntiforgeryIssuance"/>. Everything that puts a token in HTML goes through it:
/// <c>@Html.AntiForgeryToken()</c> and the form tag helper (through <c>IHtmlGenerator</c>), and the components'
/// <c>&lt;AntiforgeryToken /&gt;</c> (through the endpoint antiforgery state).
/// </summary>
internal sealed class TrackingAntiforgery(IAntiforgery inner) : IAntiforgery
{
    internal IAntiforgery Inner => inner;

    public AntiforgeryTokenSet GetAndStoreTokens(HttpContext httpContext)
    {
        var tokens = inner.GetAndStoreTokens(httpContext);
        AntiforgeryIssuance.For(httpContext).Record(tokens, counted: !Holes.HoleScope.IsActive(httpContext));
        return tokens;
    }

    public AntiforgeryTokenSet GetTokens(HttpContext httpContext)
    {
        var tokens = inner.GetTokens(httpContext);
        AntiforgeryIssuance.For(httpContext).Record(tokens, counted: !Holes.HoleScope.IsActive(httpContext));
        return tokens;
    }

    public Task<bool> IsRequestValidAsync(HttpContext httpContext) => inner.IsRequestValidAsync(httpContext);

    public Task ValidateRequestAsync(HttpContext httpContext) => inner.ValidateRequestAsync(httpContext);

    public void SetCookieTokenAndHeader(HttpContext httpContext) => inner.SetCookieTokenAndHeader(httpContext);
}

/// <summary>Puts <see cref="TrackingAntiforgery"/> around the app's <see cref="IAntiforgery"/> registration.</summary>
internal static class TrackingAntiforgeryRegistration
{
    /// <summary>
    /// Adds antiforgery's services if they are missing (as MVC does; MVC's own later call then adds nothing) and wraps
    /// the <see cref="IAntiforgery"/> registration, keeping its lifetime. Calling it twice wraps once.
    /// </summary>
    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return;
        }

        services.AddSingleton<Marker>();
        services.AddAntiforgery();
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var original = services[i];
            if (original.ServiceType != typeof(IAntiforgery) || original.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Describe(typeof(IAntiforgery), sp => new TrackingAntiforgery(Create(sp, original)), original.Lifetime);
            return;
        }
    }

    private static IAntiforgery Create(IServiceProvider services, ServiceDescriptor original) =>
        original.ImplementationInstance as IAntiforgery
        ?? original.ImplementationFactory?.Invoke(services) as IAntiforgery
        ?? (IAntiforgery)ActivatorUtilities.CreateInstance(services, original.ImplementationType!);

    private sealed class Marker;
}

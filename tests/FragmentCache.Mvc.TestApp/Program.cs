using FragmentCache.Mvc;
using FragmentCache.Mvc.TestApp.Endpoints;
using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Authentication;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddControllersWithViews(o => o.Filters.Add<MvcFilterCounter>());
builder.Services.AddRazorPages();
builder.Services.AddSingleton<RenderCounter>();
builder.Services.AddSingleton<PageGate>();
builder.Services.AddSingleton<FragmentGate>();
builder.Services.AddSingleton<HolePageRelease>();
builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorization(o => o.AddPolicy("key", p => p.RequireAssertion(
    c => c.Resource is HttpContext http && http.Request.Headers["X-Key"] == "open")));
builder.Services.AddFragmentCache(builder.Configuration.GetSection("FragmentCache")).UseMemcached();
builder.Services.AddFragmentCacheMvc(o =>
{
    var sidebar = new CacheProfile { Duration = TimeSpan.FromMinutes(2) };
    sidebar.Tags.Add("profile-tag");
    sidebar.Vary.Headers.Add("X-Profile-Vary");
    o.Profiles["sidebar"] = sidebar;
    o.Profiles["tenant"] = new CacheProfile();
    o.Profiles["tenant"].Vary.Values["tenant"] = ctx => ctx.User.FindFirst("tenant")?.Value;
    // A value of the application's own: the release channel a visitor opted into (a cookie), normalised to two buckets.
    o.Profiles["channel"] = new CacheProfile();
    o.Profiles["channel"].Vary.Values["channel"] = ctx => ctx.Request.Cookies["channel"] == "beta" ? "beta" : "stable";
    o.Profiles["by-id"] = new CacheProfile();
    o.Profiles["by-id"].Vary.RouteValues.Add("id");
});
// Named stores of the Stores controller and views, in memory unless the test configures them; TestApp:NamedStores =
// "none" leaves them out (so [CachePage(Store = "shared")] names an unknown store).
if (builder.Configuration["TestApp:NamedStores"] != "none")
{
    builder.Services.Configure<FragmentCache.FragmentCacheOptions>(o =>
    {
        foreach (var name in new[] { "local", "shared", "sessions" })
        {
            o.Stores.TryAdd(name, new FragmentCache.FragmentCacheOptions { KeyPrefix = name });
        }
    });
}

builder.Services.AddOutputCache();
builder.Services.AddFragmentCacheOutputCacheStore();

builder.Services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(o =>
{
    // Behind a proxy, X-Forwarded-Host becomes Request.Host, and so part of every page's key.
    o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedHost;
    o.KnownIPNetworks.Clear();
    o.KnownProxies.Clear();
});

// TestApp:CachePage: "middleware" = app.UseCachePage() where it belongs; "before-authorization" = misplaced;
// "later-middleware" = where it belongs, followed by a middleware that replaces HttpContext.User (X-Late-User) or answers
// itself (X-Answer). Unset = filter only.
var cachePage = builder.Configuration["TestApp:CachePage"];

// Request localization (en, es; query, cookie and Accept-Language providers) only under /Localized and /LocalizedSite, so
// no other page changes. "localization-after" places it after app.UseCachePage() (a misplaced pipeline).
var localization = new RequestLocalizationOptions().SetDefaultCulture("en").AddSupportedCultures("en", "es").AddSupportedUICultures("en", "es");
static bool Localized(HttpContext c) => c.Request.Path.StartsWithSegments("/Localized") || c.Request.Path.StartsWithSegments("/LocalizedSite");
var app = builder.Build();
app.UseForwardedHeaders();
app.UseWhen(c => c.Request.Path.StartsWithSegments("/Pages/Missing"), b => b.UseStatusCodePages("text/plain", "status page {0}"));
if (cachePage != "localization-after")
{
    app.UseWhen(Localized, l => l.UseRequestLocalization(localization));
}

app.UseAuthentication();
app.UseRouting();
if (cachePage == "before-authorization")
{
    app.UseCachePage();
}

app.UseAuthorization();
if (cachePage is "middleware" or "later-middleware")
{
    app.UseCachePage();
}

if (cachePage == "localization-after")
{
    app.UseCachePage();
    app.UseWhen(Localized, l => l.UseRequestLocalization(localization));
}

if (cachePage == "later-middleware")
{
    app.Use((context, next) =>
    {
        if (context.Request.Headers["X-Late-User"].ToString() is { Length: > 0 } late)
        {
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, late)], "late"));
        }

        if (context.Request.Headers["X-Answer"].ToString() is { Length: > 0 } answer)
        {
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("answered " + answer);
        }

        return next(context);
    });
}
app.UseOutputCache();
app.UseWhen(c => c.Request.Path.StartsWithSegments("/site"), site => site.UseSiteCache());
app.UseWhen(c => c.Request.Path.StartsWithSegments("/LocalizedSite") || c.Request.Path.StartsWithSegments("/StreamingSite"), site => site.UseSiteCache());
app.MapControllerRoute("default", "{controller=Fragments}/{action=Index}/{id?}");
app.MapMinimalPages();
app.MapRazorPages();
app.Run();

/// <summary>The entry point WebApplicationFactory starts.</summary>
public partial class Program;

using FragmentCache.Mvc;
using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Authentication;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddControllersWithViews();
builder.Services.AddSingleton<RenderCounter>();
builder.Services.AddSingleton<PageGate>();
builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
builder.Services.AddFragmentCache(builder.Configuration.GetSection("FragmentCache"));
builder.Services.AddFragmentCacheMvc(o =>
{
    var sidebar = new CacheProfile { Duration = TimeSpan.FromMinutes(2) };
    sidebar.Tags.Add("profile-tag");
    sidebar.VaryByHeaders.Add("X-Profile-Vary");
    o.Profiles["sidebar"] = sidebar;
});
builder.Services.AddOutputCache();
builder.Services.AddFragmentCacheOutputCacheStore();

var app = builder.Build();
app.UseAuthentication();
app.UseRouting();
app.UseAuthorization();
app.UseOutputCache();
app.UseWhen(c => c.Request.Path.StartsWithSegments("/site"), site => site.UseFragmentCachePages());
app.MapControllerRoute("default", "{controller=Fragments}/{action=Index}/{id?}");
app.Run();

/// <summary>The entry point WebApplicationFactory starts.</summary>
public partial class Program;

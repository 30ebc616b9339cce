using System.Globalization;
using BlogSite.Caching;
using BlogSite.Data;
using BlogSite.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<BlogSiteOptions>().BindConfiguration(BlogSiteOptions.SectionName);
builder.Services.AddControllersWithViews();
builder.Services.AddHttpContextAccessor();
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.LoginPath = "/account/login";
        o.AccessDeniedPath = "/account/login";
        o.Cookie.Name = "blog.auth";
    });
builder.Services.AddAuthorization();

// Levels 1-4 of Django's caching: the store (Memcached when FragmentCache:Servers is set, else in memory),
// <memcache-fragment>, [CachePage] and the per-site middleware.
builder.Services.AddFragmentCache(builder.Configuration.GetSection("FragmentCache")).UseMemcached();
builder.Services.AddFragmentCacheMvc();

builder.Services.AddSingleton<WidgetRenders>();
builder.Services.AddSingleton<PageRenders>();
builder.Services.AddSingleton<BlogStatistics>();
builder.Services.AddSingleton<PostSaveInterceptor>();
builder.Services.AddDbContext<BlogDbContext>((sp, o) =>
{
    var options = sp.GetRequiredService<IOptions<BlogSiteOptions>>().Value;
    var path = Path.IsPathRooted(options.Database)
        ? options.Database
        : Path.Combine(sp.GetRequiredService<IWebHostEnvironment>().ContentRootPath, options.Database);
    o.UseSqlite("Data Source=" + path);
    o.AddInterceptors(sp.GetRequiredService<PostSaveInterceptor>());
});

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    await BlogSeeder.EnsureSeededAsync(scope.ServiceProvider.GetRequiredService<BlogDbContext>());
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
}

// A 4xx/5xx answer without a body (a 404 above all) shows ErrorController's page, in the layout and the language of
// the site: the pipeline below runs again for /error/{code}, and the response keeps its status. That page has no
// [CachePage] and says no-store, and the page cache stores only 200s, so no path's cached copy is ever an error page.
app.UseStatusCodePagesWithReExecute("/error/{0}");

string[] cultures = ["en", "fr"];
app.UseRequestLocalization(new RequestLocalizationOptions
{
    DefaultRequestCulture = new RequestCulture("en"),
    SupportedCultures = [.. cultures.Select(CultureInfo.GetCultureInfo)],
    SupportedUICultures = [.. cultures.Select(CultureInfo.GetCultureInfo)],
    RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()],
});
// Browsers and crawlers ask for /favicon.ico whatever the layout links: they get the same SVG icon.
app.UseRewriter(new RewriteOptions().AddRewrite(@"^favicon\.ico$", "favicon.svg", skipRemainingRules: true));
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();

// Level 2, per page: [CachePage] hits are answered here, from the endpoint's metadata, before MVC runs the controller
// (after authorization, so an [Authorize] page is never served to someone it would refuse). Without this line the
// attribute still caches, in its filter, with the same rules.
app.UseCachePage();

// Level 1, per-site: the About page has no attribute; the middleware caches it for its own max-age.
app.UseWhen(c => c.Request.Path.Equals("/about", StringComparison.OrdinalIgnoreCase), site => site.UseSiteCache());

app.MapControllers();
app.Run();

/// <summary>The entry point the tests start.</summary>
public partial class Program;

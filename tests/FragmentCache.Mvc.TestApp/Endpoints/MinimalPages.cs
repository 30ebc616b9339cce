using FragmentCache.Mvc.TestApp.Services;

namespace FragmentCache.Mvc.TestApp.Endpoints;

/// <summary>Minimal-API endpoints cached by <c>.CachePage(...)</c>, the counterparts of the Pages controller's actions.</summary>
public static class MinimalPages
{
    /// <summary>Maps the endpoints under <c>/min</c>; <c>TestApp:MinimalProfile</c> names the profile of <c>/min/named</c> (a test of an unknown one), <c>TestApp:CachePageOnMvc</c> misapplies it to MVC.</summary>
    public static void MapMinimalPages(this WebApplication app)
    {
        app.MapGet("/min/plain", (HttpContext http, RenderCounter counter) =>
            "plain " + counter.Next("min-plain") + " " + http.Request.QueryString.Value).CachePage();

        // Parameter binding and a JSON result: both skipped by a hit.
        app.MapGet("/min/json/{id:int}", (int id, string? q, RenderCounter counter) =>
            new { id, q, count = counter.Next("min-json") }).CachePage();

        app.MapGet("/min/query", (HttpContext http, RenderCounter counter) =>
            "query " + counter.Next("min-query") + " " + http.Request.QueryString.Value).CachePage(p => p.VaryByQueryKeys = ["a"]);

        app.MapGet("/min/headers", (RenderCounter counter) => "headers " + counter.Next("min-headers"))
            .CachePage(p =>
            {
                p.VaryByHeaders = ["Accept-Language"];
                p.VaryByCookies = ["theme"];
            });

        app.MapGet("/min/user", (HttpContext http, RenderCounter counter) => "user " + http.User.Identity?.Name + " " + counter.Next("min-user"))
            .CachePage(p => p.VaryByUser = true);

        app.MapGet("/min/anonymous", (HttpContext http, RenderCounter counter) => "anonymous " + http.User.Identity?.Name + " " + counter.Next("min-anonymous"))
            .CachePage();

        app.MapGet("/min/cookie", (HttpContext http, RenderCounter counter) =>
        {
            http.Response.Cookies.Append("session", "s" + counter.Next("min-cookie"));
            return "cookie";
        }).CachePage();

        app.MapGet("/min/profiled", (RenderCounter counter) => "profiled " + counter.Next("min-profiled")).CachePage("sidebar");

        app.MapPost("/min/post", (RenderCounter counter) => "post " + counter.Next("min-post")).CachePage();

        app.MapGet("/min/throws", (RenderCounter counter) =>
        {
            counter.Next("min-throws");
            return "ok" + counter.ThrowIfFailing();
        }).CachePage();

        // A group's settings apply to every endpoint in it; an endpoint's own call wins.
        var group = app.MapGroup("/min/group").CachePage(p =>
        {
            p.VaryByQueryKeys = [];
            p.Tags = ["group-tag"];
        });
        group.MapGet("/shared", (HttpContext http, RenderCounter counter) => "shared " + counter.Next("min-group-shared") + " " + http.Request.QueryString.Value);
        group.MapGet("/own", (HttpContext http, RenderCounter counter) => "own " + counter.Next("min-group-own") + " " + http.Request.QueryString.Value)
            .CachePage(p => p.VaryByQueryKeys = ["a"]);

        // A mistake: .CachePage() on MVC's endpoints (TestApp:CachePageOnMvc = "true").
        if (app.Configuration["TestApp:CachePageOnMvc"] == "true")
        {
            app.MapControllerRoute("cached-mvc", "cached-mvc/{controller}/{action}").CachePage();
        }

        if (app.Configuration["TestApp:MinimalProfile"] is { Length: > 0 } profile)
        {
            app.MapGet("/min/named", (RenderCounter counter) => "named " + counter.Next("min-named")).CachePage(profile);
        }
    }
}

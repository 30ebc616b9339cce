using System.Globalization;
using System.Security.Claims;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// One <see cref="VaryRules"/>, two keys: after a page's own parts (prefix, method, URL), its vary values are exactly the
/// ones a fragment with the same rules gets after its own (<c>vary-on</c>), dimension by dimension.
/// </summary>
public sealed class PageAndFragmentVaryTests
{
    /// <summary>The parts a page key has before its rules' dimensions: prefix, method, URL as marker and value each.</summary>
    private const int PageOwnParts = 6;

    /// <summary>The parts a fragment key has before them: <c>on</c> and its count (none).</summary>
    private const int FragmentOwnParts = 2;

    public static TheoryData<string> Dimensions =>
        ["headers", "query", "route", "cookies", "user", "culture", "values", "all"];

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void SameRules_SameVaryValues(string dimension)
    {
        var rules = Rules(dimension);
        var http = Request();
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            // A fragment reads the current culture; a page the culture request localization resolved: the same one here.
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            var fragment = VaryValues.Build(null, null, rules, null, http, null, null);
            var policy = new PagePolicy(TimeSpan.FromMinutes(1), rules, [], PerSite: false);
            var page = PageKey.Build(http, policy, rules.Headers.ToArray(), new RequestCulture(new CultureInfo("fr-FR"), new CultureInfo("de-DE")), new PageCacheOptions());

            Assert.Equal(fragment.Skip(FragmentOwnParts), page.Skip(PageOwnParts));
            Assert.NotEmpty(fragment.Skip(FragmentOwnParts));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }

    private static VaryRules Rules(string dimension)
    {
        var rules = new VaryRules();
        var all = dimension == "all";
        if (all || dimension == "headers")
        {
            rules.Headers.Add("Accept-Language");
            rules.Headers.Add("Authorization");
        }

        if (all || dimension == "query")
        {
            rules.QueryKeys.Add("page");
            rules.QueryKeys.Add("missing");
        }

        if (all || dimension == "route")
        {
            rules.RouteValues.Add("id");
            rules.RouteValues.Add("missing");
        }

        if (all || dimension == "cookies")
        {
            rules.Cookies.Add("theme");
            rules.Cookies.Add("missing");
        }

        rules.User = all || dimension == "user";
        rules.Culture = all || dimension == "culture";
        if (all || dimension == "values")
        {
            rules.Values["tenant"] = ctx => ctx.User.FindFirst("tenant")?.Value;
            rules.Values["absent"] = _ => null;
        }

        if (!all)
        {
            // The page's one rule of its own (no query keys set = the whole query) is not shared: name none.
            _ = rules.QueryKeys;
        }

        return rules;
    }

    private static DefaultHttpContext Request()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("h");
        http.Request.Path = "/p/42";
        http.Request.QueryString = new QueryString("?page=2&other=x");
        http.Request.Headers.AcceptLanguage = new[] { "fr", "de" };
        http.Request.Headers.Authorization = "Bearer secret";
        http.Request.Headers.Cookie = "theme=dark; session=1";
        http.Request.RouteValues["id"] = 42;
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim("tenant", "acme")], "test"));
        return http;
    }
}

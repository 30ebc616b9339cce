using System.Globalization;
using System.Security.Claims;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>What a page is keyed by: two requests share an entry exactly when their keys are equal.</summary>
public sealed class PageKeyTests
{
    /// <summary>No rules but the default culture: the whole query (its query keys were never set).</summary>
    private static readonly PagePolicy AllQuery = new(TimeSpan.FromMinutes(1), new VaryRules { Culture = true }, [], PerSite: false);

    [Theory]
    [InlineData("https", "Example.COM", "", "/Blog/Post", false, "https://example.com/blog/post")]
    [InlineData("https", "Example.COM", "", "/Blog/Post", true, "https://example.com/Blog/Post")]
    [InlineData("http", "h:8080", "", "/a", false, "http://h:8080/a")]
    [InlineData("http", "h", "/App", "/Page", false, "http://h/app/page")]
    [InlineData("http", "h", "/App", "/Page", true, "http://h/App/Page")]
    [InlineData("http", "h", "", "/", false, "http://h/")]
    public void Url(string scheme, string host, string pathBase, string path, bool caseSensitive, string expected)
    {
        var request = Request("GET", scheme + "://" + host + path);
        request.PathBase = pathBase;

        Assert.Equal(expected, PageKey.Url(request, caseSensitive));
    }

    /// <summary>Pairs of requests that must not share an entry.</summary>
    [Theory]
    [InlineData("GET http://h/a", "GET http://h/b")]
    [InlineData("GET http://h/blog/1", "GET http://h/blog/2")]
    [InlineData("GET http://h/a", "GET http://h/")]
    [InlineData("GET http://h/a", "HEAD http://h/a")]
    [InlineData("GET http://h/a", "GET https://h/a")]
    [InlineData("GET http://one/a", "GET http://two/a")]
    [InlineData("GET http://h/a?x=1", "GET http://h/a?y=1")]
    [InlineData("GET http://h/a?x=1", "GET http://h/a?x=2")]
    [InlineData("GET http://h/a?x=1", "GET http://h/a")]
    [InlineData("GET http://h/a?x=1&y=2", "GET http://h/a?x=1")]
    [InlineData("GET http://h/a?x=a", "GET http://h/a?x=A")]
    [InlineData("GET http://h/a?x=1&x=2", "GET http://h/a?x=1")]
    [InlineData("GET http://h/a?x=1&y=2", "GET http://h/a?x=12")]
    public void DifferentRequests_DifferentKeys(string first, string second)
        => Assert.NotEqual(Key(first, AllQuery), Key(second, AllQuery));

    /// <summary>Pairs of requests that must share an entry.</summary>
    [Theory]
    [InlineData("GET http://h/a", "GET http://h/a")]
    [InlineData("GET http://h/A", "GET http://h/a")]
    [InlineData("GET http://H/a", "GET http://h/a")]
    [InlineData("GET http://h/a?x=1&y=2", "GET http://h/a?y=2&x=1")]
    [InlineData("GET http://h/a?X=1", "GET http://h/a?x=1")]
    [InlineData("get http://h/a", "GET http://h/a")]
    public void EquivalentRequests_OneKey(string first, string second)
        => Assert.Equal(Key(first, AllQuery), Key(second, AllQuery));

    [Fact]
    public void CaseSensitivePaths_TellPathsApart()
    {
        var options = new PageCacheOptions { CaseSensitivePaths = true };
        Assert.NotEqual(Key("GET http://h/A", AllQuery, options: options), Key("GET http://h/a", AllQuery, options: options));
    }

    [Fact]
    public void KeyPrefix_TellsSitesApart()
        => Assert.NotEqual(Key("GET http://h/a", AllQuery, options: new PageCacheOptions { KeyPrefix = "one" }), Key("GET http://h/a", AllQuery, options: new PageCacheOptions { KeyPrefix = "two" }));

    [Theory]
    [InlineData("GET http://h/a?x=1", "GET http://h/a?y=1", false)]
    [InlineData("GET http://h/a?x=1", "GET http://h/a?x=2", false)]
    [InlineData("GET http://h/a?x=1&y=1", "GET http://h/a?x=1&y=2", false)]
    [InlineData("GET http://h/a?x=1&z=1", "GET http://h/a?x=1&z=2", true)]
    [InlineData("GET http://h/a?x=1", "GET http://h/a?x=1&z=9", true)]
    [InlineData("GET http://h/a?X=1", "GET http://h/a?x=1", true)]
    public void NamedQueryKeys_OnlyThoseCount(string first, string second, bool shared)
    {
        var policy = Varying(v => { v.QueryKeys.Add("x"); v.QueryKeys.Add("y"); });
        Assert.Equal(shared, Key(first, policy) == Key(second, policy));
    }

    [Fact]
    public void NamedQueryKey_NameIsPartOfTheKey()
    {
        // One value under two keyed names: only the name tells them apart.
        var policy = Varying(v => { v.QueryKeys.Add("x"); v.QueryKeys.Add("y"); });
        Assert.NotEqual(Key("GET http://h/a?x=1", policy), Key("GET http://h/a?y=1", policy));
    }

    [Fact]
    public void Headers_OnlyTheKeyedOnesCount()
    {
        string KeyWith(string language, string agent, string[] vary) =>
            Key("GET http://h/a", AllQuery, request =>
            {
                request.Headers.AcceptLanguage = language;
                request.Headers.UserAgent = agent;
            }, vary);

        Assert.NotEqual(KeyWith("fr", "x", ["Accept-Language"]), KeyWith("de", "x", ["Accept-Language"]));
        Assert.Equal(KeyWith("fr", "x", ["Accept-Language"]), KeyWith("fr", "y", ["Accept-Language"]));
        Assert.Equal(KeyWith("fr", "x", []), KeyWith("de", "x", []));
    }

    [Fact]
    public void Cookies_OnlyTheKeyedOnesCount()
    {
        var policy = Varying(v => v.Cookies.Add("theme"));
        string KeyWith(string cookie) => Key("GET http://h/a", policy, request => request.Headers.Cookie = cookie);

        Assert.NotEqual(KeyWith("theme=dark"), KeyWith("theme=light"));
        Assert.NotEqual(KeyWith("theme=dark"), KeyWith("other=dark"));
        Assert.Equal(KeyWith("theme=dark; session=1"), KeyWith("theme=dark; session=2"));
    }

    [Fact]
    public void User_CountsOnlyWhenThePolicyVariesByIt()
    {
        static Action<HttpRequest> As(string id) => request =>
            request.HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], "test"));

        var byUser = Varying(v => v.User = true);
        Assert.NotEqual(Key("GET http://h/a", byUser, As("1")), Key("GET http://h/a", byUser, As("2")));
        Assert.NotEqual(Key("GET http://h/a", byUser, As("1")), Key("GET http://h/a", byUser));
        Assert.Equal(Key("GET http://h/a", AllQuery, As("1")), Key("GET http://h/a", AllQuery, As("2")));
    }

    [Fact]
    public void EmptyQueryKeys_IgnoreTheQuery()
    {
        var policy = Varying(v => _ = v.QueryKeys);
        Assert.Equal(Key("GET http://h/a?x=1", policy), Key("GET http://h/a?x=2", policy));
        Assert.NotEqual(Key("GET http://h/a?x=1", AllQuery), Key("GET http://h/a?x=2", AllQuery));
    }

    [Fact]
    public void RouteValues_CountWhenNamed()
    {
        // One URL (paths are keyed lower-cased), two route values: only a named route value tells them apart.
        var policy = Varying(v => v.RouteValues.Add("id"));
        static Action<HttpRequest> Id(string id) => request => request.RouteValues["id"] = id;

        Assert.NotEqual(Key("GET http://h/p/ABC", policy, Id("ABC")), Key("GET http://h/p/abc", policy, Id("abc")));
        Assert.Equal(Key("GET http://h/p/abc", policy, Id("abc")), Key("GET http://h/p/abc", policy, Id("abc")));
        Assert.Equal(Key("GET http://h/p/ABC", AllQuery, Id("ABC")), Key("GET http://h/p/abc", AllQuery, Id("abc")));
    }

    [Fact]
    public void CallbackValues_CountByValueNotByUser()
    {
        var policy = Varying(v => v.Values["tenant"] = ctx => ctx.User.FindFirst("tenant")?.Value);
        static Action<HttpRequest> As(string id, string? tenant) => request =>
            request.HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity(
                tenant is null ? [new Claim(ClaimTypes.NameIdentifier, id)] : [new Claim(ClaimTypes.NameIdentifier, id), new Claim("tenant", tenant)], "test"));

        Assert.Equal(Key("GET http://h/a", policy, As("alice", "acme")), Key("GET http://h/a", policy, As("bob", "acme")));
        Assert.NotEqual(Key("GET http://h/a", policy, As("alice", "acme")), Key("GET http://h/a", policy, As("carol", "globex")));
        Assert.NotEqual(Key("GET http://h/a", policy, As("alice", "")), Key("GET http://h/a", policy, As("dave", null)));
        Assert.Equal(Key("GET http://h/a", policy, As("dave", null)), Key("GET http://h/a", policy));
        Assert.Equal(Key("GET http://h/a", AllQuery, As("alice", "acme")), Key("GET http://h/a", AllQuery, As("carol", "globex")));
    }

    [Fact]
    public void Culture_CountsWhenGiven()
    {
        var fr = new RequestCulture(new CultureInfo("fr-FR"));
        var de = new RequestCulture(new CultureInfo("de-DE"));
        var frWithGermanUi = new RequestCulture(new CultureInfo("fr-FR"), new CultureInfo("de-DE"));

        Assert.NotEqual(Key("GET http://h/a", AllQuery, culture: fr), Key("GET http://h/a", AllQuery, culture: de));
        Assert.NotEqual(Key("GET http://h/a", AllQuery, culture: fr), Key("GET http://h/a", AllQuery, culture: frWithGermanUi));
        Assert.NotEqual(Key("GET http://h/a", AllQuery, culture: fr), Key("GET http://h/a", AllQuery));
        Assert.Equal(Key("GET http://h/a", AllQuery, culture: fr), Key("GET http://h/a", AllQuery, culture: new RequestCulture(new CultureInfo("fr-fr"))));
    }

    [Theory]
    [InlineData("http://h/a", "http://h/a?x=1", true)]
    [InlineData("http://h/A", "http://h/a", true)]
    [InlineData("http://h/a", "http://h/b", false)]
    [InlineData("http://h/a", "https://h/a", false)]
    [InlineData("http://one/a", "http://two/a", false)]
    public void LearnedVaryKey_OnePerNormalisedUrl(string first, string second, bool shared)
    {
        var options = new PageCacheOptions();
        Assert.Equal(shared, PageKey.LearnedVaryKey(Request("GET", first), options) == PageKey.LearnedVaryKey(Request("GET", second), options));
    }

    [Fact]
    public void LearnedVaryKey_CarriesThePrefix()
        => Assert.NotEqual(
            PageKey.LearnedVaryKey(Request("GET", "http://h/a"), new PageCacheOptions { KeyPrefix = "one" }),
            PageKey.LearnedVaryKey(Request("GET", "http://h/a"), new PageCacheOptions { KeyPrefix = "two" }));

    /// <summary><see cref="AllQuery"/> with rules of its own.</summary>
    private static PagePolicy Varying(Action<VaryRules> configure)
    {
        var rules = new VaryRules { Culture = true };
        configure(rules);
        return AllQuery with { Vary = rules };
    }

    private static string Key(string request, PagePolicy policy, Action<HttpRequest>? configure = null, string[]? varyHeaders = null, RequestCulture? culture = null, PageCacheOptions? options = null)
    {
        var (method, url) = (request[..request.IndexOf(' ', StringComparison.Ordinal)], request[(request.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var http = Request(method, url);
        configure?.Invoke(http);
        var vary = PageKey.Build(http.HttpContext, policy, varyHeaders ?? [], culture, options ?? new PageCacheOptions());
        return FragmentKey.Create(PageCacheHandler.FragmentName, vary).Canonical;
    }

    /// <summary>A request for <paramref name="url"/> as written (no <see cref="Uri"/>: it would lower-case the host first).</summary>
    private static HttpRequest Request(string method, string url)
    {
        var scheme = url[..url.IndexOf("://", StringComparison.Ordinal)];
        var rest = url[(scheme.Length + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(rest[..slash]);
        context.Request.Path = query < 0 ? rest[slash..] : rest[slash..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(rest[query..]);
        return context.Request;
    }
}

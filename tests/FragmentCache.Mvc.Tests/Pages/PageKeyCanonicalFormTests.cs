using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// A page key's exact parts. Servers of two builds share one store, so the form is a contract: a change here is a change
/// of every stored page's key, made on purpose.
/// </summary>
public sealed class PageKeyCanonicalFormTests
{
    [Fact]
    public void Build_PrefixMethodUrlThenTheWholeQuery()
    {
        var context = Context("get", "H", "/A", "?b=2&A=1&b=3");
        var policy = new PagePolicy(TimeSpan.FromMinutes(1), new VaryRules(), [], PerSite: false);

        var parts = PageKey.Build(context, policy, [], null, new PageCacheOptions { KeyPrefix = "site" });

        Assert.Equal<object?>(["prefix", "site", "method", "GET", "url", "http://h/a", "query*", 2, "a", 1, "1", "b", 2, "2", "3"], parts);
    }

    [Fact]
    public void Build_NamedQueryKeysAndHeaders()
    {
        var context = Context("HEAD", "h", "/p", "?x=1");
        context.Request.Headers.AcceptLanguage = "fr";
        var rules = new VaryRules();
        rules.QueryKeys.Add("x");
        var policy = new PagePolicy(TimeSpan.FromMinutes(1), rules, [], PerSite: false);

        var parts = PageKey.Build(context, policy, ["Accept-Language"], null, new PageCacheOptions());

        Assert.Equal<object?>(["prefix", "", "method", "HEAD", "url", "http://h/p", "header", 1, "accept-language", 1, "fr", "query", 1, "x", 1, "1"], parts);
    }

    [Theory]
    [InlineData("", "/a", "http:///a")]
    [InlineData("h", "", "http://h")]
    public void Url_WithoutHostOrPath(string host, string path, string expected)
        => Assert.Equal(expected, PageKey.Url(Context("GET", host, path, "").Request, caseSensitivePaths: false));

    [Theory]
    [InlineData("", "pagevary::C43FA283946B81455781EE66E2429E92")]
    [InlineData("site", "pagevary:site:C43FA283946B81455781EE66E2429E92")]
    public void LearnedVaryKey_PrefixAndUrlDigest(string prefix, string expected)
        => Assert.Equal(expected, PageKey.LearnedVaryKey(Context("GET", "h", "/a", "?q=1").Request, new PageCacheOptions { KeyPrefix = prefix }));

    private static DefaultHttpContext Context(string method, string host, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "http";
        if (host.Length > 0)
        {
            context.Request.Host = new HostString(host);
        }

        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length > 0 ? query : null);
        return context;
    }
}

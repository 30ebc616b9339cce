using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>
/// The key a page hit builds (its values written into a list the thread keeps) is the key of <see cref="PageKey.Build"/>'s
/// values, request after request: nothing of one request's values reaches the next one's key.
/// </summary>
public sealed class PageKeyCreateTests
{
    private static readonly (string Path, string Query, string[] Headers)[] Requests =
    [
        ("/a", "?b=2&A=1&b=3", []),
        ("/a", "", []),
        ("/b", "?" + string.Join('&', Enumerable.Range(0, 40).Select(i => $"k{i}={i}")), ["Accept-Language"]),
        ("/a", "", ["Accept-Language"]),
        ("/a", "?b=2", []),
    ];

    [Fact]
    public void Create_RequestAfterRequest_IsTheKeyOfBuildsValues()
    {
        var options = new PageCacheOptions { KeyPrefix = "site" };
        var policy = new PagePolicy(TimeSpan.FromMinutes(1), new VaryRules(), [], PerSite: false);

        // Twice over, so that every request's key is built after a longer and a shorter one.
        for (var round = 0; round < 2; round++)
        {
            foreach (var (path, query, headers) in Requests)
            {
                var context = Context(path, query);
                context.Request.Headers.AcceptLanguage = "fr";

                var key = PageKey.Create(PageCacheHandler.FragmentName, context, policy, headers, null, options);

                var expected = FragmentKey.Create(PageCacheHandler.FragmentName, PageKey.Build(context, policy, headers, null, options));
                Assert.Equal(expected.Canonical, key.Canonical);
                Assert.Equal(expected.StoreKey, key.StoreKey);
            }
        }
    }

    [Fact]
    public void Create_DifferentQueries_DifferentKeys()
    {
        var options = new PageCacheOptions();
        var policy = new PagePolicy(TimeSpan.FromMinutes(1), new VaryRules(), [], PerSite: false);

        var none = PageKey.Create(PageCacheHandler.FragmentName, Context("/a", ""), policy, [], null, options);
        var one = PageKey.Create(PageCacheHandler.FragmentName, Context("/a", "?x=1"), policy, [], null, options);
        var again = PageKey.Create(PageCacheHandler.FragmentName, Context("/a", ""), policy, [], null, options);

        Assert.NotEqual(none, one);
        Assert.Equal(none, again);
    }

    private static DefaultHttpContext Context(string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("h");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query.Length > 0 ? query : null);
        return context;
    }
}

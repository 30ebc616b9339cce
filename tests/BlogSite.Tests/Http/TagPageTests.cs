using System.Net;
using BlogSite.Tests.Infrastructure;

namespace BlogSite.Tests.Http;

/// <summary>Tag pages on a real memcached: a tag that exists is listed, a made-up one is a 404 that caches nothing.</summary>
public sealed class TagPageTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task Tag_Unknown_IsNotFoundAndRendersNoListing()
    {
        var client = _site.CreateBrowserlessClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(new Uri("/tags/no-such-tag-" + i, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(0, _site.Renders["tag:no-such-tag-" + i]);
        }

        var (html, _) = await client.GetPageAsync("/tags/caching");
        Assert.Contains("caching", html, StringComparison.Ordinal);
        Assert.Equal(1, _site.Renders["tag:caching"]);
    }
}

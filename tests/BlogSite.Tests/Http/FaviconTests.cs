using System.Net;
using System.Text.RegularExpressions;
using BlogSite.Tests.Infrastructure;

namespace BlogSite.Tests.Http;

/// <summary>The site's icon: linked from the layout, and answered at /favicon.ico too, as an image.</summary>
public sealed partial class FaviconTests(MemcachedServerFixture memcached) : IAsyncLifetime
{
    private BlogSiteFactory _site = null!;

    public ValueTask InitializeAsync()
    {
        _site = new BlogSiteFactory(memcached.Address);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _site.DisposeAsync();

    [Fact]
    public async Task Icon_LinkedFromTheLayoutAndAtFaviconIco_IsAnImage()
    {
        var client = _site.CreateBrowserlessClient();
        var (html, _) = await client.GetPageAsync("/");
        var link = IconLink().Match(html);
        Assert.True(link.Success, "the layout links no icon");

        foreach (var url in new[] { link.Groups[1].Value, "/favicon.ico" })
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("image/", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.StartsWith("<svg", body, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("<link rel=\"icon\" href=\"([^\"]+)\"")]
    private static partial Regex IconLink();
}

using System.Security.Claims;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>The page cache's rules, one table each.</summary>
public sealed class PageCachePolicyTests
{
    [Theory]
    [InlineData("GET", false, false, false, null)]
    [InlineData("HEAD", false, false, false, null)]
    [InlineData("get", false, false, false, null)]
    [InlineData("POST", false, false, false, "method")]
    [InlineData("PUT", false, false, false, "method")]
    [InlineData("DELETE", false, false, true, "method")]
    [InlineData("GET", true, false, false, "authorization header")]
    [InlineData("GET", true, false, true, "authorization header")]
    [InlineData("GET", false, true, false, "authenticated user")]
    [InlineData("HEAD", false, true, false, "authenticated user")]
    [InlineData("GET", false, true, true, null)]
    public void RequestBypass(string method, bool authorizationHeader, bool signedIn, bool varyByUser, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (authorizationHeader)
        {
            context.Request.Headers.Authorization = "Bearer x";
        }

        if (signedIn)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "7")], "test"));
        }

        Assert.Equal(expected, PageCachePolicy.RequestBypass(context.Request, varyByUser));
    }

    [Theory]
    [InlineData(200, null, null, null)]
    [InlineData(200, "Content-Type", "text/html", null)]
    [InlineData(201, null, null, "status 201")]
    [InlineData(204, null, null, "status 204")]
    [InlineData(301, null, null, "status 301")]
    [InlineData(304, null, null, "status 304")]
    [InlineData(404, null, null, "status 404")]
    [InlineData(500, null, null, "status 500")]
    [InlineData(200, "Set-Cookie", "a=b", "Set-Cookie")]
    [InlineData(404, "Set-Cookie", "a=b", "status 404")]
    [InlineData(200, "Cache-Control", "private", "Cache-Control private/no-store/no-cache")]
    [InlineData(200, "Cache-Control", "no-store", "Cache-Control private/no-store/no-cache")]
    [InlineData(200, "Cache-Control", "no-cache", "Cache-Control private/no-store/no-cache")]
    [InlineData(200, "Cache-Control", "public, max-age=60, no-store", "Cache-Control private/no-store/no-cache")]
    [InlineData(200, "Cache-Control", "public, max-age=60", null)]
    [InlineData(200, "Cache-Control", "max-age=0", null)]
    [InlineData(200, "Pragma", "no-cache", "Pragma: no-cache")]
    [InlineData(200, "Pragma", "NO-CACHE", "Pragma: no-cache")]
    [InlineData(200, "Pragma", "x-other", null)]
    public void ResponseRefusal(int status, string? header, string? value, string? expected)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (header is not null)
        {
            headers[header] = value;
        }

        Assert.Equal(expected, PageCachePolicy.ResponseRefusal(status, headers));
    }

    [Theory]
    [InlineData(new string[0], "", null, "")]
    [InlineData(new[] { "Accept-Language" }, "Accept-Language", null, "")]
    [InlineData(new[] { "accept-language" }, "Accept-Language", null, "")]
    [InlineData(new[] { "Accept-Language" }, "", "Vary names headers the key does not carry", "Accept-Language")]
    [InlineData(new[] { "Accept-Language, Accept-Encoding" }, "Accept-Language", "Vary names headers the key does not carry", "Accept-Encoding")]
    [InlineData(new[] { "Accept-Language", "Accept-Encoding" }, "Accept-Encoding", "Vary names headers the key does not carry", "Accept-Language")]
    [InlineData(new[] { "Accept-Language, Accept-Encoding" }, "Accept-Encoding,Accept-Language", null, "")]
    [InlineData(new[] { "*" }, "", "Vary: *", "")]
    [InlineData(new[] { "*" }, "Accept-Language", "Vary: *", "")]
    [InlineData(new[] { "Accept-Language, *" }, "Accept-Language", "Vary: *", "")]
    [InlineData(new[] { "Accept-Language", "*" }, "", "Vary: *", "")]
    public void VaryRefusal(string[] vary, string keyed, string? expected, string expectedUnkeyed)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (vary.Length > 0)
        {
            headers.Vary = vary;
        }

        var reason = PageCachePolicy.VaryRefusal(headers, keyed.Split(',', StringSplitOptions.RemoveEmptyEntries), out var unkeyed);

        Assert.Equal(expected, reason);
        Assert.Equal(expectedUnkeyed.Split(',', StringSplitOptions.RemoveEmptyEntries), unkeyed);
    }

    [Theory]
    [InlineData(null, 600, 3600, null, 600)]
    [InlineData("public", 600, 3600, null, 600)]
    [InlineData("max-age=30", 600, 3600, null, 30)]
    [InlineData("public, max-age=30", 600, 3600, null, 30)]
    [InlineData("s-maxage=20, max-age=30", 600, 3600, null, 20)]
    [InlineData("max-age=30, s-maxage=45", 600, 3600, null, 45)]
    [InlineData("max-age=7200", 600, 3600, null, 3600)]
    [InlineData("max-age=3600", 600, 3600, null, 3600)]
    [InlineData("max-age=3599", 600, 3600, null, 3599)]
    [InlineData(null, 7200, 3600, null, 3600)]
    [InlineData("max-age=0", 600, 3600, "max-age=0", 0)]
    [InlineData("s-maxage=0, max-age=60", 600, 3600, "max-age=0", 0)]
    public void Lifetime(string? cacheControl, int defaultSeconds, int maxSeconds, string? expected, int expectedSeconds)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (cacheControl is not null)
        {
            headers.CacheControl = cacheControl;
        }

        var reason = PageCachePolicy.Lifetime(headers, TimeSpan.FromSeconds(defaultSeconds), TimeSpan.FromSeconds(maxSeconds), out var lifetime);

        Assert.Equal(expected, reason);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), lifetime);
    }

    [Theory]
    [InlineData("Content-Type", true)]
    [InlineData("Cache-Control", true)]
    [InlineData("Vary", true)]
    [InlineData("ETag", true)]
    [InlineData("Last-Modified", true)]
    [InlineData("Content-Language", true)]
    [InlineData("Link", true)]
    [InlineData("X-Custom", true)]
    [InlineData("Age", false)]
    [InlineData("Date", false)]
    [InlineData("Content-Length", false)]
    [InlineData("Connection", false)]
    [InlineData("Keep-Alive", false)]
    [InlineData("Transfer-Encoding", false)]
    [InlineData("transfer-encoding", false)]
    [InlineData("Set-Cookie", false)]
    [InlineData("Trailer", false)]
    [InlineData("Upgrade", false)]
    [InlineData("X-Fragment-Cache", false)]
    [InlineData("x-fragment-cache", false)]
    public void IsStoredHeader(string name, bool stored)
        => Assert.Equal(stored, PageCachePolicy.IsStoredHeader(name, "X-Fragment-Cache"));

    [Fact]
    public void IsStoredHeader_WithoutStatusHeader_KeepsWhatIsNotHopByHop()
    {
        Assert.True(PageCachePolicy.IsStoredHeader("X-Fragment-Cache", null));
        Assert.False(PageCachePolicy.IsStoredHeader("Connection", null));
    }
}

using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>The storage and key rules of <c>[CachePage]</c>: what is never stored, never served to another visitor, and what the key carries.</summary>
public partial class CachePageTests
{
    [Fact]
    public async Task CachePage_Post_NeverCached()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync(HttpMethod.Post, "/Pages/Post");
        await client.SendAsync(HttpMethod.Post, "/Pages/Post");
        Assert.Equal(2, factory.Counter.Count("pages-post"));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(404)]
    [InlineData(500)]
    public async Task CachePage_Non200_NotStored(int status)
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var (r, _) = await client.SendAsync("/Pages/Status/" + status);
        await client.SendAsync("/Pages/Status/" + status);
        Assert.Equal(status, (int)r.StatusCode);
        Assert.Equal(2, factory.Counter.Count("pages-status-" + status));
    }

    [Fact]
    public async Task CachePage_EmptyNotFound_LeftToTheStatusCodePages()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            var (r, body) = await client.SendAsync("/Pages/Missing");
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
            Assert.Equal("status page 404", body);
        }

        Assert.Equal(2, factory.Counter.Count("pages-missing"));
    }

    [Fact]
    public async Task CachePage_SetCookie_NotStoredAndCookieNeverReplayed()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var (r1, _) = await client.SendAsync("/Pages/SetCookie");
        var (r2, _) = await client.SendAsync("/Pages/SetCookie");
        Assert.Contains("session=s1", r1.Header("Set-Cookie"));
        Assert.Contains("session=s2", r2.Header("Set-Cookie"));
    }

    [Theory]
    [InlineData("/Pages/Private", "pages-private")]
    [InlineData("/Pages/NoStore", "pages-nostore")]
    public async Task CachePage_CacheControlForbids_NotStored(string url, string counter)
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync(url);
        await client.SendAsync(url);
        Assert.Equal(2, factory.Counter.Count(counter));
    }

    [Fact]
    public async Task CachePage_AuthorizationHeader_NotCached()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index", ("Authorization", "Bearer x"));
        await client.SendAsync("/Pages/Index", ("Authorization", "Bearer x"));
        await client.SendAsync("/Pages/Index");
        await client.SendAsync("/Pages/Index", ("Authorization", "Bearer x"));
        Assert.Equal(4, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_SignedInWithoutVaryByUser_NotCached()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index");
        var (signedIn, _) = await client.SendAsync("/Pages/Index", ("X-Test-User", "1"));
        await client.SendAsync("/Pages/Index", ("X-Test-User", "1"));
        Assert.Null(signedIn.Header("Age"));
        Assert.Equal(3, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_VaryByUser_OneEntryPerUser()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, alice) = await client.SendAsync("/Pages/ByUser", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (_, bob) = await client.SendAsync("/Pages/ByUser", ("X-Test-User", "2"), ("X-Test-Name", "bob"));
        var (_, aliceAgain) = await client.SendAsync("/Pages/ByUser", ("X-Test-User", "1"), ("X-Test-Name", "alice"));

        Assert.Equal("user alice 1", alice);
        Assert.Equal("user bob 2", bob);
        Assert.Equal("user alice 1", aliceAgain);
    }

    [Fact]
    public async Task CachePage_QueryKeys_AllVaryByDefaultNamesCaseInsensitiveValuesSensitive()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        await client.SendAsync("/Pages/Index?a=1&b=2");
        await client.SendAsync("/Pages/Index?B=2&A=1");
        Assert.Equal(1, factory.Counter.Count("pages-index"));
        await client.SendAsync("/Pages/Index?a=1&b=X");
        Assert.Equal(2, factory.Counter.Count("pages-index"));
        await client.SendAsync("/Pages/Index?a=1&b=x");
        Assert.Equal(3, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_ExplicitQueryKeys_IgnoreOtherKeys()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/QueryA?a=1&z=1");
        await client.SendAsync("/Pages/QueryA?a=1&z=2");
        await client.SendAsync("/Pages/QueryA?a=2&z=2");
        Assert.Equal(2, factory.Counter.Count("pages-query"));
    }

    [Fact]
    public async Task CachePage_PathCasing_SharesEntry()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Index");
        await client.SendAsync("/pages/index");
        Assert.Equal(1, factory.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task CachePage_VaryByHeadersAndCookies_Isolate()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        await client.SendAsync("/Pages/Headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark"));
        await client.SendAsync("/Pages/Headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark; other=1"));
        Assert.Equal(1, factory.Counter.Count("pages-headers"));
        await client.SendAsync("/Pages/Headers", ("Accept-Language", "de"), ("Cookie", "theme=dark"));
        await client.SendAsync("/Pages/Headers", ("Accept-Language", "fr"), ("Cookie", "theme=light"));
        Assert.Equal(3, factory.Counter.Count("pages-headers"));
    }

    [Fact]
    public async Task CachePage_BodyOverMax_ServedNotStored()
    {
        var (factory, _) = Create();
        await using var _f = factory;
        var client = factory.CreateClient();
        var (_, body) = await client.SendAsync("/Pages/Big/1500");
        await client.SendAsync("/Pages/Big/1500");
        Assert.Equal(1500, body.Length);
        Assert.Equal(2, factory.Counter.Count("pages-big"));
    }
}

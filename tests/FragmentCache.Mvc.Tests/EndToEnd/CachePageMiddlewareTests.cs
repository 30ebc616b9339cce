using System.Net;
using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// <c>app.UseCachePage()</c> over a real memcached: hits answered before MVC, misses stored once, authorization never
/// bypassed. The shared scenarios (vary rules, Set-Cookie, status codes...) run in both modes in <see cref="CachePageTests"/>.
/// </summary>
public sealed class CachePageMiddlewareTests
{
    private static async Task<(MemcachedProcess Memcached, string Server)> StartMemcachedAsync()
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (memcached, "127.0.0.1:" + memcached.Port);
    }

    private static TestAppFactory Host(string server, string? cachePage = "middleware")
        => new(server, new FakeTimeProvider(TestAppFactory.Start), cachePage: cachePage);

    [Fact]
    public async Task UseCachePage_Hit_RunsNeitherActionNorMvcFiltersAndReplaysTheSameResponse()
    {
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server);
        var client = host.CreateClient();

        var (miss, missBody) = await client.SendAsync("/Pages/Index?x=1");
        host.Time.Advance(TimeSpan.FromSeconds(3));
        var (hit, hitBody) = await client.SendAsync("/Pages/Index?x=1");

        Assert.Equal(missBody, hitBody);
        Assert.Equal(1, host.Counter.Count("pages-index"));
        Assert.Equal(1, host.Counter.Count(MvcFilterCounter.For("/Pages/Index")));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("3", hit.Header("Age"));
        foreach (var header in new[] { "Content-Type", "Content-Length", "ETag", "Last-Modified" })
        {
            Assert.Equal(miss.Header(header), hit.Header(header));
        }
    }

    [Fact]
    public async Task FilterOnly_Hit_StillRunsTheMvcFiltersBeforeIt()
    {
        // What the middleware saves: without it a hit goes through MVC's filter pipeline (here a global resource filter).
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server, cachePage: null);
        var client = host.CreateClient();

        await client.SendAsync("/Pages/Index?x=2");
        var (hit, _) = await client.SendAsync("/Pages/Index?x=2");

        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Counter.Count("pages-index"));
        Assert.Equal(2, host.Counter.Count(MvcFilterCounter.For("/Pages/Index")));
    }

    [Theory]
    [InlineData("middleware", null)]
    [InlineData(null, "middleware")]
    public async Task Miss_StoredOnce_ServedByTheOtherMode(string? storing, string? serving)
    {
        // The same key and entry either way: a farm can switch the middleware on host by host.
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var one = Host(server, storing);
        await using var two = Host(server, serving);

        var (_, stored) = await one.CreateClient().SendAsync("/Pages/Headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark"));
        var (hit, served) = await two.CreateClient().SendAsync("/Pages/Headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark"));

        Assert.Equal(stored, served);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, one.Counter.Count("pages-headers"));
        Assert.Equal(0, two.Counter.Count("pages-headers"));
    }

    [Theory]
    [InlineData("middleware")]
    [InlineData("before-authorization")]
    public async Task AuthorizeEndpoint_AnonymousNeverServedAndUsersIsolated(string mode)
    {
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server, mode);
        var client = host.CreateClient();

        var (_, alice) = await client.SendAsync("/Secured/Mine", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (aliceHit, aliceAgain) = await client.SendAsync("/Secured/Mine", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (anonymous, anonymousBody) = await client.SendAsync("/Secured/Mine");
        var (_, bob) = await client.SendAsync("/Secured/Mine", ("X-Test-User", "2"), ("X-Test-Name", "bob"));

        Assert.Equal("mine alice 1", alice);
        Assert.Equal(alice, aliceAgain);
        Assert.Equal("hit", aliceHit.Header("X-Fragment-Cache"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.DoesNotContain("alice", anonymousBody);
        Assert.Equal("mine bob 2", bob);
    }

    [Theory]
    [InlineData("middleware")]
    [InlineData("before-authorization")]
    public async Task AuthorizationPolicy_DeniedRequestNeverServedTheStoredPage(string mode)
    {
        // The policy lets anonymous requests in by a header: the stored page is anonymous, so only the authorization
        // middleware stands between it and a request without the header, even when UseCachePage is (mis)placed before it.
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server, mode);
        var client = host.CreateClient();

        var (first, _) = await client.SendAsync("/Secured/Policy", ("X-Key", "open"));
        var (hit, _) = await client.SendAsync("/Secured/Policy", ("X-Key", "open"));
        var (denied, body) = await client.SendAsync("/Secured/Policy");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.DoesNotContain("policy", body);
        Assert.Equal(1, host.Counter.Count("secured-policy"));
    }

    [Theory]
    [InlineData("/Secured/Keyed", "secured-keyed")]
    [InlineData("/Secured/TypeKeyed", "secured-typekeyed")]
    public async Task MvcAuthorizationFilter_EndpointLeftToTheFilter_RejectionNeverBypassed(string url, string counter)
    {
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server);
        var client = host.CreateClient();

        var (first, _) = await client.SendAsync(url, ("X-Key", "open"));
        var (hit, _) = await client.SendAsync(url, ("X-Key", "open"));
        var (rejected, body) = await client.SendAsync(url);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Counter.Count(counter));
        Assert.Equal(HttpStatusCode.Forbidden, rejected.StatusCode);
        Assert.DoesNotContain("keyed", body);
        // The hit went through MVC (its authorization filter, then the resource filters); the rejection stopped before them.
        Assert.Equal(2, host.Counter.Count(MvcFilterCounter.For(url)));
    }

    [Fact]
    public async Task UserReplacedAfterTheMiddleware_ResponseNotStored()
    {
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server, "later-middleware");
        var client = host.CreateClient();

        // The middleware keyed the page as anonymous; MVC rendered it for mallory: it must not be stored.
        await client.SendAsync("/Pages/Index?x=3", ("X-Late-User", "mallory"));
        var (anonymous, _) = await client.SendAsync("/Pages/Index?x=3");
        var (hit, _) = await client.SendAsync("/Pages/Index?x=3");

        Assert.Equal("miss", anonymous.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Counter.Count("pages-index"));
    }

    [Fact]
    public async Task ResponseFromAMiddlewareAfterIt_NotStored()
    {
        // Without UseCachePage such a response never reaches the filter; with it, it must not be stored either.
        var (memcached, server) = await StartMemcachedAsync();
        await using var _m = memcached;
        await using var host = Host(server, "later-middleware");
        var client = host.CreateClient();

        var (_, answered) = await client.SendAsync("/Pages/Index?x=4", ("X-Answer", "maintenance"));
        var (page, body) = await client.SendAsync("/Pages/Index?x=4");

        Assert.Equal("answered maintenance", answered);
        Assert.Equal("miss", page.Header("X-Fragment-Cache"));
        Assert.StartsWith("index 1", body);
    }
}

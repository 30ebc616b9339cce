using System.Net;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// <c>.CachePage(...)</c> on minimal-API endpoints and route groups, over HTTP, on the memory store with the endpoint's own
/// cache; the subclasses run every scenario again with <c>app.UseCachePage()</c> and over a real memcached.
/// </summary>
public class MinimalApiCachePageTests
{
    /// <summary>The test app's pipeline switch: <see langword="null"/> = the endpoint's own cache alone.</summary>
    protected virtual string? CachePageMode => null;

    /// <summary>Starts a host of the test app over this class's store.</summary>
    protected virtual Task<Host> StartAsync()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: CachePageMode);
        return Task.FromResult(new Host(factory, null));
    }

    [Fact]
    public async Task Get_Twice_HandlerRunsOnceAndTheHitReplaysTheResponse()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (miss, first) = await client.SendAsync("/min/plain?x=1");
        host.Factory.Time.Advance(TimeSpan.FromSeconds(4));
        var (hit, second) = await client.SendAsync("/min/plain?x=1");

        Assert.Equal("plain 1 ?x=1", first);
        Assert.Equal(first, second);
        Assert.Equal(1, host.Factory.Counter.Count("min-plain"));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("4", hit.Header("Age"));
        Assert.Equal(miss.Header("Content-Type"), hit.Header("Content-Type"));
        Assert.Equal(miss.Header("ETag"), hit.Header("ETag"));
    }

    [Fact]
    public async Task Get_ByDefault_EveryQueryKeyAndRouteValueVaries()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, one) = await client.SendAsync("/min/json/1?q=a");
        var (hit, oneAgain) = await client.SendAsync("/min/json/1?q=a");
        var (_, otherQuery) = await client.SendAsync("/min/json/1?q=b");
        var (_, otherRoute) = await client.SendAsync("/min/json/2?q=a");

        Assert.Equal(one, oneAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("application/json; charset=utf-8", hit.Header("Content-Type"));
        Assert.Contains("\"q\":\"b\"", otherQuery, StringComparison.Ordinal);
        Assert.Contains("\"id\":2", otherRoute, StringComparison.Ordinal);
        Assert.Equal(3, host.Factory.Counter.Count("min-json"));
    }

    [Fact]
    public async Task VaryByQueryKeys_OtherKeysShareTheEntryAndNeverReachTheHandler()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync("/min/query?a=1&utm=<x>");
        var (hit, second) = await client.SendAsync("/min/query?a=1&utm=other");
        var (_, third) = await client.SendAsync("/min/query?a=2");

        Assert.Equal("query 1 ?a=1", first);
        Assert.Equal(first, second);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal("query 2 ?a=2", third);
    }

    [Fact]
    public async Task VaryByHeadersAndCookies_OneEntryPerValue()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        await client.SendAsync("/min/headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark"));
        var (hit, _) = await client.SendAsync("/min/headers", ("Accept-Language", "fr"), ("Cookie", "theme=dark; other=1"));
        await client.SendAsync("/min/headers", ("Accept-Language", "en"), ("Cookie", "theme=dark"));
        await client.SendAsync("/min/headers", ("Accept-Language", "fr"), ("Cookie", "theme=light"));

        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(3, host.Factory.Counter.Count("min-headers"));
    }

    [Fact]
    public async Task VaryByUser_OneEntryPerUser_AndSignedInNeverCachedWithoutIt()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, alice) = await client.SendAsync("/min/user", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (aliceHit, aliceAgain) = await client.SendAsync("/min/user", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (_, bob) = await client.SendAsync("/min/user", ("X-Test-User", "2"), ("X-Test-Name", "bob"));

        await client.SendAsync("/min/anonymous");
        var (_, signedIn) = await client.SendAsync("/min/anonymous", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (_, signedInAgain) = await client.SendAsync("/min/anonymous", ("X-Test-User", "1"), ("X-Test-Name", "alice"));
        var (anonymousHit, _) = await client.SendAsync("/min/anonymous");

        Assert.Equal("user alice 1", alice);
        Assert.Equal(alice, aliceAgain);
        Assert.Equal("hit", aliceHit.Header("X-Fragment-Cache"));
        Assert.Equal("user bob 2", bob);
        Assert.Equal("anonymous alice 2", signedIn);
        Assert.Equal("anonymous alice 3", signedInAgain);
        Assert.Equal("hit", anonymousHit.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task SetCookie_NeverStored_EachVisitorGetsTheirOwn()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (first, _) = await client.SendAsync("/min/cookie");
        var (second, _) = await client.SendAsync("/min/cookie");

        Assert.Equal(2, host.Factory.Counter.Count("min-cookie"));
        Assert.Contains("session=s1", first.Header("Set-Cookie"), StringComparison.Ordinal);
        Assert.Contains("session=s2", second.Header("Set-Cookie"), StringComparison.Ordinal);
        Assert.NotEqual("hit", second.Header("X-Fragment-Cache"));
    }

    [Fact]
    public async Task Post_NeverCached()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync(HttpMethod.Post, "/min/post");
        var (_, second) = await client.SendAsync(HttpMethod.Post, "/min/post");

        Assert.Equal("post 1", first);
        Assert.Equal("post 2", second);
    }

    [Fact]
    public async Task Profile_ItsVaryRulesAndTagsApply()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        await client.SendAsync("/min/profiled", ("X-Profile-Vary", "a"));
        var (hit, _) = await client.SendAsync("/min/profiled", ("X-Profile-Vary", "a"));
        await client.SendAsync("/min/profiled", ("X-Profile-Vary", "b"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Factory.Counter.Count("min-profiled"));

        await host.Factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("profile-tag", TestContext.Current.CancellationToken);
        var (_, after) = await client.SendAsync("/min/profiled", ("X-Profile-Vary", "a"));

        Assert.Equal("profiled 3", after);
    }

    [Fact]
    public async Task Group_SettingsApplyToItsEndpoints_AndAnEndpointsOwnCallWins()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        var (_, shared) = await client.SendAsync("/min/group/shared?x=1");
        var (sharedHit, sharedAgain) = await client.SendAsync("/min/group/shared?x=2");
        var (_, own) = await client.SendAsync("/min/group/own?a=1&x=1");
        var (ownHit, ownAgain) = await client.SendAsync("/min/group/own?a=1&x=2");
        var (_, ownOther) = await client.SendAsync("/min/group/own?a=2");

        // The group ignores the query string (and strips it); the endpoint's own call keys by "a".
        Assert.Equal("shared 1 ", shared);
        Assert.Equal(shared, sharedAgain);
        Assert.Equal("hit", sharedHit.Header("X-Fragment-Cache"));
        Assert.Equal("own 1 ?a=1", own);
        Assert.Equal(own, ownAgain);
        Assert.Equal("hit", ownHit.Header("X-Fragment-Cache"));
        Assert.Equal("own 2 ?a=2", ownOther);

        await host.Factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("group-tag", TestContext.Current.CancellationToken);
        var (_, afterInvalidation) = await client.SendAsync("/min/group/shared");

        Assert.Equal("shared 2 ", afterInvalidation);
    }

    [Fact]
    public async Task HandlerThrows_NothingStored_TheNextRequestRunsIt()
    {
        await using var host = await StartAsync();
        var client = host.Factory.CreateClient();

        host.Factory.Counter.Fail = true;
        var (failed, _) = await client.SendAsync("/min/throws");
        host.Factory.Counter.Fail = false;
        var (_, ok) = await client.SendAsync("/min/throws");
        var (hit, okAgain) = await client.SendAsync("/min/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("ok", ok);
        Assert.Equal(ok, okAgain);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Factory.Counter.Count("min-throws"));
    }

    /// <summary>A started host and the memcached it uses, if any.</summary>
    public sealed class Host(TestAppFactory factory, MemcachedProcess? memcached) : IAsyncDisposable
    {
        public TestAppFactory Factory { get; } = factory;

        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            if (memcached is not null)
            {
                await memcached.DisposeAsync();
            }
        }
    }
}

/// <summary>Every <see cref="MinimalApiCachePageTests"/> scenario with <c>app.UseCachePage()</c> answering first.</summary>
public sealed class MinimalApiCachePageMiddlewareTests : MinimalApiCachePageTests
{
    protected override string? CachePageMode => "middleware";

    [Fact]
    public async Task Hit_AnsweredByTheMiddleware_BeforeWhatComesAfterIt()
    {
        // "later-middleware": after UseCachePage, a middleware answers itself when X-Answer is sent. Only a hit the
        // middleware serves gets past it.
        var (factory, _) = TestAppFactory.Create(cachePage: "later-middleware");
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, stored) = await client.SendAsync("/min/plain");
        var (hit, served) = await client.SendAsync("/min/plain", ("X-Answer", "late"));

        Assert.Equal(stored, served);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, factory.Counter.Count("min-plain"));
    }

    [Fact]
    public async Task Miss_AnsweredAfterTheMiddlewareByAnotherMiddleware_NotStored()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: "later-middleware");
        await using var _f = factory;
        var client = factory.CreateClient();

        var (_, answered) = await client.SendAsync("/min/plain?y=1", ("X-Answer", "late"));
        var (_, rendered) = await client.SendAsync("/min/plain?y=1");

        Assert.Equal("answered late", answered);
        Assert.Equal("plain 1 ?y=1", rendered);
    }
}

/// <summary>Every <see cref="MinimalApiCachePageTests"/> scenario over a real memcached.</summary>
public sealed class MinimalApiCachePageOnMemcachedTests : MinimalApiCachePageTests
{
    protected override async Task<Host> StartAsync()
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        return new Host(new TestAppFactory("127.0.0.1:" + memcached.Port, new FakeTimeProvider(TestAppFactory.Start), cachePage: CachePageMode), memcached);
    }

    [Theory]
    [InlineData(null, "middleware")]
    [InlineData("middleware", null)]
    public async Task Miss_StoredByOneMode_ServedByTheOther(string? storing, string? serving)
    {
        // One key and one entry either way, as for the attribute: a farm can switch the middleware on host by host.
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var server = "127.0.0.1:" + memcached.Port;
        await using var one = new TestAppFactory(server, new FakeTimeProvider(TestAppFactory.Start), cachePage: storing);
        await using var two = new TestAppFactory(server, new FakeTimeProvider(TestAppFactory.Start), cachePage: serving);

        var (_, stored) = await one.CreateClient().SendAsync("/min/headers", ("Accept-Language", "fr"));
        var (hit, served) = await two.CreateClient().SendAsync("/min/headers", ("Accept-Language", "fr"));

        Assert.Equal(stored, served);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(0, two.Counter.Count("min-headers"));
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }
}

/// <summary>A profile or store <c>.CachePage(...)</c> names that does not exist fails the host's start, naming it.</summary>
public sealed class MinimalApiCachePageStartupTests
{
    [Fact]
    public async Task UnknownProfile_FailsTheStartNamingItAndTheEndpoint()
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string> { ["TestApp:MinimalProfile"] = "no-such-profile" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("CachePage(\"no-such-profile\") on HTTP: GET /min/named: no profile \"no-such-profile\"", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnMvcEndpoints_FailsTheStartPointingToTheAttribute()
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string> { ["TestApp:CachePageOnMvc"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("CachePage() on", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("put [CachePage] on its controller, action or page model instead", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownProfile_Starts()
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string> { ["TestApp:MinimalProfile"] = "SIDEBAR" });

        var (response, body) = await app.CreateClient().SendAsync("/min/named");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("named 1", body);
    }
}

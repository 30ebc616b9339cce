using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FragmentCache.Mvc.TestApp.Services;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.ViewComponents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// Holes on pages cached whole (<c>[CachePage]</c>, <c>app.UseCachePage()</c>, <c>app.UseSiteCache()</c>) over real HTTP:
/// one stored copy serves everyone, and only the holes render per request.
/// </summary>
public sealed partial class PageHolesTests
{
    private static readonly WebApplicationFactoryClientOptions NoCookies = new() { HandleCookies = false };

    [Fact]
    public async Task SharedPage_TwoUsersAndAVisitor_EachGetsOwnNameTokenAndCookie_AndPostsValidate_OnMemory()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;
        await SharedPageScenarioAsync(host);
    }

    [Fact]
    public async Task SharedPage_TwoUsersAndAVisitor_EachGetsOwnNameTokenAndCookie_AndPostsValidate_OnMemcached()
    {
        var memcached = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var _m = memcached;
        await using var host = new TestAppFactory("127.0.0.1:" + memcached.Port, new FakeTimeProvider(TestAppFactory.Start));
        await SharedPageScenarioAsync(host);
        Assert.True(await memcached.ItemCountAsync(TestContext.Current.CancellationToken) > 0);
    }

    [Fact]
    public async Task SharedPage_UseCachePage_SignedInUserServedFromTheSharedEntryWithOwnName()
    {
        var (factory, _) = TestAppFactory.Create(cachePage: "middleware");
        await using var host = factory;
        var visitor = host.CreateClient(NoCookies);

        var (miss, _) = await visitor.SendAsync("/HolePage/Index");
        var (hit, body) = await host.CreateClient(NoCookies).SendAsync("/HolePage/Index", As("ann", "Ann"));

        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Contains("Hi, Ann", body, StringComparison.Ordinal);
        Assert.Equal(1, host.Counter.Count("holepage-action"));
        Assert.Equal(2, host.Counter.Count("holepage-hole"));
        Assert.Contains("private", hit.Header("Cache-Control"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiteCache_PageWithHole_StoredOnceHoleRenderedPerRequest()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;

        var (miss, first) = await host.CreateClient(NoCookies).SendAsync("/site/holepage");
        var (hit, second) = await host.CreateClient(NoCookies).SendAsync("/site/holepage");

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Counter.Count("holepage-site"));
        Assert.Equal(1, Count(second, "holepage-view"));
        Assert.Equal(1, Count(first, "holepage-hole"));
        Assert.Equal(2, Count(second, "holepage-hole"));
        Assert.Contains("private", miss.Header("Cache-Control"), StringComparison.Ordinal);
        Assert.Contains("private", hit.Header("Cache-Control"), StringComparison.Ordinal);
        Assert.NotEqual(TokenOf(first), TokenOf(second));
    }

    [Fact]
    public async Task PageWithHoles_PrivateWithoutETag_AndConditionalRequestsGetTheFullPage()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;
        var client = host.CreateClient(NoCookies);

        var (miss, _) = await client.SendAsync("/HolePage/Index");
        var (hit, body) = await client.SendAsync("/HolePage/Index", ("If-None-Match", "*"), ("If-Modified-Since", "Tue, 01 Jan 2030 00:00:00 GMT"));

        foreach (var response in new[] { miss, hit })
        {
            var cacheControl = response.Header("Cache-Control") ?? "";
            Assert.Contains("private", cacheControl, StringComparison.Ordinal);
            Assert.DoesNotContain("public", cacheControl, StringComparison.Ordinal);
            // Antiforgery in the hole asked for no-store: the hole's own header stays on its response.
            Assert.Contains("no-store", cacheControl, StringComparison.Ordinal);
            Assert.Null(response.Header("ETag"));
        }

        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Contains("end of page", body, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), hit.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task CookieSetInAHole_NeitherBlocksStoringNorIsReplayedToTheNextVisitor()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;

        var (first, _) = await host.CreateClient(NoCookies).SendAsync("/HolePage/CookieInHole");
        var (second, body) = await host.CreateClient(NoCookies).SendAsync("/HolePage/CookieInHole");

        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Counter.Count("holepage-cookie-hole"));
        Assert.Equal(2, Count(body, "holepage-hole-cookie"));
        Assert.Equal(["hole=h1; path=/"], first.Headers.GetValues("Set-Cookie"));
        Assert.Equal(["hole=h2; path=/"], second.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task CookieSetOutsideHoles_StillBlocksStoring()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;

        await host.CreateClient(NoCookies).SendAsync("/HolePage/CookieOutside");
        var (second, _) = await host.CreateClient(NoCookies).SendAsync("/HolePage/CookieOutside");

        Assert.Equal("miss", second.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Counter.Count("holepage-cookie-outside"));
    }

    [Fact]
    public async Task WithoutAllowSignedIn_SignedInUserIsNotServedTheSharedEntry()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;

        await host.CreateClient(NoCookies).SendAsync("/HolePage/Anonymous");
        var (signedIn, body) = await host.CreateClient(NoCookies).SendAsync("/HolePage/Anonymous", As("ann", "Ann"));
        var (visitor, _) = await host.CreateClient(NoCookies).SendAsync("/HolePage/Anonymous");

        Assert.NotEqual("hit", signedIn.Header("X-Fragment-Cache"));
        Assert.Contains("Hi, Ann", body, StringComparison.Ordinal);
        Assert.Equal("hit", visitor.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Counter.Count("holepage-anonymous"));
    }

    [Fact]
    public async Task FragmentOutputWithAHole_InsideACachedPage_TheHoleRendersPerRequest()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;

        var (miss, first) = await host.CreateClient(NoCookies).SendAsync("/HolePage/Inserted");
        var (hit, second) = await host.CreateClient(NoCookies).SendAsync("/HolePage/Inserted");

        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Contains("<div>fragment é <p class=\"user\">Inside, guest [holepage-hole:1]</p>", first, StringComparison.Ordinal);
        Assert.Contains("<div>fragment é <p class=\"user\">Inside, guest [holepage-hole:2]</p>", second, StringComparison.Ordinal);
        Assert.Contains("</form>\n end of fragment</div>", second.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.NotEqual(TokenOf(first), TokenOf(second));
        Assert.Equal(1, host.Counter.Count("holepage-inserted"));
        Assert.Equal(1, Count(second, "holepage-view-inserted"));
        Assert.Equal(2, host.Counter.Count("holepage-hole"));
    }

    [Fact]
    public async Task StoredPageNamingARemovedComponent_IsAMiss_RenderedAgainAndStored()
    {
        var (factory, _) = TestAppFactory.Create(services => services.AddSingleton<IViewComponentSelector>(sp => new ReleaseSelector(
            ActivatorUtilities.CreateInstance<DefaultViewComponentSelector>(sp), sp.GetRequiredService<HolePageRelease>())));
        await using var host = factory;
        var client = host.CreateClient(NoCookies);

        await client.SendAsync("/HolePage/Released");
        host.Services.GetRequiredService<HolePageRelease>().Second = true;
        var (afterDeploy, body) = await client.SendAsync("/HolePage/Released");
        var (again, _) = await client.SendAsync("/HolePage/Released");

        Assert.Equal(HttpStatusCode.OK, afterDeploy.StatusCode);
        Assert.Equal("miss", afterDeploy.Header("X-Fragment-Cache"));
        Assert.Contains("greeting of the second release", body, StringComparison.Ordinal);
        Assert.Equal(2, host.Counter.Count("holepage-released"));
        Assert.Equal("hit", again.Header("X-Fragment-Cache"));
        Assert.Equal(2, host.Counter.Count("holepage-released"));
    }

    [Fact]
    public async Task HoleThatThrowsOnAHit_FailsTheRequest()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;
        var client = host.CreateClient(NoCookies);

        var (miss, _) = await client.SendAsync("/HolePage/Throwing");
        host.Counter.Fail = true;
        var (failed, body) = await client.SendAsync("/HolePage/Throwing");

        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Contains("render failed on purpose", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[holepage-view-throwing:", body, StringComparison.Ordinal);
        Assert.Equal(1, host.Counter.Count("holepage-throwing"));
    }

    private static async Task SharedPageScenarioAsync(TestAppFactory host)
    {
        var visitor = host.CreateClient();
        var ann = host.CreateClient();
        var bob = host.CreateClient();

        var (miss, visitorBody) = await visitor.SendAsync("/HolePage/Index");
        var (annHit, annBody) = await ann.SendAsync("/HolePage/Index", As("ann", "Ann"));
        var (bobHit, bobBody) = await bob.SendAsync("/HolePage/Index", As("bob", "Bob"));

        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", annHit.Header("X-Fragment-Cache"));
        Assert.Equal("hit", bobHit.Header("X-Fragment-Cache"));
        Assert.Contains("Hi, guest [holepage-hole:1]", visitorBody, StringComparison.Ordinal);
        Assert.Contains("Hi, Ann [holepage-hole:2]", annBody, StringComparison.Ordinal);
        Assert.Contains("Hi, Bob [holepage-hole:3]", bobBody, StringComparison.Ordinal);

        // The rest of the page is the one stored copy.
        Assert.Equal(WithoutHole(visitorBody), WithoutHole(annBody));
        Assert.Equal(WithoutHole(visitorBody), WithoutHole(bobBody));
        Assert.Equal(1, host.Counter.Count("holepage-action"));
        Assert.Equal(1, host.Counter.Count("holepage-view"));

        // Each got a token and cookie of its own (the hole's Set-Cookie went to its own response only).
        var tokens = new[] { TokenOf(visitorBody), TokenOf(annBody), TokenOf(bobBody) };
        Assert.Equal(3, tokens.Distinct(StringComparer.Ordinal).Count());
        foreach (var response in new[] { miss, annHit, bobHit })
        {
            Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        }

        // Each posts the form it was given, after the page was a hit, and it validates.
        Assert.Equal("posted by anonymous", await PostAsync(visitor, tokens[0]));
        Assert.Equal("posted by Ann", await PostAsync(ann, tokens[1], As("ann", "Ann")));
        Assert.Equal("posted by Bob", await PostAsync(bob, tokens[2], As("bob", "Bob")));

        // Another user's token does not validate for Bob.
        using var stolen = await PostResponseAsync(bob, tokens[1], As("bob", "Bob"));
        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
    }

    private static (string Name, string Value)[] As(string id, string name) => [("X-Test-User", id), ("X-Test-Name", name)];

    private static string TokenOf(string body)
    {
        var match = TokenPattern().Match(body);
        Assert.True(match.Success, "no antiforgery token in: " + body);
        return match.Groups[1].Value;
    }

    private static string WithoutHole(string body) => HolePattern().Replace(body, "<hole/>");

    private static async Task<string> PostAsync(HttpClient client, string token, params (string Name, string Value)[] headers)
    {
        using var response = await PostResponseAsync(client, token, headers);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return text;
    }

    private static async Task<HttpResponseMessage> PostResponseAsync(HttpClient client, string token, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/HolePage/Post")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static int Count(string body, string label) => HttpHelpers.Count(body, label);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<p class=\"user\">.*?</form>", RegexOptions.Singleline)]
    private static partial Regex HolePattern();

    /// <summary>The app's view components, without <c>HolePageUser</c> once the second release runs.</summary>
    private sealed class ReleaseSelector(IViewComponentSelector inner, HolePageRelease release) : IViewComponentSelector
    {
        public ViewComponentDescriptor? SelectComponent(string componentName) =>
            release.Second && string.Equals(componentName, "HolePageUser", StringComparison.OrdinalIgnoreCase) ? null : inner.SelectComponent(componentName);
    }
}

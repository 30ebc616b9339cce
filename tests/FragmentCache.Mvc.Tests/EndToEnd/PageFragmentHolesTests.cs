using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FragmentCache.Mvc.Tests.Fragments;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.EndToEnd;

/// <summary>
/// A real <c>&lt;memcache-fragment&gt;</c> with <c>&lt;fragment-hole&gt;</c>s inside a page cached whole with
/// <c>[CachePage(AllowSignedIn = true)]</c>, over real HTTP: the page and the fragment render once, every visitor gets its
/// own holes (and a hole's cookie stays its own); with the fragment stored before the page is first captured or both
/// cold, from a two-tier copy, and nested.
/// </summary>
public sealed partial class PageFragmentHolesTests
{
    [Theory]
    [InlineData("memory", false)]
    [InlineData("memory", true)]
    [InlineData("memcached", false)]
    [InlineData("memcached", true)]
    public async Task FragmentWithHolesInASharedPage_TwoUsersAndAVisitor_EachGetsOwnNameAndForm_AndPostsValidate(string backend, bool fragmentStoredFirst)
    {
        await using var host = await HolesHost.StartAsync(backend);
        if (fragmentStoredFirst)
        {
            var (warm, warmBody) = await host.Visit("Carol").GetAsync("/HoleComposition/Warm");
            Assert.Equal("miss", warm.Header("X-Fragment-Cache"));
            Assert.Contains("<span class=\"who\">Carol:1</span>", warmBody, StringComparison.Ordinal);
        }

        Visitor[] visitors = [host.Visit(null), host.Visit("Ann"), host.Visit("Bob")];
        var pages = new List<(HttpResponseMessage Response, string Body)>();
        foreach (var visitor in visitors)
        {
            pages.Add(await visitor.GetAsync("/HoleComposition/Page"));
        }

        Assert.Equal(["miss", "hit", "hit"], pages.Select(p => p.Response.Header("X-Fragment-Cache")));
        var earlier = fragmentStoredFirst ? 1 : 0;
        for (var i = 0; i < visitors.Length; i++)
        {
            var body = pages[i].Body;
            Assert.Equal(HttpStatusCode.OK, pages[i].Response.StatusCode);
            Assert.Contains(visitors[i].Shown + (earlier + i + 1) + "</span>", body, StringComparison.Ordinal);
            Assert.Single(WhoSpan().Matches(body));
            Assert.Contains("private", pages[i].Response.Header("Cache-Control"), StringComparison.Ordinal);
            Assert.Contains(pages[i].Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));

            // The rest is the one page render around the one fragment render.
            Assert.Equal(WithoutHoles(pages[0].Body), WithoutHoles(body));
            Assert.Contains("[composition-view:" + (earlier + 1) + "]", body, StringComparison.Ordinal);
            Assert.Contains("<section>[composition-fragment:1]<span class=\"who\">", body, StringComparison.Ordinal);
        }

        Assert.Equal(1, host.Factory.Counter.Count("composition-action"));
        Assert.Equal(earlier + 1, host.Factory.Counter.Count("composition-view"));
        Assert.Equal(1, host.Factory.Counter.Count("composition-fragment"));
        Assert.Equal(earlier + 3, host.Factory.Counter.Count("holes-user-name"));
        Assert.Equal(earlier + 3, host.Factory.Counter.Count("holes-form-hole"));

        // The fragment is stored once, without any visitor's name or token, its two holes beside it.
        var stored = Assert.NotNull(await StoredFragmentAsync(host));
        Assert.Equal("<section>[composition-fragment:1]</section>", Encoding.UTF8.GetString(stored.Utf8.Span));
        Assert.Equal(["HolesUserName", "HolesForm"], HolesHost.HolesOf(stored).Select(h => h.Hole.Component));

        // Each posts the form it was given after the page was a hit; another visitor's token does not validate.
        var tokens = pages.Select(p => Token(p.Body)).ToArray();
        Assert.Equal(3, tokens.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < visitors.Length; i++)
        {
            var (response, body) = await visitors[i].PostAsync("/Holes/Form", Form(tokens[i]));
            Assert.Equal((HttpStatusCode.OK, "posted"), (response.StatusCode, body));
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await visitors[2].PostAsync("/Holes/Form", Form(tokens[1]))).Response.StatusCode);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task TwoTierPageCopy_HoleInThePage_FilledPerRequestWithTheStoreDown(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend, services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));

        var (miss, first) = await host.Visit(null).GetAsync("/HolePage/Index");
        await host.TakeStoreDownAsync(); // only the in-process copy can answer now
        var (annHit, ann) = await host.Visit("Ann").GetAsync("/HolePage/Index");
        var (bobHit, bob) = await host.Visit("Bob").GetAsync("/HolePage/Index");

        Assert.Equal(["miss", "hit", "hit"], new[] { miss, annHit, bobHit }.Select(r => r.Header("X-Fragment-Cache")));
        Assert.Contains("Hi, guest [holepage-hole:1]", first, StringComparison.Ordinal);
        Assert.Contains("Hi, Ann [holepage-hole:2]", ann, StringComparison.Ordinal);
        Assert.Contains("Hi, Bob [holepage-hole:3]", bob, StringComparison.Ordinal);
        Assert.Equal(1, host.Factory.Counter.Count("holepage-action"));
        Assert.Equal(1, host.Factory.Counter.Count("holepage-view"));
        Assert.Equal(3, new[] { first, ann, bob }.Select(b => TokenInput().Match(b).Groups[1].Value).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("private", bobHit.Header("Cache-Control"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task TwoTierPageCopy_HolesInAFragmentInThePage_FilledPerRequestWithTheStoreDown(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend, services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));

        var (_, first) = await host.Visit(null).GetAsync("/HoleComposition/Page");
        await host.TakeStoreDownAsync();
        Visitor[] signedIn = [host.Visit("Ann"), host.Visit("Bob")];
        var (annHit, ann) = await signedIn[0].GetAsync("/HoleComposition/Page");
        var (bobHit, bob) = await signedIn[1].GetAsync("/HoleComposition/Page");

        Assert.Equal("hit", annHit.Header("X-Fragment-Cache"));
        Assert.Equal("hit", bobHit.Header("X-Fragment-Cache"));
        Assert.Contains("<span class=\"who\">anonymous:1</span>", first, StringComparison.Ordinal);
        Assert.Contains("<span class=\"who\">Ann:2</span>", ann, StringComparison.Ordinal);
        Assert.Contains("<span class=\"who\">Bob:3</span>", bob, StringComparison.Ordinal);
        Assert.Equal(WithoutHoles(first), WithoutHoles(bob));
        Assert.Equal(1, host.Factory.Counter.Count("composition-view"));
        Assert.Equal(1, host.Factory.Counter.Count("composition-fragment"));
        var (posted, postedBody) = await signedIn[1].PostAsync("/Holes/Form", Form(Token(bob)));
        Assert.Equal((HttpStatusCode.OK, "posted"), (posted.StatusCode, postedBody));
    }

    [Theory]
    [InlineData("memory", false)]
    [InlineData("memory", true)]
    [InlineData("memcached", false)]
    [InlineData("memcached", true)]
    public async Task HoleInAFragmentInAFragmentInACachedPage_AnonymousAndSignedInEachGetTheirOwn(string backend, bool signedInFirst)
    {
        await using var host = await HolesHost.StartAsync(backend);
        Visitor[] visitors = signedInFirst
            ? [host.Visit("Ann"), host.Visit(null), host.Visit("Bob")]
            : [host.Visit(null), host.Visit("Ann"), host.Visit("Bob")];

        var pages = new List<(HttpResponseMessage Response, string Body)>();
        foreach (var visitor in visitors)
        {
            pages.Add(await visitor.GetAsync("/HoleComposition/Nested"));
        }

        Assert.Equal(["miss", "hit", "hit"], pages.Select(p => p.Response.Header("X-Fragment-Cache")));
        for (var i = 0; i < visitors.Length; i++)
        {
            Assert.Equal(
                "<p>[composition-nested-view:1]</p>\n[composition-outer:1][composition-inner:1]" + visitors[i].Shown + (i + 1) + "</span>|\n<footer>end</footer>",
                pages[i].Body.Replace("\r", "", StringComparison.Ordinal).Trim());
        }

        Assert.Equal(1, host.Factory.Counter.Count("composition-nested-action"));
        Assert.Equal(1, host.Factory.Counter.Count("composition-outer"));
        Assert.Equal(1, host.Factory.Counter.Count("composition-inner"));
        Assert.Equal(3, host.Factory.Counter.Count("holes-user-name"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CookieSetByAHoleInAFragmentInAPage_NeitherBlocksStoringThePageNorIsReplayed(bool fragmentStoredFirst)
    {
        var (factory, _) = TestAppFactory.Create();
        await using var host = factory;
        if (fragmentStoredFirst)
        {
            await host.CreateClient().SendAsync("/HoleComposition/CookieWarm");
        }

        var (miss, _) = await host.CreateClient().SendAsync("/HoleComposition/Cookie");
        var (hit, body) = await host.CreateClient().SendAsync("/HoleComposition/Cookie");

        var earlier = fragmentStoredFirst ? 1 : 0;
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));
        Assert.Equal(["hole=h" + (earlier + 1) + "; path=/"], miss.Headers.GetValues("Set-Cookie"));
        Assert.Equal(["hole=h" + (earlier + 2) + "; path=/"], hit.Headers.GetValues("Set-Cookie"));
        Assert.Contains("[holepage-hole-cookie:" + (earlier + 2) + "]", body, StringComparison.Ordinal);
        Assert.Equal(earlier + 1, host.Counter.Count("composition-cookie-view"));
        Assert.Equal(1, host.Counter.Count("composition-cookie-fragment"));
    }

    private static async Task<FragmentResult?> StoredFragmentAsync(HolesHost host)
    {
        var key = host.Factory.Services.GetRequiredService<TemplateFragmentKeys>()
            .For("composition", viewPath: "/Views/HoleComposition/Page.cshtml").ToFragmentKey();
        var result = await host.Factory.Services.GetRequiredService<IFragmentCache>().GetOrRenderAsync(
            key, null, _ => ValueTask.FromResult(FragmentRender.NotStored("", "probe")), TestContext.Current.CancellationToken);
        return result.IsFromCache ? result : null;
    }

    private static string WithoutHoles(string body) => FormPattern().Replace(WhoSpan().Replace(body, "<who/>"), "<form/>");

    private static KeyValuePair<string, string>[] Form(string token) => [new("__RequestVerificationToken", token)];

    private static string Token(string body)
    {
        var token = TokenInput().Match(body);
        Assert.True(token.Success, "no antiforgery token in: " + body);
        return token.Groups[1].Value;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<span class=\"who\">[^<]*</span>")]
    private static partial Regex WhoSpan();

    [GeneratedRegex("<form[^>]*id=\"hole-form\"[^>]*>.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();
}

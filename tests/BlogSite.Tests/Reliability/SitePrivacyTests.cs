using System.Globalization;
using System.Text.RegularExpressions;
using BlogSite.Controllers;
using BlogSite.Data;
using BlogSite.Tests.Infrastructure;
using BlogSite.ViewComponents;
using FragmentCache.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlogSite.Tests.Reliability;

/// <summary>
/// Cache poisoning and privacy at the level of the sample site, on a private real memcached whose whole content is
/// read back at the end: nothing a response carried for one client (a session or antiforgery cookie, a form token,
/// the signed-in user's name) reaches another client, and nothing of the kind is stored.
/// </summary>
[Collection(nameof(SiteLoadCollection))]
public sealed partial class SitePrivacyTests
{
    private const int SignedInUsers = 50;

    [Fact]
    public async Task Crawl_AnonymousAndSignedInClients_NoCookieTokenOrNameReachesAnotherClientOrTheStore()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var site = new BlogSiteFactory(memcached.Address);
        var urls = await CrawlUrlsAsync(site);
        Crawler[] crawlers =
        [
            new("anonymous 1", null, await SiteUsers.ClientAsync(site, null)),
            new("anonymous 2", null, await SiteUsers.ClientAsync(site, null)),
            new("ada", "Ada Lovelace", await SiteUsers.ClientAsync(site, "ada")),
            new("grace", "Grace Hopper", await SiteUsers.ClientAsync(site, "grace")),
            new("alan", "Alan Turing", await SiteUsers.ClientAsync(site, "alan")),
        ];

        // Two rounds, the clients taking turns on each URL: whatever one client's response left in the cache is there
        // for the next client's request of the same URL.
        var responses = new List<Crawled>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var url in urls)
            {
                foreach (var crawler in crawlers)
                {
                    responses.Add(await crawler.GetAsync(url, ct));
                }
            }
        }

        Assert.All(responses, r => Assert.True(r.Status < 500, $"{r.Who.Name} {r.Url}: {r.Status}"));
        var sensitive = responses.Where(r => r.IsSensitive).ToList();
        Assert.Contains(sensitive, r => r.Tokens.Count > 0 && r.Who.DisplayName is null);
        Assert.Contains(sensitive, r => r.Tokens.Count > 0 && r.Who.DisplayName is not null);
        Assert.Contains(sensitive, r => r.CookieSecrets.Count > 0);
        Assert.Contains(sensitive, r => r.CacheControl.Contains("no-store", StringComparison.Ordinal));

        // Every secret (form token, cookie value of 16+ characters) was handed to one client only, and no other
        // client's response contains it anywhere.
        var owners = new Dictionary<string, Crawler>(StringComparer.Ordinal);
        foreach (var response in sensitive)
        {
            foreach (var secret in response.Tokens.Concat(response.CookieSecrets))
            {
                Assert.True(owners.TryAdd(secret, response.Who) || owners[secret] == response.Who,
                    $"{response.Url}: a secret of {owners.GetValueOrDefault(secret)?.Name} was sent to {response.Who.Name}");
            }
        }

        foreach (var response in responses)
        {
            foreach (var (secret, owner) in owners)
            {
                Assert.False(owner != response.Who && (response.Body.Contains(secret, StringComparison.Ordinal) || response.SetCookie.Contains(secret, StringComparison.Ordinal)),
                    $"{response.Url}: {response.Who.Name} got a secret of {owner.Name}");
            }
        }

        // Every page with the layout shows its own reader's name (or none) in the header and the welcome box.
        foreach (var response in responses.Where(r => r.Status == 200 && r.Body.Contains("data-widget=\"welcome\"", StringComparison.Ordinal)))
        {
            Assert.Null(new SiteVisitor(response.Who.Client, response.Who.DisplayName, "en").Check(new SitePage(response.Url, "</html>"), response.Body));
        }

        var stored = await StoredValues.ReadAllAsync(memcached, ct);
        AssertStoreHoldsNothingPersonal(stored, owners.Keys);
    }

    [Fact]
    public async Task FiftyUsersSignedInConcurrently_EachSeesOnlyOwnName_NeverACachedAnonymousPage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var memcached = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var site = new BlogSiteFactory(memcached.Address);
        await SiteUsers.AddReadersAsync(site, SignedInUsers, ct);
        var pages = await SiteFaultsUnderLoadTests.PagesAsync(site);
        SiteVisitor[] anonymous =
        [
            new(await SiteUsers.ClientAsync(site, null), null, "en"),
            new(await SiteUsers.ClientAsync(site, null), null, "fr"),
        ];

        // The anonymous copies of the pages are cached first, so a signed-in request served from them would show
        // (About is stored from its second request: the first teaches the per-site middleware its Vary).
        var anonymousLoad = new SiteLoad(site, anonymous, pages);
        await anonymousLoad.SweepAsync("anonymous, cold", ct);
        await anonymousLoad.SweepAsync("anonymous, About learnt", ct);
        var cached = await anonymousLoad.SweepAsync("anonymous, cached", ct);
        Assert.Equal(cached.Requests, cached.CacheHits);

        var users = await Task.WhenAll(Enumerable.Range(1, SignedInUsers).Select(async i =>
            new SiteVisitor(await SiteUsers.ClientAsync(site, SiteUsers.UserName(i)), SiteUsers.DisplayName(i), i % 2 == 0 ? "fr" : "en")));
        var welcomeBefore = site.Renders[WelcomeBoxViewComponent.Name];

        // 52 concurrent visitors, each page twice per user on average; bounded by count and time.
        var load = new SiteLoad(site, [.. users, .. anonymous], pages);
        var run = await load.RunAsync("50 users", TimeSpan.FromSeconds(40), (SignedInUsers + anonymous.Length) * pages.Count * 2, null, ct);
        TestContext.Current.TestOutputHelper?.WriteLine(LoadPhase.Header + "\n" + run.Row());

        Assert.True(run.ServerErrors == 0 && run.Wrong == 0, $"{run.ServerErrors} 5xx, {run.Wrong} wrong of {run.Requests}\n{run.Problems}");
        Assert.True(run.Requests >= SignedInUsers * pages.Count, $"only {run.Requests} requests in the time allowed");
        // Each user's welcome box rendered once and was then served from the cache, to that user only.
        Assert.Equal(SignedInUsers, site.Renders[WelcomeBoxViewComponent.Name] - welcomeBefore);
        Assert.True(site.Stats.Get(WelcomeBoxViewComponent.Name).CachedLookups >= SignedInUsers);

        var stored = await StoredValues.ReadAllAsync(memcached, ct);
        AssertStoreHoldsNothingPersonal(stored, []);
        var boxes = stored.Where(v => v.Value.Contains("class=\"welcome-name\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(SignedInUsers, boxes.Count);
        Assert.All(boxes, box => Assert.Single(WelcomeName().Matches(box.Value)));
    }

    /// <summary>
    /// Anonymous pages are stored (so the check sees page bodies in clear), but no stored value holds a secret, a
    /// form token, or the signed-in header: a signed-in page was never stored.
    /// </summary>
    private static void AssertStoreHoldsNothingPersonal(IReadOnlyDictionary<string, string> stored, IEnumerable<string> secrets)
    {
        Assert.Contains(stored.Values, v => v.Contains("data-widget=\"welcome\"", StringComparison.Ordinal) && v.Contains("</html>", StringComparison.Ordinal));
        Assert.Empty(stored.KeysContaining("id=\"signed-in-as\""));
        Assert.Empty(stored.KeysContaining("__RequestVerificationToken"));
        foreach (var secret in secrets)
        {
            foreach (var key in stored.KeysContaining(secret))
            {
                var value = stored[key];
                var at = value.IndexOf(secret, StringComparison.Ordinal);
                Assert.Fail($"{key} holds a secret: ...{value[Math.Max(0, at - 200)..Math.Min(value.Length, at + 40)]}...");
            }
        }
    }

    /// <summary>Every page of the site: the public ones, sign-in, the admin (forms with tokens, no-store),
    /// /cache, the theme switch (Set-Cookie), a redirect and a 404.</summary>
    private static async Task<IReadOnlyList<string>> CrawlUrlsAsync(BlogSiteFactory site)
    {
        var pages = await SiteFaultsUnderLoadTests.PagesAsync(site);
        await using var scope = site.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BlogDbContext>();
        var post = await db.Posts.AsNoTracking().Where(p => p.PublishedAt != null).OrderBy(p => p.Id).FirstAsync();
        var adaDraft = await db.Posts.AsNoTracking().Where(p => p.PublishedAt == null && p.Author!.UserName == "ada").Select(p => p.Id).FirstAsync();
        var graceDraft = await db.Posts.AsNoTracking().Where(p => p.PublishedAt == null && p.Author!.UserName == "grace").Select(p => p.Id).FirstAsync();
        return
        [
            .. pages.Select(p => p.Url),
            "/?page=2",
            "/posts/" + post.Id.ToString(CultureInfo.InvariantCulture),
            "/account/login",
            "/account/login?returnUrl=%2Fadmin",
            "/admin",
            "/admin/posts/new",
            "/admin/posts/" + adaDraft.ToString(CultureInfo.InvariantCulture),
            "/admin/posts/" + graceDraft.ToString(CultureInfo.InvariantCulture),
            "/cache",
            "/cache/stats.json",
            "/no-such-page",
            PostsController.PostUrl(post.Id, post.Slug),
            "/theme/dark?returnUrl=%2F",
        ];
    }

    [GeneratedRegex("<h3 class=\"welcome-name\">[^<,]*, ([^<]*)</h3>")]
    private static partial Regex WelcomeName();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private sealed record Crawler(string Name, string? DisplayName, HttpClient Client)
    {
        public async Task<Crawled> GetAsync(string url, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.AcceptLanguage.ParseAdd("en");
            using var response = await Client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var setCookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? [.. cookies] : Array.Empty<string>();
            return new Crawled(this, url, (int)response.StatusCode, string.Join("\n", setCookie), response.Headers.CacheControl?.ToString() ?? "", body,
                [.. FormToken().Matches(body).Select(m => m.Groups[1].Value)],
                [.. setCookie.Select(CookieValue).Where(v => v.Length >= 16)]);
        }

        private static string CookieValue(string setCookie)
        {
            var pair = setCookie.Split(';', 2)[0];
            return pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }
    }

    private sealed record Crawled(Crawler Who, string Url, int Status, string SetCookie, string CacheControl, string Body,
        IReadOnlyList<string> Tokens, IReadOnlyList<string> CookieSecrets)
    {
        /// <summary>What must never be served to another client: it sets a cookie, is private/no-store, or has a form token.</summary>
        public bool IsSensitive => SetCookie.Length > 0 || Tokens.Count > 0 ||
            CacheControl.Contains("private", StringComparison.Ordinal) || CacheControl.Contains("no-store", StringComparison.Ordinal);
    }
}

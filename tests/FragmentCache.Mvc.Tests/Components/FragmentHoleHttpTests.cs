using System.Net;
using System.Text.RegularExpressions;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Components;

/// <summary>
/// <c>&lt;FragmentHole&gt;</c> in a <c>&lt;MemcacheFragment&gt;</c> of a component rendered into an MVC view, over real
/// HTTP, on the memory store and on a real memcached: one cached copy, each visitor's own hole (name, antiforgery token).
/// </summary>
public sealed partial class FragmentHoleHttpTests
{
    private const string Page = "/ComponentHoles/Index/1";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A host on the memory store, or on a memcached process started for the test.</summary>
    private static async Task<(TestAppFactory Factory, IAsyncDisposable? Memcached)> HostAsync(bool memcached)
    {
        if (!memcached)
        {
            return (TestAppFactory.Create().Factory, null);
        }

        var process = await MemcachedProcess.StartAsync(cancellationToken: Cancel);
        return (new TestAppFactory("127.0.0.1:" + process.Port, new FakeTimeProvider(TestAppFactory.Start)), process);
    }

    private static HttpClient Client(TestAppFactory factory, string? name)
    {
        var client = factory.CreateClient();
        if (name is not null)
        {
            client.DefaultRequestHeaders.Add("X-Test-User", name + "-id");
            client.DefaultRequestHeaders.Add("X-Test-Name", name);
        }

        return client;
    }

    private static FragmentKey Key(TestAppFactory factory)
        => factory.Services.GetRequiredService<TemplateFragmentKeys>().For("comp-holes", [1]).ToFragmentKey();

    private static async Task<FragmentResult> StoredAsync(TestAppFactory factory)
    {
        var cache = factory.Services.GetRequiredService<IFragmentCache>();
        var result = await cache.GetOrRenderAsync(Key(factory), null, _ => throw new InvalidOperationException("not stored"), Cancel);
        Assert.True(result.IsFromCache);
        return result;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hole_TwoUsersAndAnonymous_EachGetsOwnNameAndTokenFromOneCachedCopy(bool memcached)
    {
        var (factory, process) = await HostAsync(memcached);
        await using var _p = process;
        await using var _f = factory;
        var alice = Client(factory, "alice");
        var bob = Client(factory, "bob");
        var anonymous = Client(factory, null);

        var (aliceGet, aliceBody) = await alice.SendAsync(Page);
        var (bobGet, bobBody) = await bob.SendAsync(Page);
        var (anonymousGet, anonymousBody) = await anonymous.SendAsync(Page);

        Assert.Matches(@"\[hole-user:alice:hi:1:\d+\]", aliceBody);
        Assert.Matches(@"\[hole-user:bob:hi:1:\d+\]", bobBody);
        Assert.Matches(@"\[hole-user:anonymous:hi:1:\d+\]", anonymousBody);
        foreach (var body in new[] { aliceBody, bobBody, anonymousBody })
        {
            Assert.Contains("<p>[comp-holes:1:1]</p>", body, StringComparison.Ordinal);
        }

        Assert.Equal(1, factory.Counter.Count("comp-holes"));
        Assert.Equal(3, factory.Counter.Count("hole-user"));

        var tokens = new[] { Token(aliceBody), Token(bobBody), Token(anonymousBody) };
        Assert.Equal(3, tokens.Distinct().Count());
        foreach (var response in new[] { aliceGet, bobGet, anonymousGet })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.OK, await PostAsync(alice, tokens[0]));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(bob, tokens[1]));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(anonymous, tokens[2]));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(bob, tokens[0]));

        var stored = await StoredAsync(factory);
        Assert.Equal("<p>[comp-holes:1:1]</p><p class=\"text\"></p>", stored.Text);
        Assert.True(HoleTable.TryDecode(stored.Holes.Span, stored.Utf8.Length, out var holes));
        Assert.Equal("<p>[comp-holes:1:1]</p>".Length, Assert.Single(holes).Offset);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hole_ContentHoldsPlaceholderLikeText_NeverBecomesAHole(bool memcached)
    {
        var (factory, process) = await HostAsync(memcached);
        await using var _p = process;
        await using var _f = factory;
        var client = Client(factory, "alice");
        var forged = new HoleRecorder().Add(new Hole(HoleKind.RazorComponent, "FragmentCache.Mvc.TestApp.Components.ComponentHoleUserBox, FragmentCache.Mvc.TestApp", []));

        var (_, miss) = await client.SendAsync(Page + "?text=" + forged + "%20" + new string('F', 40));
        var (_, hit) = await client.SendAsync(Page);

        foreach (var body in new[] { miss, hit })
        {
            Assert.Contains("<p class=\"text\">" + forged + " " + new string('F', 40) + "</p>", body, StringComparison.Ordinal);
            Assert.Single(HoleUser().Matches(body));
        }

        Assert.Equal(1, factory.Counter.Count("comp-holes"));
        Assert.Equal(2, factory.Counter.Count("hole-user"));
        var stored = await StoredAsync(factory);
        Assert.True(HoleTable.TryDecode(stored.Holes.Span, stored.Utf8.Length, out var holes));
        Assert.Single(holes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hole_StoredComponentRemovedByDeploy_RendersAsMissNeverAnError(bool memcached)
    {
        var (factory, process) = await HostAsync(memcached);
        await using var _p = process;
        await using var _f = factory;
        var client = Client(factory, "alice");
        var cache = factory.Services.GetRequiredService<IFragmentCache>();
        var removed = new Hole(HoleKind.RazorComponent, "FragmentCache.Mvc.TestApp.Components.RemovedUserBox, FragmentCache.Mvc.TestApp", []);
        var old = "<p>[comp-holes:1:old]</p><p class=\"text\"></p>";
        await cache.GetOrRenderAsync(Key(factory), null, _ => ValueTask.FromResult(FragmentRender.Stored(old, HoleTable.Encode([new PlacedHole(24, removed)]))), Cancel);

        var (response, body) = await client.SendAsync(Page);
        var (_, again) = await client.SendAsync(Page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("old", body, StringComparison.Ordinal);
        Assert.Contains("<p>[comp-holes:1:1]</p>", body, StringComparison.Ordinal);
        Assert.Matches(@"\[hole-user:alice:hi:1:1\]", body);
        Assert.Contains("<p>[comp-holes:1:1]</p>", again, StringComparison.Ordinal);
        Assert.Matches(@"\[hole-user:alice:hi:1:2\]", again);
        Assert.Equal(1, factory.Counter.Count("comp-holes"));
        var stored = await StoredAsync(factory);
        Assert.True(HoleTable.TryDecode(stored.Holes.Span, stored.Utf8.Length, out var holes));
        Assert.EndsWith("ComponentHoleUserBox", Assert.Single(holes).Hole.Component.Split(',')[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hole_TwoTierCopyWithStoreDown_EachVisitorStillGetsOwnHole()
    {
        var (factory, store) = TestAppFactory.Create(services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));
        await using var _f = factory;

        var (first, aliceBody) = await Client(factory, "alice").SendAsync(Page);
        store.Down = true; // only the in-process copy can answer now
        var (second, bobBody) = await Client(factory, "bob").SendAsync(Page);

        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Matches(@"\[hole-user:alice:hi:1:1\]", aliceBody);
        Assert.Matches(@"\[hole-user:bob:hi:1:2\]", bobBody);
        Assert.Contains("<p>[comp-holes:1:1]</p>", bobBody, StringComparison.Ordinal);
        Assert.Equal(1, factory.Counter.Count("comp-holes"));
    }

    [Fact]
    public async Task Hole_StoreDown_RendersWithHolesNeverAnError()
    {
        var (factory, store) = TestAppFactory.Create();
        await using var _f = factory;
        store.Down = true;

        var (response, body) = await Client(factory, "alice").SendAsync(Page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<p>[comp-holes:1:1]</p>", body, StringComparison.Ordinal);
        Assert.Matches(@"\[hole-user:alice:hi:1:1\]", body);
        Assert.Single(HoleUser().Matches(body));
    }

    private static string Token(string body)
    {
        var form = Regex.Match(body, "<form[^>]*id=\"hole-form\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no hole form in: {body}");
        var token = Regex.Match(form.Groups[1].Value, "<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        Assert.True(token.Success, $"no antiforgery token in: {form.Value}");
        return token.Groups[1].Value;
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string token)
    {
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]);
        using var response = await client.PostAsync("/FragmentRules/Form", content, Cancel);
        return response.StatusCode;
    }

    [GeneratedRegex(@"\[hole-user:")]
    private static partial Regex HoleUser();
}

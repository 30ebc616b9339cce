using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FragmentCache.Mvc.Holes;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// <c>&lt;fragment-hole&gt;</c> inside <c>&lt;memcache-fragment&gt;</c> over real HTTP: the fragment is stored once, its
/// markup without the holes and the holes' table beside it; every hit renders each hole for its own visitor.
/// </summary>
public sealed partial class FragmentHolesTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task Hole_ThreeVisitors_MarkupRenderedOnceEachSeesOwnName(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);
        Visitor[] visitors = [host.Visit("Alice"), host.Visit("Bob"), host.Visit(null)];

        var pages = new List<(HttpResponseMessage Response, string Body)>();
        foreach (var visitor in visitors)
        {
            pages.Add(await visitor.GetAsync("/Holes/Greeting"));
        }

        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">Alice:1</span><footer>é</footer></main>", pages[0].Body.Trim());
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">Bob:2</span><footer>é</footer></main>", pages[1].Body.Trim());
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">anonymous:3</span><footer>é</footer></main>", pages[2].Body.Trim());
        Assert.Equal(["miss", "hit", "hit"], pages.Select(p => p.Response.Header("X-Fragment-Cache")));
        Assert.Equal(1, host.Factory.Counter.Count("holes-user"));
        Assert.Equal(3, host.Factory.Counter.Count("holes-user-name"));

        // Stored: the markup without any visitor's name, the hole beside it at its byte offset.
        var stored = Assert.NotNull(await host.StoredAsync("holes-user", "Greeting"));
        Assert.Equal("<header>[holes-user:1]</header><footer>é</footer>", Encoding.UTF8.GetString(stored.Utf8.Span));
        var hole = Assert.Single(HolesHost.HolesOf(stored));
        Assert.Equal("<header>[holes-user:1]</header>".Length, hole.Offset);
        Assert.Equal("HolesUserName", hole.Hole.Component);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task FormInHole_ThreeVisitors_StoredEachGetsOwnTokenAndCookieAndPostsAfterHit(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);
        Visitor[] visitors = [host.Visit("Alice"), host.Visit("Bob"), host.Visit(null)];

        var tokens = new List<string>();
        foreach (var visitor in visitors)
        {
            var (response, body) = await visitor.GetAsync("/Holes/Form");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("[holes-form:1]", body);
            Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
            tokens.Add(Token(body));
        }

        Assert.Equal(3, tokens.Distinct().Count());
        Assert.Equal(1, host.Factory.Counter.Count("holes-form"));
        Assert.Equal(3, host.Factory.Counter.Count("holes-form-hole"));
        var stored = Assert.NotNull(await host.StoredAsync("holes-form", "Form"));
        Assert.DoesNotContain("__RequestVerificationToken", Encoding.UTF8.GetString(stored.Utf8.Span));
        Assert.Equal("HolesForm", Assert.Single(HolesHost.HolesOf(stored)).Hole.Component);

        for (var i = 0; i < visitors.Length; i++)
        {
            var (response, body) = await visitors[i].PostAsync("/Holes/Form", Form(tokens[i]));
            Assert.Equal((HttpStatusCode.OK, "posted"), (response.StatusCode, body));
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await visitors[1].PostAsync("/Holes/Form", Form(tokens[0]))).Response.StatusCode);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task FormOutsideTheHole_AfterAHoleIssuedTheToken_KeepsTheFragmentOutOfTheStore(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);
        Visitor[] visitors = [host.Visit("Alice"), host.Visit("Bob")];

        var tokens = new List<string>();
        foreach (var visitor in visitors)
        {
            var (_, body) = await visitor.GetAsync("/Holes/FormOutside");
            tokens.Add(Token(body, "outside-form"));
            Assert.Equal(tokens[^1], Token(body, "hole-form"));
        }

        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Equal(2, host.Factory.Counter.Count("holes-form-outside"));
        Assert.Null(await host.StoredAsync("holes-form-outside", "FormOutside"));
        Assert.Equal(HttpStatusCode.OK, (await visitors[1].PostAsync("/Holes/Form", Form(tokens[1]))).Response.StatusCode);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task HoleLargerThanMaxFragmentSize_MarkupIsCountedAndStored(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync("/Holes/Large");
        var (second, hit) = await client.SendAsync("/Holes/Large");

        Assert.Contains("[holes-large:1]", first);
        Assert.Contains("[holes-large-hole:1]", first);
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Equal(first.Replace("[holes-large-hole:1]", "[holes-large-hole:2]", StringComparison.Ordinal), hit);
        Assert.Equal(1, host.Factory.Counter.Count("holes-large"));
        var stored = Assert.NotNull(await host.StoredAsync("holes-large", "Large"));
        Assert.Equal("[holes-large:1]", Encoding.UTF8.GetString(stored.Utf8.Span));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task MarkerLikeContent_NeverBecomesAHole(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);

        // The bytes a stored hole table would have (with the layout's length in front), all ASCII so they reach the
        // markup unchanged: a hole naming the user-name component at offset 0.
        var table = HoleTable.Encode([new PlacedHole(0, new Hole(HoleKind.ViewComponent, "HolesUserName", []))]);
        var raw = new byte[4 + table.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(raw, (uint)table.Length);
        table.CopyTo(raw, 4);
        Assert.All(raw, b => Assert.True(b < 0x80));
        var url = "/Holes/Markers?raw=" + Uri.EscapeDataString(Convert.ToBase64String(raw));
        var rawText = Encoding.Latin1.GetString(raw);

        var (_, alice) = await host.Visit("Alice").GetAsync(url);
        var (_, bob) = await host.Visit("Bob").GetAsync(url);

        foreach (var body in new[] { alice, bob })
        {
            Assert.Contains("[holes-markers:1]", body);
            Assert.Contains("&lt;fragment-hole component=&quot;HolesUserName&quot; /&gt;", body);
            Assert.Contains("<p><fragment-hole component=\"HolesUserName\" /></p>", body);
            Assert.Contains("<p>\0\0\0\0</p>", body);
            Assert.Contains("<pre>" + rawText + "</pre>", body);
            Assert.Contains("<p>" + rawText + "</p>", body);
            Assert.Single(WhoSpan().Matches(body));
        }

        Assert.Contains("<span class=\"who\">Alice:1</span>", alice);
        Assert.Contains("<span class=\"who\">Bob:2</span>", bob);
        Assert.Equal(alice.Replace("Alice:1", "Bob:2", StringComparison.Ordinal), bob);
        Assert.Equal(2, host.Factory.Counter.Count("holes-user-name"));

        // One hole in the table, exactly where the real one was written; the look-alikes stayed markup.
        var stored = Assert.NotNull(await host.StoredAsync("holes-markers", "Markers"));
        var markup = Encoding.UTF8.GetString(stored.Utf8.Span);
        var fragment = alice.Trim();
        var at = fragment.IndexOf("<span class=\"who\">", StringComparison.Ordinal);
        Assert.Equal(fragment.Replace("<span class=\"who\">Alice:1</span>", "", StringComparison.Ordinal), markup);
        var hole = Assert.Single(HolesHost.HolesOf(stored));
        Assert.Equal(Encoding.UTF8.GetByteCount(fragment.AsSpan(0, at)), hole.Offset);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task NestedFragments_HoleInInner_OuterHitRendersTheHoleFresh(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend);

        var (_, alice) = await host.Visit("Alice").GetAsync("/Holes/Nested");
        var (bobResponse, bob) = await host.Visit("Bob").GetAsync("/Holes/Nested");

        Assert.Equal("[holes-outer:1][holes-inner:1]<span class=\"who\">Alice:1</span>|", alice.Trim());
        Assert.Equal("[holes-outer:1][holes-inner:1]<span class=\"who\">Bob:2</span>|", bob.Trim());
        Assert.Equal("hit", bobResponse.Header("X-Fragment-Cache"));
        var outer = Assert.NotNull(await host.StoredAsync("holes-outer", "Nested"));
        Assert.Equal("[holes-outer:1][holes-inner:1]|", Encoding.UTF8.GetString(outer.Utf8.Span));
        Assert.Equal("[holes-outer:1][holes-inner:1]".Length, Assert.Single(HolesHost.HolesOf(outer)).Offset);

        // The outer copy gone, the inner one a hit: the outer records the inner's hole again.
        var cache = host.Factory.Services.GetRequiredService<IFragmentCache>();
        Assert.True(await cache.InvalidateAsync(host.Key("holes-outer", "Nested"), cancellationToken: TestContext.Current.CancellationToken));
        var (_, carol) = await host.Visit("Carol").GetAsync("/Holes/Nested");
        var (_, dave) = await host.Visit("Dave").GetAsync("/Holes/Nested");

        Assert.Equal("[holes-outer:2][holes-inner:1]<span class=\"who\">Carol:3</span>|", carol.Trim());
        Assert.Equal("[holes-outer:2][holes-inner:1]<span class=\"who\">Dave:4</span>|", dave.Trim());
        Assert.Equal(2, host.Factory.Counter.Count("holes-outer"));
        Assert.Equal(1, host.Factory.Counter.Count("holes-inner"));
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task TwoTier_LocalCopyWithHoles_EachVisitorSeesOwnName(string backend)
    {
        await using var host = await HolesHost.StartAsync(backend, services => services.Configure<FragmentCacheOptions>(o => o.TwoTier.Enabled = true));

        var (_, alice) = await host.Visit("Alice").GetAsync("/Holes/Greeting");
        await host.TakeStoreDownAsync(); // only the in-process copy can answer now
        var (bobResponse, bob) = await host.Visit("Bob").GetAsync("/Holes/Greeting");
        var (_, anonymous) = await host.Visit(null).GetAsync("/Holes/Greeting");

        Assert.Contains("<span class=\"who\">Alice:1</span>", alice);
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">Bob:2</span><footer>é</footer></main>", bob.Trim());
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">anonymous:3</span><footer>é</footer></main>", anonymous.Trim());
        Assert.Equal("hit", bobResponse.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Factory.Counter.Count("holes-user"));
    }

    [Theory]
    [InlineData("memory", "removed")]
    [InlineData("memcached", "removed")]
    [InlineData("memory", "garbage")]
    [InlineData("memcached", "garbage")]
    public async Task StoredTableUnusable_IsAMissReRenderedAndStoredAgain(string backend, string table)
    {
        await using var host = await HolesHost.StartAsync(backend);
        var cache = host.Factory.Services.GetRequiredService<IFragmentCache>();

        // An entry written by an earlier deploy: its hole names a component this build no longer has (or its table is garbage).
        var holes = table == "removed"
            ? HoleTable.Encode([new PlacedHole(3, new Hole(HoleKind.ViewComponent, "HolesRemovedComponent", []))])
            : [1, 0, 9, 0xFF];
        var written = await cache.GetOrRenderAsync(
            host.Key("holes-user", "Greeting"), null, _ => ValueTask.FromResult(FragmentRender.Stored("<p>before the deploy</p>", holes)), TestContext.Current.CancellationToken);
        Assert.Equal(FragmentOutcome.Miss, written.Outcome);

        var (first, alice) = await host.Visit("Alice").GetAsync("/Holes/Greeting");
        var (second, bob) = await host.Visit("Bob").GetAsync("/Holes/Greeting");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">Alice:1</span><footer>é</footer></main>", alice.Trim());
        Assert.Equal("miss", first.Header("X-Fragment-Cache"));
        Assert.Equal("<main><header>[holes-user:1]</header><span class=\"who\">Bob:2</span><footer>é</footer></main>", bob.Trim());
        Assert.Equal("hit", second.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Factory.Counter.Count("holes-user"));
        var logged = Assert.Single(host.Logs.WithEvent(132));
        Assert.StartsWith("Warning 132 ", logged);
        Assert.Contains("'holes-user'", logged);
        Assert.Contains(table == "removed" ? "HolesRemovedComponent" : "does not decode", logged);
    }

    private static KeyValuePair<string, string>[] Form(string token) => [new("__RequestVerificationToken", token)];

    private static string Token(string body, string formId = "hole-form")
    {
        var form = Regex.Match(body, "<form[^>]*id=\"" + formId + "\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form {formId} in: {body}");
        var token = TokenInput().Match(form.Groups[1].Value);
        Assert.True(token.Success, $"no antiforgery token in form {formId}: {form.Value}");
        return token.Groups[1].Value;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<span class=\"who\">")]
    private static partial Regex WhoSpan();
}

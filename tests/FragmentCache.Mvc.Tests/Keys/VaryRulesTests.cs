using System.Security.Claims;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary><see cref="VaryRules"/>: its defaults, how a fragment's rules and its profile's merge into one key, and callback values.</summary>
public sealed class VaryRulesTests
{
    [Fact]
    public void Defaults_AreNone()
    {
        var rules = new VaryRules();
        Assert.Empty(rules.Headers);
        Assert.Empty(rules.QueryKeys);
        Assert.Empty(rules.RouteValues);
        Assert.Empty(rules.Cookies);
        Assert.False(rules.User);
        Assert.False(rules.Culture);
        Assert.Empty(rules.Values);
        Assert.Empty(new CacheProfile().Vary.Headers);
    }

    [Fact]
    public void Values_KeyedAsDigestsNeverRaw()
    {
        var rules = Rules(("tenant", _ => "acme-secret"));
        var key = Key(rules, new DefaultHttpContext());

        Assert.DoesNotContain("acme-secret", key, StringComparison.Ordinal);
        Assert.Contains(VaryValues.Secret("acme-secret"), key, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_EqualShareDifferentDifferNullDiffersFromEmpty()
    {
        var http = new DefaultHttpContext();
        Assert.Equal(Key(Rules(("t", _ => "a")), http), Key(Rules(("t", _ => "a")), http));
        Assert.NotEqual(Key(Rules(("t", _ => "a")), http), Key(Rules(("t", _ => "b")), http));
        Assert.NotEqual(Key(Rules(("t", _ => null)), http), Key(Rules(("t", _ => "")), http));
        Assert.NotEqual(Key(Rules(("t", _ => "a")), http), Key(Rules(("u", _ => "a")), http));
        Assert.NotEqual(Key(Rules(("t", _ => "a")), http), Key(null, http));
    }

    [Fact]
    public void Values_OrderOfDeclaration_DoesNotChangeTheKey()
    {
        var http = new DefaultHttpContext();
        Assert.Equal(
            Key(Rules(("b", _ => "2"), ("a", _ => "1")), http),
            Key(Rules(("a", _ => "1"), ("b", _ => "2")), http));
    }

    [Fact]
    public void Values_ReadTheRequest()
    {
        var rules = Rules(("tenant", ctx => ctx.User.FindFirst("tenant")?.Value));
        Assert.Equal(Key(rules, Signed("acme")), Key(rules, Signed("acme")));
        Assert.NotEqual(Key(rules, Signed("acme")), Key(rules, Signed("globex")));
    }

    [Fact]
    public void Values_WithoutARequest_Skipped()
    {
        var called = false;
        var rules = Rules(("t", _ => { called = true; return "a"; }));
        Assert.Equal(Key(null, http: null), Key(rules, http: null));
        Assert.False(called);
    }

    [Fact]
    public void Values_SameNameInFragmentAndProfile_FragmentsCallbackWins()
    {
        var http = new DefaultHttpContext();
        var parts = VaryValues.Build(null, null, Rules(("t", _ => "own")), Rules(("t", _ => "profile")), http, null, null);
        Assert.Equal(FragmentKey.Create("n", VaryValues.Build(null, null, Rules(("t", _ => "own")), null, http, null, null)).Canonical, FragmentKey.Create("n", parts).Canonical);
    }

    [Fact]
    public void Build_ProfileRulesAndOwnRules_GiveTheSameKeyAndMergeCaseInsensitively()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers["X-A"] = "1";
        http.Request.QueryString = new QueryString("?q=2");
        var own = FragmentDirective.VaryFromAttributes("X-A", "q", null, null, user: true, culture: false);
        var profile = new VaryRules { User = true };
        profile.Headers.Add("X-A");
        profile.QueryKeys.Add("q");

        var fromOwn = FragmentKey.Create("n", VaryValues.Build(null, null, own, null, http, null, null)).Canonical;
        var fromProfile = FragmentKey.Create("n", VaryValues.Build(null, null, null, profile, http, null, null)).Canonical;
        var fromBoth = FragmentKey.Create("n", VaryValues.Build(null, null, own, profile, http, null, null)).Canonical;
        var padded = new VaryRules();
        padded.Headers.Add(" x-a ");
        padded.QueryKeys.Add("Q");
        padded.QueryKeys.Add("q");
        padded.User = true;
        var fromPadded = FragmentKey.Create("n", VaryValues.Build(null, null, padded, null, http, null, null)).Canonical;

        Assert.Equal(fromOwn, fromProfile);
        Assert.Equal(fromOwn, fromBoth);
        Assert.Equal(fromOwn, fromPadded);
    }

    [Fact]
    public void Rules_TheSameAttributes_AreReadOnce_AndOthersReadTheirOwn()
    {
        var first = FragmentDirective.VaryFromAttributes("X-A", "q, page", null, null, user: false, culture: true);
        var again = FragmentDirective.VaryFromAttributes("X-A", "q, page", null, null, user: false, culture: true);
        var other = FragmentDirective.VaryFromAttributes("X-A", "q", null, null, user: false, culture: true);

        Assert.Same(first, again);
        Assert.Equal(["q", "page"], first!.QueryKeys);
        Assert.Equal(["q"], other!.QueryKeys);
        Assert.True(first.Culture);

        // Past the bound the memory starts over; every set still reads into its own rules.
        for (var i = 0; i < FragmentDirective.MaxReadRules + 50; i++)
        {
            var rules = FragmentDirective.VaryFromAttributes(null, "k" + i, null, "c", user: i % 2 == 0, culture: false);
            Assert.Equal(["k" + i], rules!.QueryKeys);
            Assert.Equal(["c"], rules.Cookies);
            Assert.Equal(i % 2 == 0, rules.User);
        }
    }

    [Fact]
    public void Rules_NoAttributeSet_IsNull()
        => Assert.Null(FragmentDirective.VaryFromAttributes(null, " ", "", null, user: false, culture: false));

    [Fact]
    public async Task Profile_VaryFromConfiguration_BindsIntoVaryRules()
    {
        await using var app = new ConfiguredAppFactory("Development", new Dictionary<string, string>
        {
            ["FragmentCache:Mvc:Profiles:bound:Vary:Headers:0"] = "Accept-Language",
            ["FragmentCache:Mvc:Profiles:bound:Vary:QueryKeys:0"] = "page",
            ["FragmentCache:Mvc:Profiles:bound:Vary:RouteValues:0"] = "id",
            ["FragmentCache:Mvc:Profiles:bound:Vary:Cookies:0"] = "theme",
            ["FragmentCache:Mvc:Profiles:bound:Vary:User"] = "true",
            ["FragmentCache:Mvc:Profiles:bound:Vary:Culture"] = "true",
        });
        _ = app.CreateClient();

        var vary = app.Services.GetRequiredService<IOptions<FragmentCacheMvcOptions>>().Value.Profiles["bound"].Vary;
        Assert.Equal(["Accept-Language"], vary.Headers);
        Assert.Equal(["page"], vary.QueryKeys);
        Assert.Equal(["id"], vary.RouteValues);
        Assert.Equal(["theme"], vary.Cookies);
        Assert.True(vary.User);
        Assert.True(vary.Culture);
    }

    private static VaryRules Rules(params (string Name, Func<HttpContext, string?> Value)[] values)
    {
        var rules = new VaryRules();
        foreach (var (name, value) in values)
        {
            rules.Values[name] = value;
        }

        return rules;
    }

    private static DefaultHttpContext Signed(string tenant)
        => new() { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("tenant", tenant)], "test")) };

    private static string Key(VaryRules? profile, HttpContext? http)
        => FragmentKey.Create("n", VaryValues.Build(null, null, null, profile, http, null, null)).Canonical;
}

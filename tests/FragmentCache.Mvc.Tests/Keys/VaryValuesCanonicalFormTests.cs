using System.Globalization;
using System.Security.Claims;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary>
/// The exact vary values of fragments and pages, dimension by dimension. Servers of two builds share one store, so the
/// form is a contract: a change here changes every stored key, and must be made on purpose.
/// </summary>
public sealed class VaryValuesCanonicalFormTests
{
    [Fact]
    public void Build_EveryDimension_InItsOrder_OwnRulesMergedWithTheProfiles()
    {
        var own = new VaryRules { User = true };
        own.Headers.Add("X-A");
        own.QueryKeys.Add("q");
        own.RouteValues.Add("id");
        own.Cookies.Add("c");
        own.Values["v"] = _ => "a";
        var profile = new VaryRules { Culture = true };
        profile.Headers.Add("x-a");
        profile.Headers.Add("X-B");
        profile.Values["v"] = _ => "profile's";
        profile.Values["p"] = _ => null;
        var http = Request();

        var parts = InCulture("fr-FR", "de-DE", () => VaryValues.Build([1, "x"], "b", own, profile, http, null, "d"));

        Assert.Equal<object?>(
            [
                "on", 2, 1, "x",
                "by", "b",
                "header", 2, "x-a", 1, "one", "x-b", 0,
                "query", 1, "q", 2, "1", "2",
                "route", 1, "id", "7",
                "cookie", 1, "c", VaryValues.Secret("cv"),
                "user", "id:u1",
                "culture", "fr-FR", "de-DE",
                "value", 2, "p", null, "v", "sha256:FFE9AAEAA2A2D5048174DF0B80599EF0197EC024C4B051BC9860CFF58EF7F9F3",
                "view", "d",
            ],
            parts);
    }

    [Fact]
    public void Build_ProfileAloneSetsUserCultureAndValues()
    {
        var profile = new VaryRules { User = true, Culture = true };
        profile.Values["p"] = _ => "a";

        var parts = InCulture("fr-FR", "fr-FR", () => VaryValues.Build(null, null, new VaryRules(), profile, Request(), null, null));

        Assert.Equal<object?>(["on", 0, "user", "id:u1", "culture", "fr-FR", "fr-FR", "value", 1, "p", VaryValues.Secret("a")], parts);
    }

    [Fact]
    public void Build_OwnRulesAloneSetUserAndCulture()
    {
        var parts = InCulture("de-DE", "fr-FR", () => VaryValues.Build(null, null, new VaryRules { User = true, Culture = true }, null, Request(), null, null));

        Assert.Equal<object?>(["on", 0, "user", "id:u1", "culture", "de-DE", "fr-FR"], parts);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Build_WithoutARequest_UserIsAnonymous_CultureIsTheCurrentOne(bool ownFlags, bool profileFlags)
    {
        var own = new VaryRules { User = ownFlags, Culture = ownFlags };
        var profile = new VaryRules { User = profileFlags, Culture = profileFlags };
        own.Headers.Add("X-A");

        var parts = InCulture("de-DE", "fr-FR", () => VaryValues.Build(null, "b", own, profile, null, null, "d"));

        Assert.Equal<object?>(["on", 0, "by", "b", "user", null, "culture", "de-DE", "fr-FR", "view", "d"], parts);
    }

    [Fact]
    public void Build_NoRules_OnlyTheVaryOnCount()
        => Assert.Equal<object?>(["on", 0], VaryValues.Build(null, null, null, null, Request(), null, null));

    [Fact]
    public void Build_RouteValuesGiven_ReadInsteadOfTheRequests()
    {
        var own = new VaryRules();
        own.RouteValues.Add("id");

        var parts = VaryValues.Build(null, null, own, null, Request(), new Microsoft.AspNetCore.Routing.RouteValueDictionary { ["id"] = 8.5 }, null);

        Assert.Equal<object?>(["on", 0, "route", 1, "id", "8.5"], parts);
    }

    [Fact]
    public void AddRules_Page_WholeQueryWhenNeverSet_TheResolvedCulture()
    {
        var rules = new VaryRules { Culture = true };
        var parts = new List<object?>();

        VaryValues.AddRules(parts, rules, Request(), [], new CultureInfo("fr-FR"), null);

        Assert.Equal<object?>(["query*", 1, "q", 2, "1", "2", "culture", "fr-FR", "fr-FR"], parts);
    }

    [Fact]
    public void AddRules_Page_EmptyQueryKeysAndNoCultureResolved_NeitherWritten()
    {
        var rules = new VaryRules { Culture = true, User = true };
        _ = rules.QueryKeys;
        rules.Cookies.Add("c");
        rules.RouteValues.Add("id");
        var parts = new List<object?>();

        VaryValues.AddRules(parts, rules, Request(), ["X-A"], null, new CultureInfo("de-DE"));

        Assert.Equal<object?>(["header", 1, "x-a", 1, "one", "route", 1, "id", "7", "cookie", 1, "c", VaryValues.Secret("cv"), "user", "id:u1"], parts);
    }

    [Fact]
    public void AddRules_Page_UiCultureGiven()
    {
        var rules = new VaryRules { Culture = true };
        _ = rules.QueryKeys;
        var parts = new List<object?>();

        VaryValues.AddRules(parts, rules, Request(), [], new CultureInfo("fr-FR"), new CultureInfo("de-DE"));

        Assert.Equal<object?>(["culture", "fr-FR", "de-DE"], parts);
    }

    [Fact]
    public void Secret_Sha256OfUtf16()
        => Assert.Equal("sha256:FFE9AAEAA2A2D5048174DF0B80599EF0197EC024C4B051BC9860CFF58EF7F9F3", VaryValues.Secret("a"));

    [Fact]
    public void AddHeaders_CredentialHeaders_EveryValueDigested()
    {
        var headers = new HeaderDictionary
        {
            ["Cookie"] = new[] { "a", "b" },
            ["Authorization"] = "a",
            ["X-Plain"] = "a",
        };
        headers["Proxy-Authorization"] = new Microsoft.Extensions.Primitives.StringValues(new string?[] { "a", null });
        var parts = new List<object?>();

        VaryValues.AddHeaders(parts, ["Cookie", "proxy-authorization", "AUTHORIZATION", "X-Plain"], headers);

        var a = VaryValues.Secret("a");
        Assert.Equal<object?>(
            ["header", 4, "cookie", 2, a, VaryValues.Secret("b"), "proxy-authorization", 2, a, VaryValues.Secret(""), "authorization", 1, a, "x-plain", 1, "a"],
            parts);
    }

    [Fact]
    public void StableUserId_NoIdClaims_DigestOfTheAuthenticationTypeAndSortedClaims()
    {
        // Claims in an order their sort changes: the digest is of "4:role=admin" before "5:email=a@b".
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("email", "a@b"), new Claim("role", "admin")], "test"));

        Assert.Equal("claims:FB550543B855B958217FAFAC4E21CBF488A4EFF65BDD4164FD8AE57A7F1C1075", VaryValues.StableUserId(user));
    }

    [Fact]
    public void StableUserId_AuthenticatedWithoutAnAuthenticationType_DigestOfTheClaimsAlone()
    {
        var user = new ClaimsPrincipal(new AuthenticatedWithoutType([new Claim("email", "a@b"), new Claim("role", "admin")]));

        Assert.Equal("claims:ACCCFB8DF64B2D31AA09D4DEA972FD2A0AFD5D707C9622DB895F2FF499F63846", VaryValues.StableUserId(user));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("", "")]
    public void StableUserId_EmptyIdsFallThroughToTheName(string? nameIdentifier, string? sub)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, "ann") };
        if (nameIdentifier is not null)
        {
            claims.Add(new Claim(ClaimTypes.NameIdentifier, nameIdentifier));
        }

        if (sub is not null)
        {
            claims.Add(new Claim("sub", sub));
        }

        Assert.Equal("name:ann", VaryValues.StableUserId(new ClaimsPrincipal(new ClaimsIdentity(claims, "test"))));
    }

    [Fact]
    public void StableUserId_EmptyNameIdentifier_SubUsed()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, ""), new Claim("sub", "s1"), new Claim(ClaimTypes.Name, "ann")], "test"));

        Assert.Equal("id:s1", VaryValues.StableUserId(user));
    }

    /// <summary>An identity that says it is signed in without naming how (a custom identity can).</summary>
    private sealed class AuthenticatedWithoutType(IEnumerable<Claim> claims) : ClaimsIdentity(claims)
    {
        public override bool IsAuthenticated => true;
    }

    private static DefaultHttpContext Request()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString("?q=1&q=2");
        context.Request.Headers["X-A"] = "one";
        context.Request.Headers.Cookie = "c=cv";
        context.Request.RouteValues["id"] = 7;
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u1")], "test"));
        return context;
    }

    private static List<object?> InCulture(string culture, string uiCulture, Func<List<object?>> build)
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            CultureInfo.CurrentUICulture = new CultureInfo(uiCulture);
            return build();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }
}

using FragmentCache.Mvc.Pages;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>How a page's <see cref="VaryRules"/> is resolved from its attribute, its profile and the page options.</summary>
public sealed class PagePolicyTests
{
    [Fact]
    public void Resolve_AttributeAndProfileNames_MergedCaseInsensitively()
    {
        var profile = new CacheProfile();
        profile.Vary.Headers.Add("accept-language");
        profile.Vary.Headers.Add("X-Profile");
        profile.Vary.Cookies.Add("consent");
        profile.Vary.RouteValues.Add("slug");
        var policy = Resolve(new CachePageAttribute { Profile = "p", VaryByHeaders = ["Accept-Language"], VaryByCookies = ["theme"] }, profile);

        Assert.Equal(["Accept-Language", "X-Profile"], policy.Vary.Headers);
        Assert.Equal(["theme", "consent"], policy.Vary.Cookies);
        Assert.Equal(["slug"], policy.Vary.RouteValues);
    }

    /// <summary>Query keys: the attribute's (even none), else the profile's, else never set (the whole query).</summary>
    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, "", null)]
    [InlineData(null, "p1", "p1")]
    [InlineData("", "p1", "")]
    [InlineData("a,b", "p1", "a,b")]
    [InlineData("a,A", null, "a")]
    public void Resolve_QueryKeys(string? attribute, string? profileKeys, string? expected)
    {
        var profile = new CacheProfile();
        foreach (var key in (profileKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            profile.Vary.QueryKeys.Add(key);
        }

        var policy = Resolve(new CachePageAttribute { Profile = "p", VaryByQueryKeys = attribute?.Split(',', StringSplitOptions.RemoveEmptyEntries) }, profile);

        Assert.Equal(expected, policy.Vary.QueryKeysOrNull is { } keys ? string.Join(',', keys) : null);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    public void Resolve_User_EitherSide(bool attribute, bool profileUser, bool expected)
    {
        var profile = new CacheProfile();
        profile.Vary.User = profileUser;
        var policy = Resolve(new CachePageAttribute { Profile = "p", VaryByUser = attribute }, profile);

        Assert.Equal(expected, policy.Vary.User);
        Assert.Equal(expected, policy.KeysUser);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    public void Resolve_Culture_AttributeAndOptions(bool attribute, bool option, bool expected)
        => Assert.Equal(expected, Resolve(new CachePageAttribute { VaryByCulture = attribute }, null, new PageCacheOptions { VaryByCulture = option }).Vary.Culture);

    [Fact]
    public void Resolve_ProfileCallbackValues_ApplyButKeepSignedInRequestsOut()
    {
        Func<Microsoft.AspNetCore.Http.HttpContext, string?> tenant = ctx => ctx.User.FindFirst("tenant")?.Value;
        var profile = new CacheProfile();
        profile.Vary.Values["tenant"] = tenant;
        var policy = Resolve(new CachePageAttribute { Profile = "p" }, profile);

        Assert.Same(tenant, policy.Vary.Values["tenant"]);
        Assert.False(policy.Vary.User);
        Assert.False(policy.KeysUser);
        Assert.False(Resolve(new CachePageAttribute(), null).KeysUser);
    }

    [Fact]
    public void Resolve_DoesNotShareTheProfilesLists()
    {
        var profile = new CacheProfile();
        profile.Vary.Headers.Add("X-A");
        var policy = Resolve(new CachePageAttribute { Profile = "p" }, profile);

        policy.Vary.Headers.Add("X-B");
        Assert.Equal(["X-A"], profile.Vary.Headers);
    }

    [Fact]
    public void Resolve_UnknownProfile_ThrowsNamingIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PagePolicy.Resolve(new CachePageAttribute { Profile = "nope" }, new FragmentCacheMvcOptions(), new PageCacheOptions()));
        Assert.Contains("\"nope\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Site_WholeQueryCultureByOption_NoOtherRules(bool culture)
    {
        var policy = PagePolicy.Site(new PageCacheOptions { VaryByCulture = culture });

        Assert.True(policy.PerSite);
        Assert.Null(policy.Vary.QueryKeysOrNull);
        Assert.Equal(culture, policy.Vary.Culture);
        Assert.False(policy.KeysUser);
        Assert.Empty(policy.Vary.Headers);
        Assert.Empty(policy.Vary.Cookies);
    }

    private static PagePolicy Resolve(CachePageAttribute attribute, CacheProfile? profile, PageCacheOptions? pages = null)
    {
        var mvc = new FragmentCacheMvcOptions();
        if (profile is not null)
        {
            mvc.Profiles["p"] = profile;
        }

        return PagePolicy.Resolve(attribute, mvc, pages ?? new PageCacheOptions());
    }
}

using System.Security.Claims;
using FragmentCache.Mvc.Pages;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>Whether signed-in requests are served from a page's shared entry: <c>AllowSignedIn</c> on the attribute or its profile.</summary>
public sealed class PageAllowSignedInTests
{
    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, false, true)]
    [InlineData(false, false, true, true)]
    public void Resolve_AttributeOrProfile_ServesSignedIn(bool attribute, bool profile, bool varyByUser, bool expected)
    {
        var mvc = new FragmentCacheMvcOptions();
        mvc.Profiles["p"] = new CacheProfile { AllowSignedIn = profile };

        var policy = PagePolicy.Resolve(new CachePageAttribute { Profile = "p", AllowSignedIn = attribute, VaryByUser = varyByUser }, mvc, new PageCacheOptions());

        Assert.Equal(expected, policy.ServesSignedIn);
        Assert.Equal(attribute || profile, policy.AllowSignedIn);
        Assert.Equal(varyByUser, policy.KeysUser);
    }

    [Fact]
    public void Defaults_DoNotServeSignedIn()
    {
        Assert.False(new CachePageAttribute().AllowSignedIn);
        Assert.False(new CacheProfile().AllowSignedIn);
        Assert.False(PagePolicy.Site(new PageCacheOptions()).ServesSignedIn);
    }

    [Theory]
    [InlineData(false, "authenticated user")]
    [InlineData(true, null)]
    public void RequestBypass_SignedIn_FollowsTheOptIn(bool servesSignedIn, string? expected)
    {
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ann")], "test")) };
        context.Request.Method = "GET";

        Assert.Equal(expected, PageCachePolicy.RequestBypass(context.Request, servesSignedIn));
    }
}

namespace FragmentCache.Mvc.Tests;

/// <summary>The defaults of the culture, unkeyed-input and streaming settings of the page caches.</summary>
public sealed class PageRequestRulesDefaultsTests
{
    [Fact]
    public void PageCacheOptions_CultureAndCookieDefaults_Pinned()
    {
        var options = new PageCacheOptions();
        Assert.True(options.VaryByCulture);
        Assert.False(options.StripUnkeyedCookies);
    }

    [Fact]
    public void CachePageAttribute_CultureAndQueryDefaults_Pinned()
    {
        var attribute = new CachePageAttribute();
        Assert.True(attribute.VaryByCulture);
        Assert.False(attribute.KeepUnkeyedQuery);
    }
}

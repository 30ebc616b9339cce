namespace FragmentCache.Mvc.Tests;

public sealed class OptionsDefaultsTests
{
    [Fact]
    public void FragmentCacheMvcOptions_Defaults_Pinned()
    {
        var options = new FragmentCacheMvcOptions();
        Assert.Equal(1_000_000, options.MaxFragmentSize);
        Assert.True(options.ViewDigest);
        Assert.Equal("X-Fragment-Cache", options.CacheStatusHeader);
        Assert.Null(options.EmitCacheStatusHeader);
        Assert.Empty(options.Profiles);
        Assert.Equal("FragmentCache:Mvc", FragmentCacheMvcOptions.SectionName);
    }

    [Fact]
    public void PageCacheOptions_Defaults_Pinned()
    {
        var options = new PageCacheOptions();
        Assert.Equal(TimeSpan.FromMinutes(10), options.DefaultDuration);
        Assert.Equal(TimeSpan.FromHours(1), options.MaxDuration);
        Assert.Equal("", options.KeyPrefix);
        Assert.Equal(1_000_000, options.MaxBodySize);
        Assert.False(options.CaseSensitivePaths);
        Assert.Equal("FragmentCache:Pages", PageCacheOptions.SectionName);
    }

    [Fact]
    public void CachePageAttribute_Defaults_Pinned()
    {
        var attribute = new CachePageAttribute();
        Assert.Equal(0, attribute.Duration);
        Assert.Null(attribute.VaryByQueryKeys);
        Assert.False(attribute.VaryByUser);
        Assert.Null(attribute.Tags);
        Assert.Null(attribute.Profile);
    }
}

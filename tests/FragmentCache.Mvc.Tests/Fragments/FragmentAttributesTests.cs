using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Tests.Fragments;

public sealed class FragmentAttributesTests
{
    [Theory]
    [InlineData("expire-after", "expires-after")]
    [InlineData("EXPIRES-AFTR", "expires-after")]
    [InlineData("vary-by-users", "vary-by-user")]
    [InlineData("varyon", "vary-on")]
    [InlineData("tag", "tags")]
    [InlineData("vary-by-querystring", "vary-by-query")]
    [InlineData("class", null)]
    [InlineData("data-x", null)]
    public void Closest_Typo_SuggestsTheKnownName(string typed, string? expected)
        => Assert.Equal(expected, FragmentAttributes.Closest(typed));

    [Fact]
    public void Known_IsEveryBoundAttribute()
    {
        Assert.Contains("name", FragmentAttributes.Known);
        Assert.Contains("expires-after", FragmentAttributes.Known);
        Assert.Contains("view-digest", FragmentAttributes.Known);
        Assert.Contains("early-recache", FragmentAttributes.Known);
        Assert.DoesNotContain(FragmentAttributes.Known, name => name.Length == 0);
    }
}

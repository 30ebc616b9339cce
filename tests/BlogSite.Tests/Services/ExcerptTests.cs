using BlogSite.Services;

namespace BlogSite.Tests.Services;

/// <summary>The post list's excerpt: the first sentence, never cut at a period inside a name, a number or an abbreviation.</summary>
public sealed class ExcerptTests
{
    [Theory]
    [InlineData("Django made four levels of caching feel ordinary; ASP.NET Core deserves the same. Measure first.",
        "Django made four levels of caching feel ordinary; ASP.NET Core deserves the same.")]
    [InlineData("Run it on Node.js or .NET and compare. Then decide.", "Run it on Node.js or .NET and compare.")]
    [InlineData("Version 3.5 is out. It is faster.", "Version 3.5 is out.")]
    [InlineData("Pick a store, e.g. memcached, and measure. Then cache.", "Pick a store, e.g. memcached, and measure.")]
    [InlineData("Pick a store, e.g. Memcached or Redis, and measure. Then cache.", "Pick a store, e.g. Memcached or Redis, and measure.")]
    [InlineData("Compare Redis vs. Memcached first. Then choose.", "Compare Redis vs. Memcached first.")]
    [InlineData("It broke at 2 a.m. on a Sunday. Nobody noticed.", "It broke at 2 a.m. on a Sunday.")]
    [InlineData("Is the cache cold? Warm it. Then measure.", "Is the cache cold?")]
    [InlineData("It works! Mostly.", "It works!")]
    [InlineData("She said \"cache it.\" Then she left.", "She said \"cache it.\"")]
    [InlineData("The page (cached twice.) Stays.", "The page (cached twice.)")]
    [InlineData("  Ends with ASP.NET.  ", "Ends with ASP.NET.")]
    [InlineData("No sentence end at all", "No sentence end at all")]
    [InlineData("Ends at the end.", "Ends at the end.")]
    [InlineData("", "")]
    public void FirstSentence_Text_EndsAtTheRealSentenceEnd(string text, string expected) =>
        Assert.Equal(expected, Excerpt.FirstSentence(text));

    [Fact]
    public void FirstSentence_LongerThanMax_CutAtAWordWithEllipsis()
    {
        var text = string.Join(' ', Enumerable.Repeat("caching", 60)) + ".";

        var excerpt = Excerpt.FirstSentence(text, maxLength: 50);

        Assert.Equal(string.Join(' ', Enumerable.Repeat("caching", 6)) + "…", excerpt);
    }

    [Fact]
    public void FirstSentence_DefaultMaxLength_Is240()
    {
        Assert.Equal(240, Excerpt.DefaultMaxLength);
        var text = new string('x', 300);
        Assert.Equal(new string('x', 240) + "…", Excerpt.FirstSentence(text));
    }

    [Fact]
    public void FirstSentence_BadInput_ThrowsNamingIt()
    {
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => Excerpt.FirstSentence(null!)).ParamName);
        Assert.Equal("maxLength", Assert.Throws<ArgumentOutOfRangeException>(() => Excerpt.FirstSentence("a", 0)).ParamName);
    }
}

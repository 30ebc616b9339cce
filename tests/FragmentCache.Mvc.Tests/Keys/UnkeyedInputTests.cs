using FragmentCache.Mvc.Pages;

namespace FragmentCache.Mvc.Tests.Keys;

public sealed class UnkeyedInputTests
{
    [Theory]
    [InlineData("?a=1&utm_source=x&b=2", "?a=1")]
    [InlineData("?utm_source=x&A=1&b=2&a=3", "?A=1&a=3")]
    [InlineData("?utm_source=x", "")]
    [InlineData("?b=1&&a=%C3%A9&", "?a=%C3%A9")]
    [InlineData("?%61=1&x=2", "?%61=1")]
    [InlineData("?a&x", "?a")]
    [InlineData("?a+b=1&x=2", "?a+b=1")]
    public void KeepQuery_UnkeyedPairs_RemovedInOrderAndSpelling(string query, string expected)
        => Assert.Equal(expected, UnkeyedInput.KeepQuery(query, ["a", "a b"]));

    [Theory]
    [InlineData("?a=1")]
    [InlineData("?a=1&A=2")]
    [InlineData("")]
    public void KeepQuery_NothingUnkeyed_Null(string query)
        => Assert.Null(UnkeyedInput.KeepQuery(query, ["a"]));

    [Fact]
    public void KeepQuery_NoKeys_RemovesEverything()
        => Assert.Equal("", UnkeyedInput.KeepQuery("?a=1&b=2", []));

    [Theory]
    [InlineData(new[] { "session=s; theme=dark; .AspNetCore.Antiforgery.x=t" }, "theme=dark")]
    [InlineData(new[] { "Theme=dark", "a=1; THEME=light" }, "Theme=dark; THEME=light")]
    [InlineData(new[] { "session=s" }, "")]
    public void KeepCookies_UnkeyedCookies_Removed(string[] headers, string expected)
        => Assert.Equal(expected, UnkeyedInput.KeepCookies(headers, ["theme"]));

    [Fact]
    public void KeepCookies_OnlyKeyed_Null()
        => Assert.Null(UnkeyedInput.KeepCookies(["theme=dark"], ["theme"]));
}

using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Http;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary>How a fragment's rule names merge with its profile's: trimmed, non-empty, case-insensitively unique, first spelling kept.</summary>
public sealed class VaryValuesNamesTests
{
    [Fact]
    public void OneSideAlreadyMerged_ThatListItself()
    {
        List<string> names = ["Accept-Language", "X-Theme"];

        Assert.Same(names, VaryValues.Names(names, null));
        Assert.Same(names, VaryValues.Names(names, []));
        Assert.Same(names, VaryValues.Names(null, names));
        Assert.Same(names, VaryValues.Names([], names));
    }

    [Theory]
    [InlineData(" a|b", "a,b")]
    [InlineData("a |b", "a,b")]
    [InlineData("a|\tb", "a,b")]
    [InlineData("a||b", "a,b")]
    [InlineData("a|A", "a")]
    [InlineData("b|a|B", "b,a")]
    public void OneSideNotMerged_Merged(string listed, string expected)
    {
        List<string> names = [.. listed.Split('|')];

        Assert.Equal(expected.Split(','), VaryValues.Names(names, null));
        Assert.Equal(expected.Split(','), VaryValues.Names(null, names));
    }

    [Fact]
    public void BothSides_MergedInOrder_FirstSpellingKept()
    {
        Assert.Equal(["a", "B", "c"], VaryValues.Names(["a", "B"], ["b", "c", "A"]));
        Assert.Empty(VaryValues.Names(null, null));
        Assert.Empty(VaryValues.Names([], []));
    }

    [Fact]
    public void CallbackValuesDeclaredButNone_NotWritten()
    {
        var own = new VaryRules();
        var profile = new VaryRules();
        _ = own.Values;
        _ = profile.Values;

        Assert.Equal<object?>(["on", 0], VaryValues.Build(null, null, own, profile, new DefaultHttpContext(), null, null));
        Assert.Equal<object?>(["on", 0], VaryValues.Build(null, null, own, null, new DefaultHttpContext(), null, null));
        Assert.Equal<object?>(["on", 0], VaryValues.Build(null, null, null, profile, new DefaultHttpContext(), null, null));
    }
}

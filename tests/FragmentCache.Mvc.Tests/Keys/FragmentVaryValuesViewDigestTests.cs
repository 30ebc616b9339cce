using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary>
/// <see cref="VaryValues.Build"/>: the vary values a front end hands to the cache, with the view digest last
/// when there is one, so a changed view never reads the entries of the old one.
/// </summary>
public sealed class FragmentVaryValuesViewDigestTests
{
    private static readonly object?[] OnA = ["a"];

    private static List<object?> Build(object?[] on, string? viewDigest) => VaryValues.Build(on, null, null, null, null, null, viewDigest);

    [Fact]
    public void Build_NoViewDigest_OnlyTheVaryValues()
        => Assert.Equal(["on", 1, "a"], Build(OnA, viewDigest: null));

    [Theory]
    [InlineData("d1")]
    [InlineData("")]
    public void Build_ViewDigest_AddedLastUnderItsMarker(string digest)
        => Assert.Equal(["on", 1, "a", "view", digest], Build(OnA, digest));

    [Fact]
    public void Build_DifferentViewDigests_DifferentFragmentKeys()
    {
        var none = FragmentKey.Create("nav", Build(OnA, null));
        var first = FragmentKey.Create("nav", Build(OnA, "d1"));
        var second = FragmentKey.Create("nav", Build(OnA, "d2"));

        Assert.NotEqual(none, first);
        Assert.NotEqual(first, second);
        Assert.Equal(first, FragmentKey.Create("nav", Build(OnA, "d1")));
    }
}

using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary>
/// <see cref="FragmentKeyParts.Build"/>: the vary values a front end hands to the cache, with the view digest last
/// when there is one, so a changed view never reads the entries of the old one.
/// </summary>
public sealed class FragmentKeyPartsTests
{
    private static readonly FragmentVary OnA = new(["a"], null, null, null, null, null, false, false);

    [Fact]
    public void Build_NoViewDigest_OnlyTheVaryValues()
        => Assert.Equal(["on", 1, "a"], FragmentKeyParts.Build(OnA, null, null, null, viewDigest: null));

    [Theory]
    [InlineData("d1")]
    [InlineData("")]
    public void Build_ViewDigest_AddedLastUnderItsMarker(string digest)
        => Assert.Equal(["on", 1, "a", "view", digest], FragmentKeyParts.Build(OnA, null, null, null, digest));

    [Fact]
    public void Build_DifferentViewDigests_DifferentFragmentKeys()
    {
        var none = FragmentKey.Create("nav", FragmentKeyParts.Build(OnA, null, null, null, null));
        var first = FragmentKey.Create("nav", FragmentKeyParts.Build(OnA, null, null, null, "d1"));
        var second = FragmentKey.Create("nav", FragmentKeyParts.Build(OnA, null, null, null, "d2"));

        Assert.NotEqual(none, first);
        Assert.NotEqual(first, second);
        Assert.Equal(first, FragmentKey.Create("nav", FragmentKeyParts.Build(OnA, null, null, null, "d1")));
    }
}

namespace FragmentCache.Tests.Core;

/// <summary>A bool vary value keeps its value in the key: <see langword="true"/> and <see langword="false"/> are two entries.</summary>
public sealed class FragmentKeyBoolValueTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void TrueAndFalse_TwoKeys(bool first, bool second)
        => Assert.NotEqual(FragmentKey.Create("f", [first]).Canonical, FragmentKey.Create("f", [second]).Canonical);

    [Fact]
    public void EachPosition_Counts()
        => Assert.NotEqual(FragmentKey.Create("f", [true, false]).Canonical, FragmentKey.Create("f", [true, true]).Canonical);

    [Fact]
    public void False_WrittenAsFalse()
        => Assert.Equal(FragmentKey.Create("f", ["false"]).Canonical, FragmentKey.Create("f", [false]).Canonical);
}

using System.Globalization;

namespace FragmentCache.Tests.Core;

public sealed class FragmentKeyTests
{
    public static TheoryData<string, object?[], string, object?[]> DistinctPairs => new()
    {
        { "f", ["a:b"], "f", ["a", "b"] },
        { "f", ["a", "b"], "f", ["ab"] },
        { "f", ["1:a"], "f", ["1", "a"] },
        { "f", [null], "f", [""] },
        { "f", [null], "f", ["~"] },
        { "f", [""], "f", [] },
        { "f", ["", ""], "f", [""] },
        { "f1", [":x"], "f", ["1:x"] },
        { "sidebar", ["é"], "sidebar", ["e\u0301"] },
        { "sidebar", ["清"], "sidebar", ["清 "] },
        { "a", ["3:abc"], "a3", [":abc"] },
    };

    [Theory]
    [MemberData(nameof(DistinctPairs))]
    public void Create_DifferentInputs_DoNotCollide(string name1, object?[] vary1, string name2, object?[] vary2)
    {
        var first = FragmentKey.Create(name1, vary1);
        var second = FragmentKey.Create(name2, vary2);
        Assert.NotEqual(first.Canonical, second.Canonical);
        Assert.NotEqual(first.StoreKey, second.StoreKey);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Create_SameInputs_GiveSameKey()
    {
        Assert.Equal(FragmentKey.Create("nav", ["en", 3]).StoreKey, FragmentKey.Create("nav", ["en", 3]).StoreKey);
        Assert.Equal(FragmentKey.Create("nav", null), FragmentKey.Create("nav", []));
    }

    [Fact]
    public void Create_ReadableName_IsKeptInStoreKey()
    {
        var key = FragmentKey.Create("sidebar", ["x"]);
        Assert.StartsWith("fragment:sidebar:", key.StoreKey, StringComparison.Ordinal);
        Assert.Equal(43, key.StoreKey.Length - "fragment:sidebar:".Length);
    }

    [Theory]
    [InlineData("my sidebar")]
    [InlineData("a:b")]
    [InlineData("清单")]
    [InlineData("tab\there")]
    public void Create_UnsafeName_IsHashedOnly(string name)
    {
        var key = FragmentKey.Create(name, null);
        Assert.DoesNotContain(name, key.StoreKey, StringComparison.Ordinal);
        Assert.Equal("fragment:".Length + 43, key.StoreKey.Length);
    }

    [Theory]
    [InlineData("sidebar")]
    [InlineData("my sidebar")]
    [InlineData("清单\u0000\u007f")]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void Create_AnyName_GivesWireSafeKey(string name)
    {
        var key = FragmentKey.Create(name, ["vary with spaces", "\r\n", 42, null]);
        Assert.InRange(key.StoreKey.Length, 1, 250);
        Assert.All(key.StoreKey, c => Assert.InRange(c, '!', '~'));
    }

    [Fact]
    public void Create_LongestReadableName_StaysWithinMemcachedLimit()
    {
        var key = FragmentKey.Create(new string('n', FragmentKey.MaxReadableNameLength), null);
        Assert.Contains(new string('n', 64), key.StoreKey, StringComparison.Ordinal);
        Assert.Equal(117, key.StoreKey.Length);
        var longer = FragmentKey.Create(new string('n', FragmentKey.MaxReadableNameLength + 1), null);
        Assert.Equal("fragment:".Length + 43, longer.StoreKey.Length);
    }

    [Fact]
    public void Create_Numbers_AreCultureInvariant()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var german = FragmentKey.Create("price", [1.5, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), true]);
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = FragmentKey.Create("price", [1.5, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), true]);
            Assert.Equal(invariant.StoreKey, german.StoreKey);
            Assert.Contains("1.5", german.Canonical, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Create_Canonical_IsLengthPrefixed()
        => Assert.Equal("7:sidebar3:a:b~0:", FragmentKey.Create("sidebar", ["a:b", null, ""]).Canonical);

    [Fact]
    public void Create_EmptyName_Throws()
        => Assert.Throws<ArgumentException>(() => FragmentKey.Create("", null));
}

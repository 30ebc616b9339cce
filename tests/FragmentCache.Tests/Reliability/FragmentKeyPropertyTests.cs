using CsCheck;

namespace FragmentCache.Tests.Reliability;

/// <summary>
/// Property-based tests of <see cref="FragmentKey"/> over hostile vary values: CR/LF, spaces, NUL, control bytes,
/// separators, lone surrogates and 64 KB strings. CsCheck prints the seed of a failing sample; pass it as
/// <c>seed:</c> to replay.
/// </summary>
public sealed class FragmentKeyPropertyTests
{
    private const int Iterations = 3000;

    [Fact]
    public void Create_HostileVaryValues_NeverThrowsAndStoreKeyIsLegal()
    {
        HostileGen.Name.Select(HostileGen.VaryList(allowHuge: true)).Sample((name, vary) =>
        {
            var key = FragmentKey.Create(name, vary);
            Assert.InRange(key.StoreKey.Length, 1, 117);
            Assert.All(key.StoreKey, c => Assert.InRange(c, '!', '~'));
            Assert.Equal(key, FragmentKey.Create(name, vary));
        }, iter: Iterations, threads: 1, print: Describe);
    }

    [Fact]
    public void Create_DifferentVaryLists_NeverShareCanonicalOrStoreKey()
    {
        HostileGen.Name.Select(HostileGen.VaryList(allowHuge: false)).SelectMany((name, vary) =>
            HostileGen.NearMiss(vary).Select(other => (name, vary, other))).Sample((name, vary, other) =>
        {
            var first = FragmentKey.Create(name, vary);
            var second = FragmentKey.Create(name, other);
            if (HostileGen.SameValues(vary, other))
            {
                Assert.Equal(first.StoreKey, second.StoreKey);
                return;
            }

            Assert.NotEqual(first.Canonical, second.Canonical);
            Assert.NotEqual(first.StoreKey, second.StoreKey);
        }, iter: Iterations, threads: 1, print: t => Describe(t.Item1, t.Item2) + " vs " + Describe(t.Item1, t.Item3));
    }

    public static TheoryData<string?[], string?[]> KnownNearCollisions => new()
    {
        { ["a:b"], ["a", "b"] },
        { ["1:a"], ["a"] },
        { ["a|b"], ["a", "b"] },
        { [null], ["~"] },
        { [null], [""] },
        { [], [""] },
        { ["a", ""], ["a"] },
        { ["\r\n"], ["\n"] },
        { ["\0"], [""] },
        { ["\uD800"], ["\uFFFD"] },
        { ["\uD800"], ["\uDBFF"] },
        { ["\uDC00\uD800"], ["\uFFFD\uFFFD"] },
        { ["\uD83D\uDE00"], ["\uD83D", "\uDE00"] },
        { ["\\uD800"], ["\uD800"] },
    };

    [Theory]
    [MemberData(nameof(KnownNearCollisions))]
    public void Create_KnownNearCollision_DifferentKeys(string?[] first, string?[] second)
    {
        var a = FragmentKey.Create("f", first);
        var b = FragmentKey.Create("f", second);

        Assert.NotEqual(a.Canonical, b.Canonical);
        Assert.NotEqual(a.StoreKey, b.StoreKey);
    }

    private static string Describe(string name, object?[] vary) =>
        HostileGen.Escape(name) + " [" + string.Join(", ", vary.Select(v => v is string s ? "\"" + HostileGen.Escape(s) + "\"" : "null")) + "]";

    private static string Describe((string Name, object?[] Vary) sample) => Describe(sample.Name, sample.Vary);
}

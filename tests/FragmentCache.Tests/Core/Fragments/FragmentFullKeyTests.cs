using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>
/// A fragment's full key is built in one string (no intermediate store key); it must stay exactly what
/// <see cref="CacheKeyBuilder.Build"/> makes of the store key, or every entry stored before would be missed.
/// </summary>
public sealed class FragmentFullKeyTests
{
    public static TheoryData<string, object?[]> Keys => new()
    {
        { "sidebar", [] },
        { "sidebar", ["alice", 3, null] },
        { "not readable: colon", ["x"] },
        { new string('n', 65), ["long name"] },
        { "清", ["\uD800", "é"] },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void BuildFragment_EqualsBuildOfStoreKey(string name, object?[] vary)
    {
        foreach (var (prefix, version) in new (string, int)[] { ("", 1), ("site", 7), ("a:b", -2) })
        {
            var keys = new CacheKeyBuilder(Options.Create(new FragmentCacheOptions { KeyPrefix = prefix, Version = version }));
            var key = FragmentKey.Create(name, vary);

            Assert.Equal(keys.Build(key.StoreKey, version), keys.BuildFragment(key, version));
            Assert.Equal(keys.Build(key.StoreKey, version + 1), keys.BuildFragment(key, version + 1));
        }
    }

    [Fact]
    public void BuildFragment_RemembersFullKeys_AndStaysExactPastItsBound()
    {
        // A hit on a known key reuses its full key instead of hashing it again; the memory is bounded and starts over,
        // and whatever it holds, each key's full key stays what Build makes of its store key.
        var keys = new CacheKeyBuilder(Options.Create(new FragmentCacheOptions { KeyPrefix = "site", Version = 3 }));
        var count = CacheKeyBuilder.MaxRememberedFullKeys + 100;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < count; i++)
            {
                var key = FragmentKey.Create("list", [i, "v" + i]);
                Assert.Equal(keys.Build(key.StoreKey, 3), keys.BuildFragment(key, 3));
            }
        }

        var first = FragmentKey.Create("list", ["again"]);
        Assert.Same(keys.BuildFragment(first, 3), keys.BuildFragment(FragmentKey.Create("list", ["again"]), 3));
        Assert.Equal(keys.Build(first.StoreKey, 4), keys.BuildFragment(first, 4));
    }

    [Fact]
    public void BuildFragment_WithKeyFunction_UsesIt()
    {
        var keys = new CacheKeyBuilder(Options.Create(new FragmentCacheOptions
        {
            KeyPrefix = "p",
            KeyFunction = (key, prefix, version) => $"custom|{prefix}|{version}|{key}",
        }));
        var key = FragmentKey.Create("sidebar", ["x"]);

        Assert.Equal($"custom|p|1|{key.StoreKey}", keys.BuildFragment(key, 1));
    }

    [Fact]
    public void StoreKey_IsTheSameStringEachTime_AndEqualForEqualKeys()
    {
        var key = FragmentKey.Create("sidebar", ["x", 1]);

        Assert.Same(key.StoreKey, key.StoreKey);
        Assert.Equal(FragmentKey.Create("sidebar", ["x", 1]).StoreKey, key.StoreKey);
        Assert.StartsWith("fragment:sidebar:", key.StoreKey, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_OnManyThreads_GivesEachTheSameKey()
    {
        // The canonical form is built in a per-thread builder: keys built at once on many threads must not mix.
        var expected = Enumerable.Range(0, 200).Select(i => FragmentKey.Create("f", [i, "v" + i]).Canonical).ToArray();
        var actual = new string[200];
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = FragmentKey.Create("f", [i, "v" + i]).Canonical);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void FullKey_OfOneKeyOnManyThreadsAtOnce_IsAlwaysTheSame()
    {
        // The hash is computed on first use (a two-tier hit never needs it): threads racing to compute it must agree.
        var keys = new CacheKeyBuilder(Options.Create(new FragmentCacheOptions { KeyPrefix = "site" }));
        var expected = keys.Build(FragmentKey.Create("sidebar", ["race"]).StoreKey, 1);
        for (var run = 0; run < 50; run++)
        {
            var shared = FragmentKey.Create("sidebar", ["race"]);
            var seen = new string[16];
            Parallel.For(0, seen.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => seen[i] = keys.BuildFragment(shared, 1));
            Assert.All(seen, key => Assert.Equal(expected, key));
        }
    }
}

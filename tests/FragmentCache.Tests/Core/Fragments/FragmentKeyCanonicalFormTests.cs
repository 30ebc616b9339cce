using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Table tests of <see cref="FragmentKey"/>'s documented forms: the canonical text of each kind of vary value, the
/// escaping of lone surrogates, the readable-name rule, and the store key as the SHA-256 of the canonical form.
/// </summary>
public sealed class FragmentKeyCanonicalFormTests
{
    private static string Sha256Url(string text) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public static TheoryData<string, object?[]?, string> CanonicalForms => new()
    {
        { "nav", null, "3:nav" },
        { "nav", [], "3:nav" },
        { "nav", [null], "3:nav~" },
        { "nav", [""], "3:nav0:" },
        { "nav", ["~"], "3:nav1:~" },
        { "nav", [true, false], "3:nav4:true5:false" },
        { "nav", [42, -7L, 1.5, 2.5m, (byte)255], "3:nav2:422:-73:1.53:2.53:255" },
        { "nav", [new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)], "3:nav28:2026-01-02T03:04:05.0000000Z" },
        { "nav", [new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))], "3:nav33:2026-01-02T03:04:05.0000000+02:00" },
        { "nav", [new Version(1, 2)], "3:nav3:1.2" },
        { "nav", [new NullText()], "3:nav0:" },
        { "nav", ["a\\b"], "3:nav3:a\\b" },
        { "nav", ["\uD83D\uDE00"], "3:nav2:\uD83D\uDE00" },
        { "nav", ["\uD800"], "3:nav!6:\\uD800" },
        { "nav", ["\uDFFF"], "3:nav!6:\\uDFFF" },
        { "nav", ["a\uDBFF"], "3:nav!7:a\\uDBFF" },
        { "nav", ["\uDC00\uD800"], "3:nav!12:\\uDC00\\uD800" },
        { "nav", ["\\\uD800"], "3:nav!8:\\\\\\uD800" },
        { "nav", ["\uD83D\uDE00\uD800"], "3:nav!8:\uD83D\uDE00\\uD800" },
        { "nav", ["x\uD83D\uDE00y"], "3:nav4:x\uD83D\uDE00y" },
        { "\uD800", [], "!6:\\uD800" },
    };

    [Theory]
    [MemberData(nameof(CanonicalForms))]
    public void Create_EachKindOfValue_HasItsCanonicalForm(string name, object?[]? vary, string canonical)
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma and its own calendar digits: the canonical form must not follow it.
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            var key = FragmentKey.Create(name, vary);
            Assert.Equal(canonical, key.Canonical);
            Assert.Equal(name, key.Name);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("nav", true)]
    [InlineData("!", true)]
    [InlineData("~", true)]
    [InlineData("a!~z09", true)]
    [InlineData(" ", false)]
    [InlineData("a b", false)]
    [InlineData("\u007f", false)]
    [InlineData("\u0080", false)]
    [InlineData(":", false)]
    [InlineData("a:b", false)]
    [InlineData("\u0020x", false)]
    public void StoreKey_NameKeptOnlyWhenPrintableAsciiWithoutColon(string name, bool readable)
    {
        var key = FragmentKey.Create(name, ["v"]);
        var hash = Sha256Url(key.Canonical);
        Assert.Equal(readable ? "fragment:" + name + ":" + hash : "fragment:" + hash, key.StoreKey);
    }

    [Theory]
    [InlineData(FragmentKey.MaxReadableNameLength - 1, true)]
    [InlineData(FragmentKey.MaxReadableNameLength, true)]
    [InlineData(FragmentKey.MaxReadableNameLength + 1, false)]
    public void StoreKey_NameKeptUpToTheLongestReadableLength(int length, bool readable)
    {
        var name = new string('n', length);
        var key = FragmentKey.Create(name, null);
        var hash = Sha256Url(key.Canonical);
        Assert.Equal(readable ? "fragment:" + name + ":" + hash : "fragment:" + hash, key.StoreKey);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(400)]
    [InlineData(5000)]
    public void StoreKey_IsTheSha256OfTheUtf8CanonicalForm(int valueLength)
    {
        // Short canonical forms hash from the stack, long ones from a pooled buffer: both hash the same bytes.
        var value = string.Concat(Enumerable.Repeat("é清", valueLength / 2));
        var key = FragmentKey.Create("page", [value, 7]);
        Assert.Equal("fragment:page:" + Sha256Url(key.Canonical), key.StoreKey);
        Assert.Equal(key.StoreKey, key.ToString());
        Assert.Equal(Sha256Url(key.Canonical), FragmentKey.Hash(key.Canonical));
    }

    [Fact]
    public void StoreKey_LongValueOnASmallStack_Hashed()
    {
        // A long canonical form is hashed from a pooled buffer, never from the stack: a 256 KiB thread stack holds the
        // key of a 200 000-character value.
        var value = new string('v', 200_000);
        string? storeKey = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                storeKey = FragmentKey.Create("big", [value]).StoreKey;
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "hashing did not finish");

        Assert.Null(error);
        Assert.Equal("fragment:big:" + Sha256Url("3:big200000:" + value), storeKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fc:1:")]
    public void WithPrefix_PrefixThenStoreKey(string prefix)
    {
        var key = FragmentKey.Create("page", ["a"]);
        Assert.Equal(prefix + "fragment:page:" + Sha256Url(key.Canonical), key.WithPrefix(prefix));
        Assert.Equal(prefix + key.StoreKey, key.WithPrefix(prefix));

        var unreadable = FragmentKey.Create("a b", ["a"]);
        Assert.Equal(prefix + "fragment:" + Sha256Url(unreadable.Canonical), unreadable.WithPrefix(prefix));
    }

    [Fact]
    public void Hash_OfAnyText_IsItsBase64UrlSha256()
    {
        Assert.Equal(Sha256Url(""), FragmentKey.Hash(""));
        Assert.Equal(Sha256Url("tag\nnews"), FragmentKey.Hash("tag\nnews"));
        Assert.NotEqual(FragmentKey.Hash("a"), FragmentKey.Hash("b"));
    }

    [Fact]
    public void Equals_ComparesTheCanonicalFormOnly()
    {
        var key = FragmentKey.Create("nav", ["a", 1]);
        var same = FragmentKey.Create("nav", ["a", "1"]);
        var other = FragmentKey.Create("nav", ["a", 2]);

        Assert.True(key.Equals(same));
        Assert.True(key.Equals((object)same));
        Assert.Equal(key.GetHashCode(), same.GetHashCode());
        Assert.False(key.Equals(other));
        Assert.False(key.Equals((object)other));
        Assert.False(key.Equals(null));
        Assert.False(key.Equals((object?)null));
        Assert.False(key.Equals((object)key.Canonical));
    }

    [Fact]
    public void Create_VaryValueWhoseTextBuildsAnotherKey_BothKeysIntact()
    {
        // The per-thread builder is taken while a key is built: a value's ToString that builds a key itself gets
        // its own builder and does not overwrite the outer key's parts.
        var key = FragmentKey.Create("outer", ["a", new KeyBuildingValue(), "b"]);
        Assert.Equal("5:outer1:a10:5:inner1:x1:b", key.Canonical);
    }

    [Fact]
    public void Create_AfterAVeryLongKey_NextKeyStartsEmpty()
    {
        var longKey = FragmentKey.Create("big", [new string('x', 10_000)]);
        Assert.Equal("3:big10000:" + new string('x', 10_000), longKey.Canonical);
        Assert.Equal("3:nav1:a", FragmentKey.Create("nav", ["a"]).Canonical);
        Assert.Equal("3:nav1:b", FragmentKey.Create("nav", ["b"]).Canonical);
    }

    private sealed class NullText
    {
        public override string? ToString() => null;
    }

    private sealed class KeyBuildingValue
    {
        public override string ToString() => FragmentKey.Create("inner", ["x"]).Canonical;
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class MemcachedKeyTests
{
    private const string Marker = MemcachedKey.HashMarker;

    public static TheoryData<string> IllegalKeys => new()
    {
        string.Empty,
        "a b",
        " ",
        "a\r\nflush_all",
        "get a 0 0 1\r\nX\r\ndelete victim",
        "a\nb",
        "a\tb",
        "\0",
        "a\0b",
        "\x7f",
        "\x01",
        "ключ",
        "café",
        "\uD800",
        "\uDBFF",
        "a\uDC00b",
        new string('k', 251),
        new string('ж', 1024),
        "/page?q=a b&lang=fr-CA",
    };

    [Theory]
    [InlineData("a", true)]
    [InlineData("page:/index.html?x=1&y=2", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a\r\n", false)]
    [InlineData("\0", false)]
    [InlineData("\x7f", false)]
    [InlineData("\x20", false)]
    [InlineData("é", false)]
    [InlineData("\uD800", false)]
    public void IsLegal_Key_ChecksPrintableAscii(string key, bool expected)
        => Assert.Equal(expected, MemcachedKey.IsLegal(key));

    [Fact]
    public void IsLegal_Length_AllowsOneTo250()
    {
        Assert.True(MemcachedKey.IsLegal(new string('k', MemcachedKey.MaxLength)));
        Assert.False(MemcachedKey.IsLegal(new string('k', MemcachedKey.MaxLength + 1)));
        Assert.Equal(250, MemcachedKey.MaxLength);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("frag:header:v3")]
    [InlineData("page:/index.html?x=1")]
    [InlineData("#sha256")]
    [InlineData("sha256:abc")]
    public void ToWireKey_LegalKey_ReturnsSameInstance(string key)
        => Assert.Same(key, MemcachedKey.ToWireKey(key));

    [Fact]
    public void ToWireKey_LegalKeyOf250Chars_ReturnsSameInstance()
    {
        string key = new('k', 250);
        Assert.Same(key, MemcachedKey.ToWireKey(key));
    }

    [Fact]
    public void ToWireKey_LegalKey_AllocatesNothing()
    {
        string key = "page:/blog/2026/11/some-post?page=2&lang=en";
        MemcachedKey.ToWireKey(key);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            MemcachedKey.ToWireKey(key);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(IllegalKeys))]
    public void ToWireKey_IllegalKey_ReturnsLegalHashedKey(string key)
    {
        string wire = MemcachedKey.ToWireKey(key);
        Assert.True(MemcachedKey.IsLegal(wire), wire);
        Assert.True(wire.Length <= MemcachedKey.MaxLength);
        Assert.Single(Occurrences(wire, Marker));
        Assert.Equal(43, wire.Length - wire.IndexOf(Marker, StringComparison.Ordinal) - Marker.Length);
    }

    [Theory]
    [MemberData(nameof(IllegalKeys))]
    public void ToWireKey_SameInputTwice_ReturnsSameOutput(string key)
        => Assert.Equal(MemcachedKey.ToWireKey(key), MemcachedKey.ToWireKey(new string(key.AsSpan())));

    [Fact]
    public void ToWireKey_AllDistinctInputs_GiveDistinctOutputs()
    {
        var inputs = new HashSet<string>(StringComparer.Ordinal) { "a", "a b", "a  b", "a\tb", "a\0b", "ab", "\uD800", "\uDBFF", "\uFFFD", "?" };
        foreach (string key in IllegalKeys.Select(row => (string)row.Data))
        {
            inputs.Add(key);
        }

        var outputs = inputs.Select(MemcachedKey.ToWireKey).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(inputs.Count, outputs.Count);
    }

    [Fact]
    public void ToWireKey_LoneSurrogates_DoNotCollide()
    {
        // Both would become U+FFFD in UTF-8; hashing the UTF-16 code units keeps them apart.
        Assert.NotEqual(MemcachedKey.ToWireKey("\uD800"), MemcachedKey.ToWireKey("\uDBFF"));
        Assert.NotEqual(MemcachedKey.ToWireKey("x\uD800"), MemcachedKey.ToWireKey("x\uFFFD"));
    }

    [Fact]
    public void ToWireKey_IllegalKey_IsPrefixMarkerAndBase64UrlSha256OfUtf16()
    {
        byte[] digest = SHA256.HashData(Encoding.Unicode.GetBytes("user:42 name"));
        string expected = "user:42" + Marker + Base64Url.EncodeToString(digest);
        Assert.Equal(expected, MemcachedKey.ToWireKey("user:42 name"));
    }

    [Theory]
    [InlineData(" leading", "")]
    [InlineData("ab\r\ncd", "ab")]
    [InlineData("ключ", "")]
    [InlineData("page:/é", "page:/")]
    [InlineData("x#sha256:y z", "x")]
    [InlineData("#sha256:", "")]
    [InlineData("legal#sha256:only", "legal")]
    [InlineData("a#sha256#sha256:b", "a#sha256")]
    public void ToWireKey_HashedKey_KeepsLegalPrefixBeforeMarker(string key, string prefix)
        => Assert.StartsWith(prefix + Marker, MemcachedKey.ToWireKey(key), StringComparison.Ordinal);

    [Fact]
    public void ToWireKey_LongIllegalKey_CapsReadablePrefix()
    {
        string key = new string('p', 300) + " ";
        string wire = MemcachedKey.ToWireKey(key);
        Assert.StartsWith(new string('p', MemcachedKey.MaxReadablePrefixLength) + Marker, wire, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWireKey_PrefixTruncatedInsideMarker_StillHasOneMarker()
    {
        // The 64-char cap cuts "#sha256:" after "#sha25"; the output must still contain the marker only once.
        string key = new string('p', 58) + Marker + "x y";
        string wire = MemcachedKey.ToWireKey(key);
        Assert.StartsWith(new string('p', 58) + "#sha25" + Marker, wire, StringComparison.Ordinal);
        Assert.Single(Occurrences(wire, Marker));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("\uD800")]
    [InlineData("")]
    public void ToWireKey_LegalKeyEqualToAHashedOutput_MapsElsewhere(string original)
    {
        // A caller could pick a legal key that equals another key's hashed form. Because every key containing
        // the marker is hashed, it never passes through, so it cannot land on the other key's item.
        string hashed = MemcachedKey.ToWireKey(original);
        Assert.True(MemcachedKey.IsLegal(hashed));

        string forged = MemcachedKey.ToWireKey(hashed);
        Assert.NotEqual(hashed, forged);
        Assert.True(MemcachedKey.IsLegal(forged));
    }

    [Fact]
    public void ToWireKey_LegalKeyWithMarker_IsHashed()
    {
        string key = "frag" + Marker + "abc";
        string wire = MemcachedKey.ToWireKey(key);
        Assert.NotEqual(key, wire);
        Assert.StartsWith("frag" + Marker, wire, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("frag:header:v3")]
    public void ToWireKey_AppliedTwiceToLegalKey_IsIdempotent(string key)
        => Assert.Same(key, MemcachedKey.ToWireKey(MemcachedKey.ToWireKey(key)));

    [Fact]
    public void ToWireKey_Null_Throws()
        => Assert.Throws<ArgumentNullException>(() => MemcachedKey.ToWireKey(null!));

    [Fact]
    public void GetWireBytes_LegalKey_WritesAscii()
    {
        Span<byte> buffer = stackalloc byte[MemcachedKey.MaxLength];
        int written = MemcachedKey.GetWireBytes("frag:v3", buffer);
        Assert.Equal("frag:v3"u8.ToArray(), buffer[..written].ToArray());
    }

    [Fact]
    public void GetWireBytes_IllegalKey_Throws()
        => Assert.Throws<ArgumentException>(() => MemcachedKey.GetWireBytes("a b", new byte[10]));

    [Fact]
    public void GetWireBytes_DestinationTooSmall_Throws()
        => Assert.Throws<ArgumentException>(() => MemcachedKey.GetWireBytes("abcdef", new byte[5]));

    private static List<int> Occurrences(string text, string value)
    {
        var found = new List<int>();
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            found.Add(i);
        }

        return found;
    }
}

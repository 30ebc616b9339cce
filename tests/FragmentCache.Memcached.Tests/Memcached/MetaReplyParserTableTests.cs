using System.Text;
using FragmentCache.Memcached.Protocol;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// Table tests of <see cref="MetaReplyParser"/>'s header parsing: each reply code, each flag and its value, the
/// defaults of absent flags, the key echo check, error lines and their printable message.
/// </summary>
public sealed class MetaReplyParserTableTests
{
    private static MetaReply Header(string line, IReadOnlyList<string>? keysByOpaque = null, string? expectedKey = null) =>
        MetaReplyParser.ParseHeader(Encoding.Latin1.GetBytes(line), keysByOpaque, expectedKey);

    [Theory]
    [InlineData("VA 0", "Value")]
    [InlineData("HD", "Header")]
    [InlineData("HD O1", "Header")]
    [InlineData("EN", "Miss")]
    [InlineData("NF", "NotFound")]
    [InlineData("NS", "NotStored")]
    [InlineData("EX", "Exists")]
    [InlineData("MN", "NoOp")]
    [InlineData("ERROR", "Error")]
    [InlineData("CLIENT_ERROR bad data chunk", "ClientError")]
    [InlineData("SERVER_ERROR out of memory", "ServerError")]
    public void ParseHeader_EachReplyCode_Recognised(string line, string code)
    {
        Assert.Equal(code, Header(line).Code.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("H")]
    [InlineData("HDX")]
    [InlineData("ENO1")]
    [InlineData("XY")]
    [InlineData("XY O1")]
    [InlineData("hd")]
    [InlineData("ERRORS")]
    [InlineData("ERROR ")]
    [InlineData("ERRO")]
    [InlineData("CLIENT_ERRO")]
    [InlineData("SERVER_ERRO")]
    public void ParseHeader_UnknownLine_ThrowsNamingTheLine(string line)
    {
        var ex = Assert.Throws<MemcachedProtocolException>(() => Header(line));
        Assert.Equal($"Unexpected reply line '{line}'.", ex.Message);
    }

    [Theory]
    [InlineData("CLIENT_ERROR bad data chunk", "CLIENT_ERROR bad data chunk")]
    [InlineData("SERVER_ERROR out of memory", "SERVER_ERROR out of memory")]
    [InlineData("CLIENT_ERROR", "CLIENT_ERROR")]
    [InlineData("SERVER_ERROR\u0001\u007f", "SERVER_ERROR\\x01\\x7f")]
    [InlineData("ERROR", "ERROR")]
    public void ParseHeader_ErrorLine_KeepsItsPrintableMessage(string line, string message)
    {
        var reply = Header(line);
        Assert.Equal(message, reply.ErrorMessage);
        Assert.Equal(-1, reply.ValueLength);
    }

    [Fact]
    public void ParseHeader_NoFlags_AbsentFlagsKeepTheirDefaults()
    {
        var reply = Header("HD");
        Assert.Equal(-1, reply.ValueLength);
        Assert.Equal(0u, reply.ClientFlags);
        Assert.Equal(0ul, reply.Cas);
        Assert.Equal(MetaReply.NoTtl, reply.Ttl);
        Assert.Equal(MetaReply.NoOpaque, reply.Opaque);
        Assert.False(reply.Won);
        Assert.False(reply.Stale);
        Assert.False(reply.TokenSent);
        Assert.False(reply.HasKey);
        Assert.False(reply.KeyMatches);
        Assert.Null(reply.ErrorMessage);
    }

    [Theory]
    [InlineData("VA 0", 0)]
    [InlineData("VA 5", 5)]
    [InlineData("VA 12 f1", 12)]
    [InlineData("VA 2147483647", int.MaxValue)]
    public void ParseHeader_ValueLength_Parsed(string line, int length)
    {
        Assert.Equal(length, Header(line).ValueLength);
    }

    [Theory]
    [InlineData("VA")]
    [InlineData("VA ")]
    [InlineData("VA x")]
    [InlineData("VA 5x")]
    [InlineData("VA -1")]
    [InlineData("VA 2147483648")]
    [InlineData("VA  5")]
    public void ParseHeader_BadValueLength_Throws(string line)
    {
        Assert.Throws<MemcachedProtocolException>(() => Header(line));
    }

    [Theory]
    [InlineData("HD f7", 7u, 0ul, MetaReply.NoTtl, MetaReply.NoOpaque)]
    [InlineData("HD f4294967295", uint.MaxValue, 0ul, MetaReply.NoTtl, MetaReply.NoOpaque)]
    [InlineData("HD c99", 0u, 99ul, MetaReply.NoTtl, MetaReply.NoOpaque)]
    [InlineData("HD c18446744073709551615", 0u, ulong.MaxValue, MetaReply.NoTtl, MetaReply.NoOpaque)]
    [InlineData("HD t300", 0u, 0ul, 300L, MetaReply.NoOpaque)]
    [InlineData("HD t-1", 0u, 0ul, -1L, MetaReply.NoOpaque)]
    [InlineData("HD O14", 0u, 0ul, MetaReply.NoTtl, 14ul)]
    [InlineData("HD O0", 0u, 0ul, MetaReply.NoTtl, 0ul)]
    [InlineData("VA 2 f5 c1 t-1 O14", 5u, 1ul, -1L, 14ul)]
    [InlineData("HD  f5   c1 ", 5u, 1ul, MetaReply.NoTtl, MetaReply.NoOpaque)]
    [InlineData("HD s10 h1 l0 b f3", 3u, 0ul, MetaReply.NoTtl, MetaReply.NoOpaque)]
    public void ParseHeader_NumericFlags_Parsed(string line, uint flags, ulong cas, long ttl, ulong opaque)
    {
        var reply = Header(line);
        Assert.Equal(flags, reply.ClientFlags);
        Assert.Equal(cas, reply.Cas);
        Assert.Equal(ttl, reply.Ttl);
        Assert.Equal(opaque, reply.Opaque);
    }

    [Theory]
    [InlineData("HD f")]
    [InlineData("HD c")]
    [InlineData("HD t")]
    [InlineData("HD O")]
    [InlineData("HD fx")]
    [InlineData("HD c-1")]
    [InlineData("HD O-1")]
    [InlineData("HD f4294967296")]
    [InlineData("HD t1.5")]
    public void ParseHeader_BadNumericFlag_ThrowsNamingTheLine(string line)
    {
        var ex = Assert.Throws<MemcachedProtocolException>(() => Header(line));
        Assert.Equal($"Unexpected reply line '{line}'.", ex.Message);
    }

    [Theory]
    [InlineData("HD W", true, false, false)]
    [InlineData("HD X", false, true, false)]
    [InlineData("HD Z", false, false, true)]
    [InlineData("VA 0 W X Z", true, true, true)]
    [InlineData("EN O3", false, false, false)]
    public void ParseHeader_LeaseFlags_Parsed(string line, bool won, bool stale, bool tokenSent)
    {
        var reply = Header(line);
        Assert.Equal(won, reply.Won);
        Assert.Equal(stale, reply.Stale);
        Assert.Equal(tokenSent, reply.TokenSent);
    }

    [Theory]
    [InlineData("HD kpage:1", "page:1", true, true)]
    [InlineData("HD kpage:2", "page:1", true, false)]
    [InlineData("HD kpage:", "page:1", true, false)]
    [InlineData("HD k", "page:1", true, false)]
    [InlineData("HD O1", "page:1", false, false)]
    [InlineData("HD kpage:1", null, true, false)]
    public void ParseHeader_EchoedKey_ComparedWithTheSingleRequestsKey(string line, string? expected, bool hasKey, bool matches)
    {
        var reply = Header(line, expectedKey: expected);
        Assert.Equal(hasKey, reply.HasKey);
        Assert.Equal(matches, reply.KeyMatches);
    }

    [Theory]
    [InlineData("HD ka O0", true)]
    [InlineData("HD kb O1", true)]
    [InlineData("HD kc O2", true)]
    [InlineData("HD ka O1", false)]
    [InlineData("HD kd O3", false)]
    [InlineData("HD ka O4", false)]
    [InlineData("HD ka", false)]
    public void ParseHeader_EchoedKey_ComparedWithTheKeyAtItsOpaqueIndex(string line, bool matches)
    {
        var reply = Header(line, keysByOpaque: ["a", "b", "c"]);
        Assert.True(reply.HasKey);
        Assert.Equal(matches, reply.KeyMatches);
    }

    [Fact]
    public void ParseHeader_ExpectedKey_WinsOverTheOpaqueIndex()
    {
        Assert.True(Header("HD kz O0", keysByOpaque: ["a"], expectedKey: "z").KeyMatches);
        Assert.False(Header("HD ka O0", keysByOpaque: ["a"], expectedKey: "z").KeyMatches);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("abc XYZ ~!", "abc XYZ ~!")]
    [InlineData("\u001f\u0020\u007e\u007f", "\\x1f ~\\x7f")]
    [InlineData("\u0000\r\n\u00ff", "\\x00\\x0d\\x0a\\xff")]
    public void Printable_EscapesWhatIsNotPrintableAscii(string input, string expected)
    {
        Assert.Equal(expected, MetaReplyParser.Printable(Encoding.Latin1.GetBytes(input)));
    }

    [Theory]
    [InlineData(119, false)]
    [InlineData(120, false)]
    [InlineData(121, true)]
    [InlineData(500, true)]
    public void Printable_LongInput_CappedAt120WithAnEllipsis(int length, bool capped)
    {
        var text = MetaReplyParser.Printable(Encoding.Latin1.GetBytes(new string('a', length)));
        Assert.Equal(capped ? new string('a', 120) + "..." : new string('a', length), text);
    }
}

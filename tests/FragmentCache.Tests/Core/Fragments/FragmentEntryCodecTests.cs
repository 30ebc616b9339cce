namespace FragmentCache.Tests.Core;

public sealed class FragmentEntryCodecTests
{
    private static readonly FragmentEntry Sample = new(
        "7:sidebar1:x",
        FragmentContentKind.Utf8Text,
        1_767_225_600_000,
        [new TagGeneration("posts", 42), new TagGeneration("清", ulong.MaxValue)],
        "<p>hi</p>"u8.ToArray());

    [Fact]
    public void Encode_ThenDecode_RoundTrips()
    {
        Assert.True(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(Sample), out var entry, out var error));
        Assert.Null(error);
        Assert.Equal(Sample.Canonical, entry!.Canonical);
        Assert.Equal(Sample.Kind, entry.Kind);
        Assert.Equal(Sample.CreatedUnixMilliseconds, entry.CreatedUnixMilliseconds);
        Assert.Equal(Sample.Tags, entry.Tags);
        Assert.Equal(Sample.Content.ToArray(), entry.Content.ToArray());
    }

    [Fact]
    public void TryDecode_ExpectedCanonicalMatches_SharesTheCallersString()
    {
        var expected = new string(Sample.Canonical.ToCharArray());

        Assert.True(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(Sample), out var entry, out _, expected));
        Assert.Same(expected, entry!.Canonical);
    }

    [Theory]
    [InlineData("7:sidebar1:y")]
    [InlineData("7:sidebar1:")]
    [InlineData("7:sidebar1:xx")]
    [InlineData("7:sidebar1:\u00e9")]
    [InlineData("")]
    public void TryDecode_ExpectedCanonicalDiffers_DecodesTheStoredOne(string expected)
    {
        Assert.True(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(Sample), out var entry, out _, expected));
        Assert.Equal(Sample.Canonical, entry!.Canonical);
    }

    [Theory]
    [InlineData("1:\u6e05")]
    [InlineData("4:\u00e9t\u00e9")]
    [InlineData("2:\uD83D\uDE00")]
    public void TryDecode_NonAsciiCanonical_MatchesOnlyItself(string canonical)
    {
        var bytes = FragmentEntryCodec.Encode(Sample with { Canonical = canonical });

        Assert.True(FragmentEntryCodec.TryDecode(bytes, out var same, out _, new string(canonical.ToCharArray())));
        Assert.Equal(canonical, same!.Canonical);
        Assert.True(FragmentEntryCodec.TryDecode(bytes, out var other, out _, canonical + "x"));
        Assert.Equal(canonical, other!.Canonical);
        var longText = new string('\u6e05', 400);
        Assert.True(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(Sample with { Canonical = longText }), out var large, out _, new string(longText.ToCharArray())));
        Assert.Equal(longText, large!.Canonical);
    }

    [Fact]
    public void Encode_FirstByte_IsFormatVersion()
        => Assert.Equal(FragmentEntryCodec.FormatVersion, FragmentEntryCodec.Encode(Sample)[0]);

    [Fact]
    public void TryDecode_EveryTruncation_FailsWithoutThrowing()
    {
        var bytes = FragmentEntryCodec.Encode(Sample);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(FragmentEntryCodec.TryDecode(bytes.AsMemory(0, length), out var entry, out var error), $"length {length}");
            Assert.Null(entry);
            Assert.NotNull(error);
        }
    }

    [Fact]
    public void TryDecode_UnknownVersion_Fails()
    {
        var bytes = FragmentEntryCodec.Encode(Sample);
        bytes[0] = 2;
        Assert.False(FragmentEntryCodec.TryDecode(bytes, out _, out var error));
        Assert.Contains("version", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_TrailingBytes_Fails()
    {
        var bytes = FragmentEntryCodec.Encode(Sample).Concat(new byte[] { 0 }).ToArray();
        Assert.False(FragmentEntryCodec.TryDecode(bytes, out _, out _));
    }

    [Fact]
    public void TryDecode_RandomGarbage_NeverThrows()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 64)];
            random.NextBytes(garbage);
            if (garbage.Length > 0 && i % 2 == 0)
            {
                garbage[0] = FragmentEntryCodec.FormatVersion;
            }

            var ok = FragmentEntryCodec.TryDecode(garbage, out var entry, out var error);
            Assert.Equal(ok, entry is not null);
            Assert.Equal(ok, error is null);
        }
    }

    [Fact]
    public void TryDecode_FlippedBytes_NeverThrows()
    {
        var bytes = FragmentEntryCodec.Encode(Sample);
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0xFF;
            _ = FragmentEntryCodec.TryDecode(copy, out _, out _);
        }
    }
}

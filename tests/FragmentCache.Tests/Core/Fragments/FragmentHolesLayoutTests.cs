using System.Buffers.Binary;
using System.Text;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Content kind 2: a caller's hole table stored beside the markup (<c>uint32 table length, table, markup</c>), through the
/// entry codec and back; a table length the content cannot hold is a decode error, never a short read.
/// </summary>
public sealed class FragmentHolesLayoutTests
{
    private static readonly byte[] Table = [1, 0, 1, 0, 0, 0, 3, 0, 0, 2, (byte)'U', (byte)'M', 0];

    [Fact]
    public void Encode_TextWithHoles_TableInFrontOfTheMarkup()
    {
        var render = FragmentRender.Stored("<p>ü</p>", Table);

        var content = FragmentHolesLayout.Encode(render).ToArray();

        Assert.Equal(FragmentContentKind.Utf8TextWithHoles, FragmentHolesLayout.KindOf(render));
        Assert.Equal((uint)Table.Length, BinaryPrimitives.ReadUInt32BigEndian(content));
        Assert.Equal(Table, content[4..(4 + Table.Length)]);
        Assert.Equal(Encoding.UTF8.GetBytes("<p>ü</p>"), content[(4 + Table.Length)..]);
    }

    [Fact]
    public void Encode_BytesWithHoles_SameLayoutAsText()
    {
        var text = FragmentHolesLayout.Encode(FragmentRender.Stored("<p>ü</p>", Table)).ToArray();
        var bytes = FragmentHolesLayout.Encode(FragmentRender.Stored(Encoding.UTF8.GetBytes("<p>ü</p>"), Table)).ToArray();

        Assert.Equal(text, bytes);
    }

    [Fact]
    public void Encode_EmptyTable_StoresPlainTextByteForByte()
    {
        var render = FragmentRender.Stored("<p>ü</p>", ReadOnlyMemory<byte>.Empty);

        Assert.Equal(FragmentContentKind.Utf8Text, FragmentHolesLayout.KindOf(render));
        Assert.Equal(FragmentHolesLayout.Encode(FragmentRender.Stored("<p>ü</p>")).ToArray(), FragmentHolesLayout.Encode(render).ToArray());
    }

    [Fact]
    public void Codec_KindTwo_RoundTripsMarkupAndTable()
    {
        var content = FragmentHolesLayout.Encode(FragmentRender.Stored("<p>ü</p>", Table));
        var entry = new FragmentEntry("4:card", FragmentContentKind.Utf8TextWithHoles, 1_767_225_600_000, [new TagGeneration("posts", 7)], content);

        Assert.True(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(entry), out var decoded, out var error));

        Assert.Null(error);
        Assert.Equal(FragmentContentKind.Utf8TextWithHoles, decoded!.Kind);
        var markup = FragmentHolesLayout.Split(decoded.Kind, decoded.Content, out var holes);
        Assert.Equal(Table, holes.ToArray());
        Assert.Equal("<p>ü</p>", Encoding.UTF8.GetString(markup.Span));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 5, 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1 })]
    public void Codec_KindTwoTableLongerThanTheContent_IsADecodeError(byte[] content)
    {
        var entry = new FragmentEntry("4:card", FragmentContentKind.Utf8TextWithHoles, 1_767_225_600_000, [], content);

        Assert.False(FragmentEntryCodec.TryDecode(FragmentEntryCodec.Encode(entry), out var decoded, out var error));

        Assert.Null(decoded);
        Assert.Equal("malformed hole table", error);
    }

    [Fact]
    public void Codec_KindTwoTruncatedAnywhere_NeverThrows()
    {
        var content = FragmentHolesLayout.Encode(FragmentRender.Stored("<p>ü</p>", Table));
        var bytes = FragmentEntryCodec.Encode(new FragmentEntry("4:card", FragmentContentKind.Utf8TextWithHoles, 1, [], content));

        for (var length = 0; length < bytes.Length; length++)
        {
            if (FragmentEntryCodec.TryDecode(bytes.AsMemory(0, length), out var entry, out _))
            {
                // A cut inside the markup still decodes (the markup has no length of its own); the table never overruns.
                FragmentHolesLayout.Split(entry!.Kind, entry.Content, out var holes);
                Assert.True(holes.Length <= entry.Content.Length - 4);
            }
        }
    }

    [Fact]
    public void Split_OtherKinds_HaveNoTable()
    {
        var content = Encoding.UTF8.GetBytes("\0\0\0\u0001<p>");

        Assert.Equal(content, FragmentHolesLayout.Split(FragmentContentKind.Utf8Text, content, out var holes).ToArray());
        Assert.True(holes.IsEmpty);
        Assert.Equal(content, FragmentHolesLayout.Split(FragmentContentKind.Bytes, content, out holes).ToArray());
        Assert.True(holes.IsEmpty);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FragmentCache.Memcached;

namespace FragmentCache.Tests.Memcached;

public class MemcachedValueCodecTests
{
    private static readonly SystemTextJsonMemcachedSerializer Json = new();

    public sealed record Page(string Title, int Views, string[] Tags);

    [Fact]
    public void Encode_ByteArray_StoresRawWithValueBit()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(new byte[] { 0, 1, 255 }, Json, 0, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatRaw, flags);
        Assert.Equal(new byte[] { 0, 1, 255 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_ReadOnlyMemory_StoresRaw()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(new ReadOnlyMemory<byte>([1, 2, 3, 4], 1, 2), Json, 0, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatRaw, flags);
        Assert.Equal(new byte[] { 2, 3 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_String_StoresUtf8()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode("héllo", Json, 0, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatString, flags);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_StringAsObject_StoresUtf8()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode<object>("text", Json, 0, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatString, flags);
    }

    [Fact]
    public void Encode_Object_StoresWebJson()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(new Page("<Home>", 3, ["a"]), Json, 0, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatSerialized, flags);
        Assert.Equal("""{"title":"\u003CHome\u003E","views":3,"tags":["a"]}""", Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_Null_Throws()
        => Assert.Throws<ArgumentNullException>(() => MemcachedValueCodec.Encode<string?>(null, Json, 0, new ArrayBufferWriter<byte>()));

    [Theory]
    [InlineData(0, 0u)]
    [InlineData(-1, 0u)]
    [InlineData(1, MemcachedFlags.Brotli)]
    [InlineData(5000, MemcachedFlags.Brotli)]
    [InlineData(5001, 0u)]
    public void Encode_CompressibleText_CompressesAtThreshold(int threshold, uint expectedCompression)
    {
        string html = string.Concat(Enumerable.Repeat("<li class=\"item\">Hello, world</li>\n", 5000 / 35 + 1))[..5000];
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(html, Json, threshold, writer);

        Assert.Equal(expectedCompression, flags & (MemcachedFlags.Brotli | MemcachedFlags.Deflate));
        Assert.Equal(MemcachedFlags.FormatString, flags & MemcachedFlags.FormatMask);
        if (expectedCompression != 0)
        {
            Assert.True(writer.WrittenCount < 500, $"compressed to {writer.WrittenCount} bytes");
        }

        Assert.Equal(html, MemcachedValueCodec.Decode<string>(writer.WrittenSpan, flags, Json));
    }

    [Fact]
    public void Encode_IncompressibleData_StaysRaw()
    {
        byte[] random = new byte[10_000];
        new Random(42).NextBytes(random);
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(random, Json, 1, writer);

        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatRaw, flags);
        Assert.Equal(random, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_OneByteAboveThreshold_StaysRaw()
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(new byte[] { 7 }, Json, 1, writer);
        Assert.Equal(MemcachedFlags.Value | MemcachedFlags.FormatRaw, flags);
        Assert.Equal(new byte[] { 7 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Encode_WriterAlreadyHoldsData_KeepsItAndAppendsCompressedValue()
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write("HEADER"u8);
        string text = new('x', 4096);
        uint flags = MemcachedValueCodec.Encode(text, Json, 100, writer);

        Assert.NotEqual(0u, flags & (MemcachedFlags.Brotli | MemcachedFlags.Deflate));
        Assert.True(writer.WrittenSpan.StartsWith("HEADER"u8));
        Assert.Equal(text, MemcachedValueCodec.Decode<string>(writer.WrittenSpan[6..], flags, Json));
    }

    [Fact]
    public void Encode_ShortSkewedValues_KeepsSmallerCompressionAndRoundTrips()
    {
        // On short, skewed data Deflate sometimes beats Brotli; make sure both winners are exercised.
        var random = new Random(1);
        var winners = new HashSet<uint>();
        for (int i = 0; i < 200; i++)
        {
            char[] chars = new char[32 + (i % 70)];
            for (int c = 0; c < chars.Length; c++)
            {
                chars[c] = random.Next(8) == 0 ? 'b' : 'a';
            }

            string text = new(chars);
            (byte[] data, uint flags) = EncodeToArray(text, threshold: 1);
            uint compression = flags & (MemcachedFlags.Brotli | MemcachedFlags.Deflate);
            winners.Add(compression);
            Assert.True(compression == 0 || data.Length < chars.Length);
            Assert.Equal(text, MemcachedValueCodec.Decode<string>(data, flags, Json));
        }

        Assert.Contains(MemcachedFlags.Brotli, winners);
        Assert.Contains(MemcachedFlags.Deflate, winners);
    }

    [Fact]
    public void Decode_DeflateCompressedValue_RoundTrips()
    {
        // Brotli usually wins, so build a Deflate item by hand as another version of us might have.
        byte[] data = DeflateItem(Encoding.UTF8.GetBytes(new string('a', 3000)));
        uint flags = MemcachedFlags.Value | MemcachedFlags.FormatString | MemcachedFlags.Deflate;
        Assert.Equal(new string('a', 3000), MemcachedValueCodec.Decode<string>(data, flags, Json));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void RoundTrip_AllValueTypes_ReturnsEqualValues(int threshold)
    {
        var page = new Page("Home", 42, ["x", "y"]);
        Assert.Equal(page.Title, RoundTrip(page, threshold)!.Title);
        Assert.Equal(page.Tags, RoundTrip(page, threshold)!.Tags);
        Assert.Equal(42, RoundTrip(42, threshold));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), RoundTrip(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), threshold));
        Assert.Equal(new[] { 1, 2, 3 }, RoundTrip(new List<int> { 1, 2, 3 }, threshold));
        Assert.Equal("ключ ✓ \r\n\0", RoundTrip("ключ ✓ \r\n\0", threshold));
        Assert.Equal(string.Empty, RoundTrip(string.Empty, threshold));
        Assert.Equal(new byte[] { 0, 13, 10 }, RoundTrip(new byte[] { 0, 13, 10 }, threshold));
        Assert.Empty(RoundTrip(Array.Empty<byte>(), threshold)!);
        Assert.Equal(new byte[] { 9, 8 }, RoundTrip(new ReadOnlyMemory<byte>([9, 8]), threshold).ToArray());
    }

    [Fact]
    public void RoundTrip_ValuesDeclaredAsObject_ComeBackAsStored()
    {
        Assert.Equal("text", RoundTrip<object>("text", 0));
        Assert.Equal(new byte[] { 1, 2 }, RoundTrip<object>(new byte[] { 1, 2 }, 0));
        Assert.Equal(new byte[] { 3 }, RoundTrip<object>(new ReadOnlyMemory<byte>([3]), 0));
        Assert.Equal(7, Assert.IsType<JsonElement>(RoundTrip<object>(7, 0)).GetInt32());
    }

    [Fact]
    public void Decode_BytesStoredReadAsString_DecodesUtf8()
    {
        (byte[] data, uint flags) = EncodeToArray(Encoding.UTF8.GetBytes("hé"));
        Assert.Equal("hé", MemcachedValueCodec.Decode<string>(data, flags, Json));
    }

    [Fact]
    public void Decode_StringStoredReadAsBytes_ReturnsUtf8()
    {
        (byte[] data, uint flags) = EncodeToArray("hé");
        Assert.Equal(Encoding.UTF8.GetBytes("hé"), MemcachedValueCodec.Decode<byte[]>(data, flags, Json));
        Assert.Equal(Encoding.UTF8.GetBytes("hé"), MemcachedValueCodec.Decode<ReadOnlyMemory<byte>>(data, flags, Json).ToArray());
    }

    [Fact]
    public void Decode_ObjectReadAsBytes_ReturnsSerializedBytes()
    {
        (byte[] data, uint flags) = EncodeToArray(new Page("t", 1, []));
        Assert.Equal(data, MemcachedValueCodec.Decode<byte[]>(data, flags, Json));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(0x0000_0200u)]
    [InlineData(0x7FFF_FFFFu)]
    public void Decode_ForeignValueWithoutValueBit_ReadsRawBytes(uint foreignFlags)
    {
        byte[] data = "plain"u8.ToArray();
        Assert.Equal(data, MemcachedValueCodec.Decode<byte[]>(data, foreignFlags, Json));
        Assert.Equal("plain", MemcachedValueCodec.Decode<string>(data, foreignFlags, Json));
    }

    [Fact]
    public void Decode_ForeignJsonWithoutValueBit_CanBeDeserialized()
        => Assert.Equal(5, MemcachedValueCodec.Decode<Page>("""{"views":5}"""u8, 0, Json)!.Views);

    [Theory]
    [InlineData(0, 0u, true)]
    [InlineData(0, MemcachedFlags.Value, false)]
    [InlineData(1, 0u, false)]
    [InlineData(1, MemcachedFlags.Value, false)]
    public void IsPlaceholder_LengthAndFlags_DetectsVivifyStub(int length, uint flags, bool expected)
        => Assert.Equal(expected, MemcachedValueCodec.IsPlaceholder(length, flags));

    [Fact]
    public void Decode_Placeholder_Throws()
        => Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<byte[]>([], 0, Json));

    [Fact]
    public void Decode_EmptyRealValue_ReturnsEmpty()
        => Assert.Equal(string.Empty, MemcachedValueCodec.Decode<string>([], MemcachedFlags.Value | MemcachedFlags.FormatString, Json));

    [Theory]
    [InlineData(MemcachedFlags.Value | 3u)]
    [InlineData(MemcachedFlags.Value | 0xFFu)]
    [InlineData(MemcachedFlags.Value | 0x400u)]
    [InlineData(MemcachedFlags.Value | 0x4000_0000u)]
    [InlineData(MemcachedFlags.Value | MemcachedFlags.Brotli | MemcachedFlags.Deflate)]
    public void Decode_UnknownFlags_Throws(uint flags)
        => Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<byte[]>("x"u8, flags, Json));

    [Theory]
    [InlineData(MemcachedFlags.Brotli)]
    [InlineData(MemcachedFlags.Deflate)]
    public void Decode_CorruptCompressedData_Throws(uint compression)
    {
        byte[] garbage = new byte[64];
        Array.Fill(garbage, (byte)0xFF);
        uint flags = MemcachedFlags.Value | MemcachedFlags.FormatString | compression;
        Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<string>(garbage, flags, Json));
    }

    [Fact]
    public void Decode_TruncatedBrotli_Throws()
    {
        (byte[] data, uint flags) = EncodeToArray(string.Concat(Enumerable.Range(0, 2000).Select(i => i.ToString("D5", null))), threshold: 1);
        Assert.Equal(MemcachedFlags.Brotli, flags & MemcachedFlags.Brotli);
        Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<string>(data.AsSpan(0, data.Length / 2), flags, Json));
    }

    [Fact]
    public void Decode_TruncatedDeflate_Throws()
    {
        byte[] data = DeflateItem(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => i.ToString("D5", null)))));
        uint flags = MemcachedFlags.Value | MemcachedFlags.FormatString | MemcachedFlags.Deflate;
        Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<string>(data.AsSpan(0, data.Length / 2), flags, Json));
    }

    [Fact]
    public void Decode_BrotliWithTrailingGarbage_Throws()
    {
        (byte[] data, uint flags) = EncodeToArray(new string('z', 1000), threshold: 1);
        Assert.Equal(MemcachedFlags.Brotli, flags & MemcachedFlags.Brotli);
        byte[] longer = [.. data, 1, 2, 3];
        Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<string>(longer, flags, Json));
    }

    [Fact]
    public void Decode_LargeCompressedValue_GrowsBufferAndRoundTrips()
    {
        string big = new('q', 2 * 1024 * 1024);
        (byte[] data, uint flags) = EncodeToArray(big, threshold: 1);
        Assert.True(data.Length < 10_000);
        Assert.Equal(big, MemcachedValueCodec.Decode<string>(data, flags, Json));
    }

    [Fact]
    public void Decode_SerializerFails_ThrowsInvalidData()
    {
        uint flags = MemcachedFlags.Value | MemcachedFlags.FormatSerialized;
        var ex = Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<Page>("{not json"u8, flags, Json));
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2999)]
    [InlineData(3001)]
    [InlineData(int.MaxValue)]
    public void Decode_DeflateWithWrongDeclaredLength_Throws(int declared)
    {
        byte[] data = DeflateItem(new byte[3000]);
        BinaryPrimitives.WriteInt32LittleEndian(data, declared);
        uint flags = MemcachedFlags.Value | MemcachedFlags.FormatRaw | MemcachedFlags.Deflate;
        Assert.Throws<InvalidDataException>(() => MemcachedValueCodec.Decode<byte[]>(data, flags, Json));
    }

    [Fact]
    public void Decode_DeflateShorterThanHeader_Throws()
        => Assert.Throws<InvalidDataException>(
            () => MemcachedValueCodec.Decode<byte[]>([1, 2, 3], MemcachedFlags.Value | MemcachedFlags.Deflate, Json));

    // Our Deflate item layout: 4-byte little-endian uncompressed length, then raw Deflate.
    private static byte[] DeflateItem(byte[] original)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, original.Length);
        stream.Write(header);
        using (var deflate = new DeflateStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(original);
        }

        return stream.ToArray();
    }

    private static T? RoundTrip<T>(T value, int threshold)
    {
        (byte[] data, uint flags) = EncodeToArray(value, threshold);
        return MemcachedValueCodec.Decode<T>(data, flags, Json);
    }

    private static (byte[] Data, uint Flags) EncodeToArray<T>(T value, int threshold = 0)
    {
        var writer = new ArrayBufferWriter<byte>();
        uint flags = MemcachedValueCodec.Encode(value, Json, threshold, writer);
        return (writer.WrittenSpan.ToArray(), flags);
    }
}

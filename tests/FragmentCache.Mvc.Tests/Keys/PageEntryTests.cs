using FragmentCache.Mvc.Pages;

namespace FragmentCache.Mvc.Tests.Keys;

public sealed class PageEntryTests
{
    [Fact]
    public void Encode_RoundTrip_KeepsEverything()
    {
        var entry = new PageEntry
        {
            StatusCode = 200,
            StoredAtUnixMs = 123,
            FreshUntilUnixMs = 456,
            Headers = [new("Content-Type", ["text/html"]), new("X-Multi", ["a", "b"])],
            Body = new byte[] { 0, 1, 2, 255 },
        };

        var decoded = PageEntry.TryDecode(entry.Encode());

        Assert.NotNull(decoded);
        Assert.Equal(200, decoded.StatusCode);
        Assert.Equal(123, decoded.StoredAtUnixMs);
        Assert.Equal(456, decoded.FreshUntilUnixMs);
        Assert.Equal(["a", "b"], decoded.Headers[1].Value);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, decoded.Body.ToArray());
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 9 })]
    [InlineData(new byte[] { 1, 200, 0, 0, 0 })]
    public void TryDecode_Garbage_Null(byte[] bytes)
        => Assert.Null(PageEntry.TryDecode(bytes));

    [Fact]
    public void TryDecode_TruncatedBody_Null()
    {
        var bytes = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [], Body = new byte[10] }.Encode();
        Assert.Null(PageEntry.TryDecode(bytes.AsMemory(0, bytes.Length - 1)));
    }

    [Fact]
    public void TryDecode_SliceOfLargerBuffer_ReadsInPlace()
    {
        var encoded = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [], Body = new byte[] { 7, 8 } }.Encode();
        var buffer = new byte[encoded.Length + 10];
        encoded.CopyTo(buffer, 5);

        var decoded = PageEntry.TryDecode(buffer.AsMemory(5, encoded.Length));

        Assert.NotNull(decoded);
        Assert.Equal(new byte[] { 7, 8 }, decoded.Body.ToArray());
    }

    [Fact]
    public void Encode_RoundTrip_LongAndNonAsciiHeadersAndEmptyValueLists()
    {
        var longValue = new string('v', 300) + "\u00e9\u6e05";
        var entry = new PageEntry
        {
            StatusCode = 404,
            StoredAtUnixMs = long.MaxValue,
            FreshUntilUnixMs = 0,
            Headers = [new("Content-Type", ["text/html; charset=utf-8"]), new("X-Long", [longValue]), new("X-None", []), new("Content-Language", ["de", "fr"])],
            Body = new byte[] { 1 },
        };

        var decoded = PageEntry.TryDecode(entry.Encode());

        Assert.NotNull(decoded);
        Assert.Equal(404, decoded.StatusCode);
        Assert.Equal(long.MaxValue, decoded.StoredAtUnixMs);
        Assert.Equal(entry.Headers.Select(h => h.Key), decoded.Headers.Select(h => h.Key));
        Assert.Equal([longValue], decoded.Headers[1].Value);
        Assert.Empty(decoded.Headers[2].Value);
        Assert.Equal(["de", "fr"], decoded.Headers[3].Value);
    }

    [Fact]
    public void TryDecode_EveryTruncation_NullWithoutThrowing()
    {
        var bytes = new PageEntry
        {
            StatusCode = 200,
            StoredAtUnixMs = 1,
            Headers = [new("Content-Type", ["text/html"]), new("X-Long", [new string('x', 200)])],
            Body = new byte[] { 1, 2, 3 },
        }.Encode();

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Null(PageEntry.TryDecode(bytes.AsMemory(0, length)));
        }

        Assert.NotNull(PageEntry.TryDecode(bytes));
    }

    [Fact]
    public void TryDecode_EveryByteCorrupted_NeverThrows()
    {
        var bytes = new PageEntry { StatusCode = 200, StoredAtUnixMs = 1, Headers = [new("Content-Type", ["text/html"])], Body = new byte[] { 1, 2 } }.Encode();
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var value in new byte[] { 0x00, 0x7F, 0x80, 0xFF })
            {
                var copy = (byte[])bytes.Clone();
                copy[i] = value;
                _ = PageEntry.TryDecode(copy);
            }
        }
    }
}

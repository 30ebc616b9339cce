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
}

using FragmentCache.Mvc.Pages;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>A page's decoded headers are shared by the hits that read the same stored header bytes, and only by them.</summary>
public sealed class PageEntryHeadersTests
{
    private static byte[] Encode(string etag, string body) => new PageEntry
    {
        StatusCode = 200,
        StoredAtUnixMs = 1,
        Headers = [new("Content-Type", ["text/html"]), new("ETag", [etag]), new("X-Two", ["a", "b"])],
        Body = System.Text.Encoding.UTF8.GetBytes(body),
    }.Encode();

    [Fact]
    public void TryDecode_SameStoredHeaders_SharesTheDecodedHeadersAndSlicesEachBody()
    {
        var etag = "\"" + Guid.NewGuid().ToString("N") + "\"";
        var first = PageEntry.TryDecode(Encode(etag, "first"))!;
        var second = PageEntry.TryDecode(Encode(etag, "second body"))!;

        Assert.Same(first.Headers, second.Headers);
        Assert.Equal(etag, Assert.Single(second.Headers[1].Value));
        Assert.Equal(["a", "b"], second.Headers[2].Value);
        Assert.Equal("second body", System.Text.Encoding.UTF8.GetString(second.Body.Span));
    }

    [Fact]
    public void TryDecode_OtherStoredHeaders_DecodesThemAndNeverServesAnotherPagesHeaders()
    {
        var one = "\"" + Guid.NewGuid().ToString("N") + "\"";
        var two = "\"" + Guid.NewGuid().ToString("N") + "\"";
        var first = PageEntry.TryDecode(Encode(one, "x"))!;
        var second = PageEntry.TryDecode(Encode(two, "x"))!;
        var again = PageEntry.TryDecode(Encode(one, "x"))!;

        Assert.NotSame(first.Headers, second.Headers);
        Assert.Equal(two, Assert.Single(second.Headers[1].Value));
        Assert.Equal(one, Assert.Single(again.Headers[1].Value));
    }

    [Fact]
    public void TryDecode_TruncatedHeaderBlock_ReturnsNull()
    {
        var bytes = Encode("\"t\"", "body");
        Assert.Null(PageEntry.TryDecode(bytes.AsMemory(0, 30)));
    }
}

using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Internal;

namespace FragmentCache.Mvc.Tests.Keys;

/// <summary>A fragment hit writes the stored UTF-8 to the page in chunks: no character may be split or lost at a chunk's end.</summary>
public sealed class Utf8HtmlContentTests
{
    [Fact]
    public void WriteTo_MultiByteCharactersAcrossEveryChunkBoundary_WritesTheSameText()
    {
        for (var prefix = 4085; prefix <= 4100; prefix++)
        {
            var text = new string('a', prefix) + "\u00e9\u6e05\uD83D\uDE00<p>\u00e9</p>" + new string('b', 5000) + "\uD83D\uDE00";
            var writer = new StringWriter();

            new Utf8HtmlContent(Encoding.UTF8.GetBytes(text)).WriteTo(writer, HtmlEncoder.Default);

            Assert.Equal(text, writer.ToString());
        }
    }

    [Fact]
    public void WriteTo_InvalidUtf8_ReplacesAsTheDecoderDoes()
    {
        var bytes = new byte[] { 0x3C, 0xC3, 0x28, 0xFF, 0xE6, 0xB8, 0x3E, 0xF0, 0x9F, 0x98 };
        var writer = new StringWriter();

        new Utf8HtmlContent(bytes).WriteTo(writer, HtmlEncoder.Default);

        Assert.Equal(Encoding.UTF8.GetString(bytes), writer.ToString());
    }

    [Fact]
    public void WriteTo_Empty_WritesNothing()
    {
        var writer = new StringWriter();
        new Utf8HtmlContent(ReadOnlyMemory<byte>.Empty).WriteTo(writer, HtmlEncoder.Default);
        Assert.Equal("", writer.ToString());
    }
}

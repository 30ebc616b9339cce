using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Already-encoded HTML held as the cache's UTF-8 bytes. Writing transcodes it in pooled chunks straight into the
/// page's writer, so a fragment hit never materializes the HTML as a string. The bytes are the cache's immutable
/// value (shared by every request that got the same hit); this type never changes them.
/// </summary>
internal sealed class Utf8HtmlContent(ReadOnlyMemory<byte> utf8) : IHtmlContent
{
    private const int ChunkChars = 4096;

    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var bytes = utf8.Span;
        if (bytes.IsEmpty)
        {
            return;
        }

        var decoder = Encoding.UTF8.GetDecoder();
        var chars = ArrayPool<char>.Shared.Rent(ChunkChars);
        try
        {
            var completed = false;
            while (!completed)
            {
                decoder.Convert(bytes, chars, flush: true, out var bytesUsed, out var charsUsed, out completed);
                writer.Write(chars.AsSpan(0, charsUsed));
                bytes = bytes[bytesUsed..];
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The HTML as a string (debugging, tests); the write path never calls this.</summary>
    public override string ToString() => Encoding.UTF8.GetString(utf8.Span);
}

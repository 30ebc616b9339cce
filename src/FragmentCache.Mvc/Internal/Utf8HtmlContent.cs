using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;

namespace FragmentCache.Mvc.Internal;

/// <summary>
/// Already-encoded HTML held as the cache's UTF-8 bytes. Writing transcodes it in pooled chunks straight into the
/// page's writer, so a fragment hit never materializes the HTML as a string. The bytes are the cache's immutable
/// value (shared by every request that got the same hit); this type never changes them.
/// </summary>
internal sealed class Utf8HtmlContent(ReadOnlyMemory<byte> utf8) : IHtmlContent
{
    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Utf8HtmlWriter.Write(utf8.Span, writer);
    }

    /// <summary>The HTML as a string (debugging, tests); the write path never calls this.</summary>
    public override string ToString() => Encoding.UTF8.GetString(utf8.Span);
}

/// <summary>Writes stored UTF-8 HTML to a text writer, transcoding in pooled chunks (no string of the whole).</summary>
internal static class Utf8HtmlWriter
{
    private const int ChunkChars = 4096;

    public static void Write(ReadOnlySpan<byte> bytes, TextWriter writer)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var chars = ArrayPool<char>.Shared.Rent(Math.Min(ChunkChars, bytes.Length));
        try
        {
            // The bytes are a whole fragment or segment, so every call is a final block: a chunk that fills up stops before
            // a character it cannot hold, and the next one starts there. No decoder object per write.
            while (!bytes.IsEmpty)
            {
                Utf8.ToUtf16(bytes, chars, out var bytesRead, out var charsWritten, replaceInvalidSequences: true, isFinalBlock: true);
                writer.Write(chars.AsSpan(0, charsWritten));
                bytes = bytes[bytesRead..];
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using FragmentCache.Mvc.Internal;
using Microsoft.AspNetCore.Html;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// The writer a fragment's content is rendered into: it keeps the markup, and each <see cref="HoleContent"/> written to it
/// as a hole at that point (its HTML is not part of the markup). <see cref="ToMarkup"/> gives both.
/// </summary>
internal sealed class HoleRecordingWriter() : StringWriter(CultureInfo.InvariantCulture)
{
    private List<(int CharOffset, HoleContent Hole)>? _holes;

    /// <summary>Records a hole at the current end of the markup.</summary>
    public void Record(HoleContent hole) => (_holes ??= []).Add((GetStringBuilder().Length, hole));

    /// <summary>The markup written, and the holes with their UTF-8 byte offsets in it.</summary>
    public HoledMarkup ToMarkup()
    {
        var markup = ToString();
        if (_holes is null)
        {
            return new HoledMarkup(markup, [], []);
        }

        var placed = new PlacedHole[_holes.Count];
        var contents = new HoleContent[_holes.Count];
        var bytes = 0;
        var chars = 0;
        for (var i = 0; i < _holes.Count; i++)
        {
            var (charOffset, hole) = _holes[i];
            bytes += Encoding.UTF8.GetByteCount(markup.AsSpan(chars, charOffset - chars));
            chars = charOffset;
            placed[i] = new PlacedHole(bytes, hole.Hole);
            contents[i] = hole;
        }

        return new HoledMarkup(markup, placed, contents);
    }
}

/// <summary>A fragment's markup with the holes recorded in it, and this request's HTML for each hole.</summary>
/// <param name="Markup">The markup, without the holes' HTML.</param>
/// <param name="Holes">The holes, at UTF-8 byte offsets of <paramref name="Markup"/>.</param>
/// <param name="Contents">This request's content for each hole, in the same order.</param>
internal sealed record HoledMarkup(string Markup, PlacedHole[] Holes, HoleContent[] Contents);

/// <summary>
/// Stored markup with this request's holes filled in: the markup is written segment by segment from the stored UTF-8
/// bytes, each hole's content between them (so a fragment or page around this one records them as holes in turn).
/// </summary>
internal sealed class HoledHtmlContent(ReadOnlyMemory<byte> markup, PlacedHole[] holes, IHtmlContent[] contents) : IHtmlContent
{
    /// <inheritdoc/>
    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        var at = 0;
        for (var i = 0; i < holes.Length; i++)
        {
            Utf8HtmlWriter.Write(markup.Span[at..holes[i].Offset], writer);
            contents[i].WriteTo(writer, encoder);
            at = holes[i].Offset;
        }

        Utf8HtmlWriter.Write(markup.Span[at..], writer);
    }

    /// <summary>The HTML as a string (debugging, tests); the write path never calls this.</summary>
    public override string ToString()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}

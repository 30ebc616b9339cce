using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace FragmentCache.Mvc.Holes;

/// <summary>
/// A hole as it goes out in this request: the hole and what its component rendered for this request. Written into a
/// fragment being recorded (<see cref="HoleRecordingWriter"/>) or a page being captured (<see cref="IHoleSink"/>), it is
/// recorded as a hole at that point and its HTML is kept out of the stored markup; anywhere else it writes its HTML.
/// </summary>
internal sealed class HoleContent(Hole hole, IHtmlContent rendered, IHoleSink? sink) : IHtmlContent
{
    /// <summary>The hole.</summary>
    public Hole Hole => hole;

    /// <summary>What the hole's component rendered for this request.</summary>
    public IHtmlContent Rendered => rendered;

    /// <inheritdoc/>
    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        if (writer is HoleRecordingWriter recorder)
        {
            recorder.Record(this);
            return;
        }

        if (sink is not null && sink.TryWrite(this, writer, encoder))
        {
            return;
        }

        rendered.WriteTo(writer, encoder);
    }
}

/// <summary>
/// Something capturing a response that keeps holes out of band (the page cache's body capture, set as a request
/// feature while it captures).
/// </summary>
internal interface IHoleSink
{
    /// <summary>
    /// Writes <paramref name="hole"/>'s HTML to <paramref name="writer"/> and records the hole at that point of the captured
    /// body, its HTML excluded from what is stored. False when it cannot (the response already streams): the caller writes
    /// the HTML as usual.
    /// </summary>
    bool TryWrite(HoleContent hole, TextWriter writer, HtmlEncoder encoder);
}

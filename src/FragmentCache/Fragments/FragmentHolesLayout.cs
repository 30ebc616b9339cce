using System.Buffers.Binary;
using System.Text;

namespace FragmentCache;

/// <summary>
/// How a fragment with holes is kept: <c>uint32 table length (big-endian), the hole table, the markup</c>, under its own
/// content kind. The table is the caller's (the core never reads it); it sits beside the markup, never inside it, so no
/// markup can ever be taken for a hole.
/// </summary>
internal static class FragmentHolesLayout
{
    /// <summary>The content kind a render is stored under.</summary>
    public static FragmentContentKind KindOf(FragmentRender render)
        => !render.Holes.IsEmpty ? FragmentContentKind.Utf8TextWithHoles
            : render.Text is null ? FragmentContentKind.Bytes : FragmentContentKind.Utf8Text;

    /// <summary>The bytes a render is stored as (the markup encoded once for a string; the table in front when it has holes).</summary>
    public static ReadOnlyMemory<byte> Encode(FragmentRender render)
    {
        if (render.Holes.IsEmpty)
        {
            return render.Text is { } text ? Encoding.UTF8.GetBytes(text) : render.Utf8;
        }

        var markupLength = render.Text is { } t ? Encoding.UTF8.GetByteCount(t) : render.Utf8.Length;
        var buffer = new byte[4 + render.Holes.Length + markupLength];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)render.Holes.Length);
        render.Holes.Span.CopyTo(buffer.AsSpan(4));
        if (render.Text is { } markup)
        {
            Encoding.UTF8.GetBytes(markup, buffer.AsSpan(4 + render.Holes.Length));
        }
        else
        {
            render.Utf8.Span.CopyTo(buffer.AsSpan(4 + render.Holes.Length));
        }

        return buffer;
    }

    /// <summary>Whether <paramref name="content"/> is well formed for <paramref name="kind"/>.</summary>
    public static bool IsValid(FragmentContentKind kind, ReadOnlySpan<byte> content)
        => kind != FragmentContentKind.Utf8TextWithHoles
            || (content.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(content) <= (uint)(content.Length - 4));

    /// <summary>The markup and the hole table of stored content (the table is empty unless the kind has holes).</summary>
    public static ReadOnlyMemory<byte> Split(FragmentContentKind kind, ReadOnlyMemory<byte> content, out ReadOnlyMemory<byte> holes)
    {
        if (kind != FragmentContentKind.Utf8TextWithHoles || content.Length < 4)
        {
            holes = default;
            return content;
        }

        var length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(content.Span), (uint)(content.Length - 4));
        holes = content.Slice(4, length);
        return content[(4 + length)..];
    }
}

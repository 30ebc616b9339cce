using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace FragmentCache;

/// <summary>
/// The fragment entry format, version 1 (all integers big-endian):
/// <code>
/// byte    format version (1)
/// byte    content kind (0 = UTF-8 text, 1 = bytes, 2 = UTF-8 text with a hole table: see FragmentHolesLayout)
/// int64   created, Unix milliseconds
/// uint16  canonical key length, then the canonical key (UTF-8)
/// byte    tag count, then per tag: uint16 length, tag (UTF-8), uint64 generation
/// uint32  content length, then the content; nothing may follow
/// </code>
/// Decoding never throws: garbage, an unknown version or a truncated entry is reported as a reason.
/// </summary>
internal static class FragmentEntryCodec
{
    public const byte FormatVersion = 1;
    public const int MaxTags = byte.MaxValue;

    /// <summary>The longest tag (in UTF-8 bytes) whose decoded name is remembered.</summary>
    private const int MaxRememberedTagLength = 256;

    /// <summary>How many tag names are remembered before the memory starts over.</summary>
    private const int MaxRememberedTags = 4096;

    // Rejects invalid UTF-8 instead of replacing it; thread-safe, so one instance serves every decode.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Tag names, by their characters: the same few tags come back on every hit (a page's path tag), decoded into one
    // string each instead of one per hit. Bounded: past MaxRememberedTags the memory is cleared and fills again.
    private static readonly ConcurrentDictionary<string, string> s_tags = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> s_tagsByChars = s_tags.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int s_tagCount;

    public static byte[] Encode(FragmentEntry entry)
    {
        var key = Encoding.UTF8.GetBytes(entry.Canonical);
        if (key.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The fragment's name and vary values are too long (over 65535 bytes).", nameof(entry));
        }

        if (entry.Tags.Count > MaxTags)
        {
            throw new ArgumentException($"A fragment can carry at most {MaxTags} tags.", nameof(entry));
        }

        var tagBytes = new byte[entry.Tags.Count][];
        var length = 1 + 1 + 8 + 2 + key.Length + 1 + 4 + entry.Content.Length;
        for (var i = 0; i < tagBytes.Length; i++)
        {
            tagBytes[i] = Encoding.UTF8.GetBytes(entry.Tags[i].Tag);
            if (tagBytes[i].Length > ushort.MaxValue)
            {
                throw new ArgumentException("A tag is too long (over 65535 bytes).", nameof(entry));
            }

            length += 2 + tagBytes[i].Length + 8;
        }

        var buffer = new byte[length];
        var span = buffer.AsSpan();
        span[0] = FormatVersion;
        span[1] = (byte)entry.Kind;
        BinaryPrimitives.WriteInt64BigEndian(span[2..], entry.CreatedUnixMilliseconds);
        var at = 10;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)key.Length);
        at += 2;
        key.CopyTo(span[at..]);
        at += key.Length;
        span[at++] = (byte)tagBytes.Length;
        for (var i = 0; i < tagBytes.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)tagBytes[i].Length);
            at += 2;
            tagBytes[i].CopyTo(span[at..]);
            at += tagBytes[i].Length;
            BinaryPrimitives.WriteUInt64BigEndian(span[at..], entry.Tags[i].Generation);
            at += 8;
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)entry.Content.Length);
        at += 4;
        entry.Content.Span.CopyTo(span[at..]);
        return buffer;
    }

    /// <summary>Decodes an entry; never throws.</summary>
    /// <param name="memory">The stored bytes.</param>
    /// <param name="entry">The entry, or null.</param>
    /// <param name="error">Why the bytes are not an entry, or null.</param>
    /// <param name="expectedCanonical">
    /// The canonical key the caller looks for: when the stored key equals it (and is ASCII), the entry shares this
    /// string instead of decoding a copy (a hit then allocates no key).
    /// </param>
    public static bool TryDecode(ReadOnlyMemory<byte> memory, out FragmentEntry? entry, out string? error, string? expectedCanonical = null)
    {
        entry = null;
        var span = memory.Span;
        if (span.Length < 1)
        {
            error = "empty";
            return false;
        }

        if (span[0] != FormatVersion)
        {
            error = "unknown format version " + span[0];
            return false;
        }

        error = "truncated";
        if (span.Length < 12 || span[1] > (byte)FragmentContentKind.Utf8TextWithHoles)
        {
            error = span.Length < 12 ? error : "unknown content kind";
            return false;
        }

        var kind = (FragmentContentKind)span[1];
        var created = BinaryPrimitives.ReadInt64BigEndian(span[2..]);
        var at = 10;
        if (!TryReadString(span, ref at, out var canonical, expectedCanonical) || at >= span.Length)
        {
            return false;
        }

        var tagCount = span[at++];
        var tags = tagCount == 0 ? [] : new TagGeneration[tagCount];
        for (var i = 0; i < tagCount; i++)
        {
            if (!TryReadTag(span, ref at, out var tag) || span.Length - at < 8)
            {
                return false;
            }

            tags[i] = new TagGeneration(tag, BinaryPrimitives.ReadUInt64BigEndian(span[at..]));
            at += 8;
        }

        if (span.Length - at < 4)
        {
            return false;
        }

        var contentLength = BinaryPrimitives.ReadUInt32BigEndian(span[at..]);
        at += 4;
        if (contentLength != (uint)(span.Length - at))
        {
            error = contentLength > (uint)(span.Length - at) ? "truncated" : "trailing bytes";
            return false;
        }

        if (!FragmentHolesLayout.IsValid(kind, span[at..]))
        {
            error = "malformed hole table";
            return false;
        }

        entry = new FragmentEntry(canonical, kind, created, tags, memory[at..]);
        error = null;
        return true;
    }

    private static bool TryReadString(ReadOnlySpan<byte> span, ref int at, out string value, string? expected = null)
    {
        value = "";
        if (span.Length - at < 2)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
        at += 2;
        if (span.Length - at < length)
        {
            return false;
        }

        var bytes = span.Slice(at, length);
        if (expected is not null && Matches(bytes, expected))
        {
            value = expected;
            at += length;
            return true;
        }

        try
        {
            value = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        at += length;
        return true;
    }

    /// <summary>
    /// <see cref="TryReadString"/> for a tag name: the same answer (invalid UTF-8 is rejected), with a name seen before
    /// given as the string it was decoded into then.
    /// </summary>
    private static bool TryReadTag(ReadOnlySpan<byte> span, ref int at, out string tag)
    {
        var length = span.Length - at < 2 ? -1 : BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
        if (length < 0 || length > MaxRememberedTagLength || span.Length - at - 2 < length)
        {
            return TryReadString(span, ref at, out tag);
        }

        tag = "";
        var bytes = span.Slice(at + 2, length);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        // Valid UTF-8 never has fewer bytes than its UTF-16 has characters.
        Span<char> chars = stackalloc char[MaxRememberedTagLength];
        var count = StrictUtf8.GetChars(bytes, chars);
        if (!s_tagsByChars.TryGetValue(chars[..count], out var known))
        {
            known = new string(chars[..count]);
            if (Interlocked.Increment(ref s_tagCount) > MaxRememberedTags)
            {
                s_tags.Clear();
                Volatile.Write(ref s_tagCount, 1);
            }

            known = s_tags.GetOrAdd(known, known);
        }

        tag = known;
        at += 2 + length;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="utf8"/> is exactly <paramref name="text"/>, for ASCII text (keys almost always are). A
    /// non-ASCII key is not compared here: it is decoded as any other, which costs one string and is just as correct.
    /// </summary>
    private static bool Matches(ReadOnlySpan<byte> utf8, string text) =>
        utf8.Length == text.Length && System.Text.Ascii.Equals(utf8, text);
}

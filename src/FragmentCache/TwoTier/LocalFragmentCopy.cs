using System.Text;

namespace FragmentCache;

/// <summary>An in-process copy of a fragment: its content, the tag generations and the invalidation epoch it was taken under.</summary>
internal sealed record LocalFragmentCopy(FragmentContentKind Kind, ReadOnlyMemory<byte> Content, IReadOnlyList<TagGeneration> Tags, ulong Epoch)
{
    /// <summary>The markup: <see cref="Content"/> without its hole table.</summary>
    public ReadOnlyMemory<byte> Markup { get; } = FragmentHolesLayout.Split(Kind, Content, out _);

    /// <summary>The hole table stored beside the markup; empty when the fragment has none.</summary>
    public ReadOnlyMemory<byte> Holes => Kind == FragmentContentKind.Utf8TextWithHoles ? HolesOf(Content) : default;

    /// <summary>
    /// For an outage copy: the store keys (the fragment's, its tag counters') whose servers were down when it was kept.
    /// It is served while one of them still is. Null for a two-tier copy.
    /// </summary>
    public IReadOnlyList<string>? DownKeys { get; init; }

    private string? _text;

    private static ReadOnlyMemory<byte> HolesOf(ReadOnlyMemory<byte> content)
    {
        FragmentHolesLayout.Split(FragmentContentKind.Utf8TextWithHoles, content, out var holes);
        return holes;
    }

    /// <summary>
    /// The UTF-8 text as a string, decoded on first use and then kept with the copy, so a page that writes the
    /// fragment to a text writer (the tag helper) does not transcode it on every hit. Two racing first uses
    /// decode twice and keep either result: equal strings.
    /// </summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Markup.Span);

    private object? _decoded;

    /// <summary>
    /// What <paramref name="decode"/> makes of <see cref="Content"/> (the page cache's entry), decoded on first use
    /// and kept with the copy; null when it cannot be decoded. Every request that hits the copy shares the result,
    /// so it must be treated as immutable.
    /// </summary>
    public T? GetDecoded<T>(Func<ReadOnlyMemory<byte>, T?> decode)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(decode);
        if (Volatile.Read(ref _decoded) is T known)
        {
            return known;
        }

        var decoded = decode(Markup);
        Volatile.Write(ref _decoded, decoded);
        return decoded;
    }
}

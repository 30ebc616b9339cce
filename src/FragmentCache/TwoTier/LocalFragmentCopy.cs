using System.Text;

namespace FragmentCache;

/// <summary>An in-process copy of a fragment: its content, the tag generations and the invalidation epoch it was taken under.</summary>
internal sealed record LocalFragmentCopy(FragmentContentKind Kind, ReadOnlyMemory<byte> Content, IReadOnlyList<TagGeneration> Tags, ulong Epoch)
{
    private string? _text;

    /// <summary>
    /// The UTF-8 text as a string, decoded on first use and then kept with the copy, so a page that writes the
    /// fragment to a text writer (the tag helper) does not transcode it on every hit. Two racing first uses
    /// decode twice and keep either result: equal strings.
    /// </summary>
    public string Text => _text ??= Encoding.UTF8.GetString(Content.Span);

    /// <summary>
    /// What a reader made of <see cref="Content"/> (the page cache's decoded entry), kept with the copy so it is
    /// decoded once. Whoever sets it must treat it as immutable: every request that hits the copy shares it.
    /// </summary>
    public object? Decoded { get; set; }
}

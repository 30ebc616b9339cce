namespace FragmentCache;

/// <summary>One decoded fragment entry: what was rendered, for which key, with which tag generations.</summary>
internal sealed record FragmentEntry(
    string Canonical,
    FragmentContentKind Kind,
    long CreatedUnixMilliseconds,
    IReadOnlyList<TagGeneration> Tags,
    ReadOnlyMemory<byte> Content);

namespace FragmentCache;

/// <summary>An in-process copy of a fragment: its content, the tag generations and the invalidation epoch it was taken under.</summary>
internal sealed record LocalFragmentCopy(FragmentContentKind Kind, ReadOnlyMemory<byte> Content, IReadOnlyList<TagGeneration> Tags, ulong Epoch);

namespace FragmentCache;

/// <summary>One fragment lookup in flight.</summary>
internal sealed record FragmentRequest(
    FragmentKey Key,
    string FullKey,
    FragmentContentKind Kind,
    FragmentCacheEntryOptions Options,
    Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> Render);

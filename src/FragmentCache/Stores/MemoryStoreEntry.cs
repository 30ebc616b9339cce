namespace FragmentCache;

/// <summary>One value held by <see cref="MemoryCacheStore"/>. Immutable: every change replaces it.</summary>
internal sealed record MemoryStoreEntry(
    byte[] Value,
    uint Flags,
    ulong Cas,
    DateTimeOffset? ExpiresAt,
    bool IsStub,
    bool Stale,
    bool WinTokenSent)
{
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } at && at <= now;
}

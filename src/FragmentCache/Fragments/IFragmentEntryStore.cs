namespace FragmentCache;

/// <summary>
/// Fragment entries in the configured store, below <see cref="IFragmentCache"/>: no single-flight, no leases, no render.
/// An entry carries its key's canonical form (checked on read, so a hash collision or a foreign value is a miss) and
/// the generations of its tags (an entry whose tag moved on is a miss). The fragment cache stores through the same
/// format, so an adapter (the <c>IOutputCacheStore</c> one) needs nothing more.
/// </summary>
/// <remarks>
/// A store failure or an unreadable entry is a miss (get) or <see langword="false"/> (set), logged (rate-limited) and
/// counted; it is thrown only when <see cref="FragmentCacheOptions.ThrowOnError"/> is set. Cancellation is always thrown.
/// </remarks>
public interface IFragmentEntryStore
{
    /// <summary>The entry stored under <paramref name="key"/>, if it belongs to that key and its tags are current.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The entry, or <see langword="null"/> on a miss.</returns>
    ValueTask<FragmentStoreEntry?> GetAsync(FragmentKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, carrying the current generations of <paramref name="tags"/> (missing counters are created).</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="content">The content.</param>
    /// <param name="tags">Tags the entry carries; <see langword="null"/> for none.</param>
    /// <param name="timeToLive">How long it lives: <see langword="null"/> = never expires; zero or negative = removed at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the store took it.</returns>
    ValueTask<bool> SetAsync(FragmentKey key, ReadOnlyMemory<byte> content, IReadOnlyList<string>? tags, TimeSpan? timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Invalidates every entry carrying <paramref name="tag"/>, on every node (the same as <see cref="IFragmentCache.InvalidateTagAsync"/>).</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the tag's generation moved on; <see langword="false"/> when the store failed.</returns>
    ValueTask<bool> EvictByTagAsync(string tag, CancellationToken cancellationToken = default);
}

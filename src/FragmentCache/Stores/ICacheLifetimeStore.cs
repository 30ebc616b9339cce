namespace FragmentCache;

/// <summary>
/// Optional capability of a store: lengthen a key's life without ever shortening it. Tag counters use it, so a counter
/// lives at least as long as the entries written against it, whichever process wrote them.
/// </summary>
internal interface ICacheLifetimeStore
{
    /// <summary>
    /// Makes <paramref name="key"/> live at least <paramref name="lifetime"/> from now (<see langword="null"/> = never
    /// expires). A key that already lives longer keeps its expiration; the value is never changed.
    /// </summary>
    /// <returns><see langword="true"/> when the key holds a value (extended or already long-lived enough).</returns>
    ValueTask<bool> ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken = default);
}

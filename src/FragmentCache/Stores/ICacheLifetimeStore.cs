namespace FragmentCache;

/// <summary>
/// Optional capability of a store: lengthen a key's life without ever shortening it. Tag counters use it, so a counter
/// lives at least as long as the entries written against it, whichever process wrote them. On a store without it, tag counters never expire.
/// </summary>
public interface ICacheLifetimeStore
{
    /// <summary>
    /// Makes <paramref name="key"/> live at least <paramref name="lifetime"/> from now (<see langword="null"/> = never
    /// expires). A key that already lives longer keeps its expiration; the value is never changed.
    /// </summary>
    /// <param name="key">The full key.</param>
    /// <param name="lifetime">The least lifetime from now; <see langword="null"/> means "never expires".</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the key holds a value (extended or already long-lived enough).</returns>
    ValueTask<bool> ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken = default);
}

namespace FragmentCache;

/// <content>
/// Background refresh (<see cref="FragmentCacheEntryOptions.BackgroundRefresh"/>): a stale or early-recache copy is
/// served at once and the lease winner re-renders on its own, cancelled only when the cache is disposed.
/// </content>
internal sealed partial class DefaultFragmentCache : IDisposable
{
    private readonly BackgroundRefreshes _background = new();

    /// <summary>Cancels the background refreshes still running (the container disposes the cache at shutdown).</summary>
    public void Dispose() => _background.Stop();

    /// <summary>
    /// Re-renders and stores a fragment whose lease this process won, off the request. A failure is logged and counted by
    /// <see cref="RenderAndStoreAsync"/>, which releases the lease, so the copy stays and a later request retries; it
    /// never reaches anyone.
    /// </summary>
    private void RefreshInBackground(FragmentRequest request, ICacheLeaseStore leases, CacheLease lease, TimeSpan? storeExpiration, Dictionary<string, ulong>? generations)
    {
        if (!_background.TryStart(async stopping => await RenderAndStoreAsync(request, leases, lease, storeExpiration, generations, stopping).ConfigureAwait(false)))
        {
            // Shutting down: give the lease back for whoever runs next.
            _ = ReleaseAsync(request, leases, lease).AsTask();
        }
    }
}

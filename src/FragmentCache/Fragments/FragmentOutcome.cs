namespace FragmentCache;

/// <summary>How <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/> answered.</summary>
public enum FragmentOutcome
{
    /// <summary>Rendered by this call and stored (or rendered without a store to keep it in: a lease wait ran out, the store failed).</summary>
    Miss = 0,

    /// <summary>A current copy from the store, or the render of another call this one joined.</summary>
    Hit = 1,

    /// <summary>The two-tier in-process copy (<see cref="FragmentCacheTwoTierOptions.Enabled"/>): no store round trip.</summary>
    LocalHit = 2,

    /// <summary>A stale copy (past its expiration within the stale-while-revalidate window, or soft-invalidated) served while one request re-renders it.</summary>
    StaleHit = 3,

    /// <summary>Rendered, and not stored because the render said so (<see cref="FragmentRender.NotStored(string, string)"/>), or because the call joined such a render and rendered its own.</summary>
    NotStored = 4,
}

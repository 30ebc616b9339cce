namespace FragmentCache;

/// <summary>What a <see cref="ICacheLeaseStore.GetOrLeaseAsync"/> caller should do.</summary>
public enum CacheLeaseStatus
{
    /// <summary>A fresh value; nothing to rebuild.</summary>
    None = 0,

    /// <summary>This caller holds the lease and should rebuild the value.</summary>
    Won = 1,

    /// <summary>Another caller holds the lease; use the value if one was returned, otherwise wait.</summary>
    HeldByOther = 2,
}

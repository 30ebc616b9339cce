namespace FragmentCache;

/// <summary>A lease won from <see cref="ICacheLeaseStore.GetOrLeaseAsync"/>.</summary>
/// <param name="Token">The compare-and-swap token (memcached CAS) that guards the set.</param>
/// <param name="IsStub">Whether the lease was won on a miss (a value-less stub now holds the key).</param>
public readonly record struct CacheLease(ulong Token, bool IsStub);

namespace FragmentCache;

/// <summary>A store chosen in code (<c>UseDistributedCache</c>, <c>UseStore</c>); the last one registered wins.</summary>
internal sealed record ExplicitStoreRegistration(Func<IServiceProvider, ICacheStore> Factory);

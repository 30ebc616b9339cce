namespace FragmentCache.Tests.Infrastructure;

/// <summary>Test classes marked <c>[Collection("memcached")]</c> share one <see cref="MemcachedFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MemcachedCollection : ICollectionFixture<MemcachedFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "memcached";
}

/// <summary>Test classes marked <c>[Collection("memcached-cluster")]</c> share one <see cref="MemcachedClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class MemcachedClusterCollection : ICollectionFixture<MemcachedClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "memcached-cluster";
}

using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>The IDistributedCache adapter over a real redis-server started by the fixture.</summary>
public sealed class DistributedCacheStoreRedisContractTests(RedisServerFixture redis) : CacheStoreContractTests, IClassFixture<RedisServerFixture>
{
    private RedisCache? _redis;

    protected override bool SupportsClear => false;

    protected override ICacheStore CreateStore()
    {
        _redis = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.Configuration }));
        return new DistributedCacheStore(_redis);
    }

    // Redis expires keys by its own clock: real time has to pass.
    protected override async ValueTask AdvanceTimeAsync(TimeSpan by) => await Task.Delay(by);
}

using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>The IDistributedCache adapter over MemoryDistributedCache.</summary>
public sealed class DistributedCacheStoreMemoryContractTests : CacheStoreContractTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    protected override TimeProvider Time => _time;

    protected override bool SupportsClear => false;

    protected override ICacheStore CreateStore()
        => new DistributedCacheStore(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions { Clock = new FakeTimeSystemClock(_time) })));

    protected override ValueTask AdvanceTimeAsync(TimeSpan by)
    {
        _time.Advance(by);
        return ValueTask.CompletedTask;
    }
}

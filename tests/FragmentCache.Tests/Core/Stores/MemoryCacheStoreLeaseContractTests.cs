using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

public sealed class MemoryCacheStoreLeaseContractTests : CacheLeaseStoreContractTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    protected override ICacheStore CreateStore() => new MemoryCacheStore(_time);

    protected override ValueTask AdvanceTimeAsync(TimeSpan by)
    {
        _time.Advance(by);
        return ValueTask.CompletedTask;
    }
}

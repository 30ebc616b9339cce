using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

public sealed class MemoryCacheStoreContractTests : CacheStoreContractTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    protected override TimeProvider Time => _time;

    protected override ICacheStore CreateStore() => new MemoryCacheStore(_time);

    protected override ValueTask AdvanceTimeAsync(TimeSpan by)
    {
        _time.Advance(by);
        return ValueTask.CompletedTask;
    }
}

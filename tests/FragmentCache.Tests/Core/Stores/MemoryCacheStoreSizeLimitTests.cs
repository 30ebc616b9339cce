using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>The in-memory store holds at most its size limit in bytes, dropping the least recently used entries first.</summary>
public sealed class MemoryCacheStoreSizeLimitTests : IDisposable
{
    private const long Limit = 20_000;
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _store;

    public MemoryCacheStoreSizeLimitTests() => _store = new MemoryCacheStore(_time, Limit);

    public void Dispose() => _store.Dispose();

    private static CacheItem Value(int bytes) => new(new byte[bytes], CacheItemFlags.Value);

    private async Task FillAsync(string prefix, int count, int bytes = 1000)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await _store.SetAsync(prefix + i, Value(bytes), null));
            Assert.InRange(_store.Size, 1, Limit);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task SetAsync_PastTheLimit_StaysUnderItKeepsTheNewestAndDropsTheOldest()
    {
        await FillAsync("k", 100);

        Assert.InRange(_store.Size, Limit / 2, Limit);
        Assert.InRange(_store.Count, 10, 20);
        Assert.NotNull(await _store.GetAsync("k99"));
        Assert.NotNull(await _store.GetAsync("k98"));
        Assert.Null(await _store.GetAsync("k0"));
        Assert.Null(await _store.GetAsync("k50"));
    }

    [Fact]
    public async Task SetAsync_PastTheLimit_RecentlyReadEntryOutlivesUnreadOlderOnes()
    {
        await FillAsync("k", 15);
        for (var round = 0; round < 30; round++)
        {
            Assert.NotNull(await _store.GetAsync("k0"));
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(await _store.SetAsync("new" + round, Value(1000), null));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.NotNull(await _store.GetAsync("k0"));
        Assert.Null(await _store.GetAsync("k1"));
    }

    [Fact]
    public async Task IncrementAsync_CounterUnderPressure_OutlivesEntries()
    {
        Assert.Equal(7UL, await _store.IncrementAsync("counter", 0, 7, null));
        _time.Advance(TimeSpan.FromSeconds(1));
        await FillAsync("k", 100);

        Assert.Equal(8UL, await _store.IncrementAsync("counter", 1, null, null));
    }

    [Fact]
    public async Task SetAsync_LargerThanTheLimit_IsNotStoredAndRemovesTheOldValue()
    {
        Assert.True(await _store.SetAsync("big", Value(10), null));
        Assert.False(await _store.SetAsync("big", Value((int)Limit + 1), null));
        Assert.Null(await _store.GetAsync("big"));
        Assert.False(await _store.AddAsync("big", Value((int)Limit), null));
        Assert.Null(await _store.GetAsync("big"));
    }

    [Fact]
    public async Task SetAsync_FewLargeEntries_TheNewOneAlwaysFits()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await _store.SetAsync("large" + i, Value(8_000), null));
            Assert.NotNull(await _store.GetAsync("large" + i));
            Assert.InRange(_store.Size, 8_000, Limit);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task SetAsync_ValueNearTheLimitAmongManySmallOnes_IsStored()
    {
        await FillAsync("small", 150, bytes: 40);
        Assert.True(await _store.SetAsync("near", Value((int)(Limit * 9 / 10)), null));
        Assert.NotNull(await _store.GetAsync("near"));
        Assert.InRange(_store.Size, Limit * 9 / 10, Limit);
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryCacheStore(_time, 0));
    }
}

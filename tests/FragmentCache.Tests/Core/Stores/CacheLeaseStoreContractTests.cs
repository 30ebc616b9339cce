namespace FragmentCache.Tests.Core;

/// <summary>
/// The lease semantics of <see cref="ICacheLeaseStore"/> (memcached meta-protocol shaped). A store
/// with leases (memory, Memcached) subclasses this.
/// </summary>
public abstract class CacheLeaseStoreContractTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly string _key = "lease:" + Guid.NewGuid().ToString("N");
    private ICacheStore? _store;

    protected ICacheStore Store => LazyInitializer.EnsureInitialized(ref _store, CreateStore);

    protected ICacheLeaseStore Leases => (ICacheLeaseStore)Store;

    protected abstract ICacheStore CreateStore();

    protected abstract ValueTask AdvanceTimeAsync(TimeSpan by);

    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task GetOrLeaseAsync_Miss_FirstCallerWinsOthersAreTold()
    {
        var first = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        var second = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.Equal(CacheLeaseStatus.Won, first.Status);
        Assert.True(first.Lease.IsStub);
        Assert.Null(first.Item);
        Assert.Equal(CacheLeaseStatus.HeldByOther, second.Status);
        Assert.Null(second.Item);
    }

    [Fact]
    public async Task GetOrLeaseAsync_ConcurrentMisses_ExactlyOneWins()
    {
        var leases = Leases;
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero))));
        Assert.Single(results, r => r.Status == CacheLeaseStatus.Won);
        Assert.Equal(99, results.Count(r => r.Status == CacheLeaseStatus.HeldByOther));
    }

    [Fact]
    public async Task GetOrLeaseAsync_MissStub_IsInvisibleToPlainGets()
    {
        await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.Null(await Store.GetAsync(_key));
        Assert.Empty(await Store.GetManyAsync([_key]));
    }

    [Fact]
    public async Task SetLeasedAsync_CurrentLease_StoresAndLaterCallersHit()
    {
        var won = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.True(await Leases.SetLeasedAsync(_key, Item(7), TimeSpan.FromMinutes(5), won.Lease));
        var hit = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.Equal(CacheLeaseStatus.None, hit.Status);
        Assert.Equal(7, hit.Item!.Value.Value.Span[0]);
    }

    [Fact]
    public async Task SetLeasedAsync_ValueChangedMeanwhile_Fails()
    {
        var won = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        await Store.SetAsync(_key, Item(1), null);
        Assert.False(await Leases.SetLeasedAsync(_key, Item(2), null, won.Lease));
        Assert.Equal(1, (await Store.GetAsync(_key))!.Value.Value.Span[0]);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_Stub_NextCallerWinsAtOnce()
    {
        var won = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        await Leases.ReleaseLeaseAsync(_key, won.Lease);
        Assert.Equal(CacheLeaseStatus.Won, (await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero)).Status);
    }

    [Fact]
    public async Task GetOrLeaseAsync_StubOlderThanLeaseTime_NextCallerWins()
    {
        await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        await AdvanceTimeAsync(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(CacheLeaseStatus.Won, (await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero)).Status);
    }

    [Fact]
    public async Task InvalidateAsStaleAsync_Value_ServedStaleAndExactlyOneWins()
    {
        await Store.SetAsync(_key, Item(3), null);
        Assert.True(await Leases.InvalidateAsStaleAsync(_key, TimeSpan.FromSeconds(30)));
        var first = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        var second = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.Equal(CacheLeaseStatus.Won, first.Status);
        Assert.True(first.Stale);
        Assert.Equal(3, first.Item!.Value.Value.Span[0]);
        Assert.Equal(CacheLeaseStatus.HeldByOther, second.Status);
        Assert.True(second.Stale);
        Assert.NotNull(second.Item);
        Assert.True(await Leases.SetLeasedAsync(_key, Item(4), null, first.Lease));
        var fresh = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.Zero);
        Assert.False(fresh.Stale);
        Assert.Equal(CacheLeaseStatus.None, fresh.Status);
    }

    [Fact]
    public async Task InvalidateAsStaleAsync_StaleTimePassed_ValueIsGone()
    {
        await Store.SetAsync(_key, Item(3), null);
        await Leases.InvalidateAsStaleAsync(_key, TimeSpan.FromSeconds(5));
        await AdvanceTimeAsync(TimeSpan.FromSeconds(6));
        Assert.Null(await Store.GetAsync(_key));
    }

    [Fact]
    public async Task InvalidateAsStaleAsync_Missing_ReturnsFalse()
        => Assert.False(await Leases.InvalidateAsStaleAsync(_key, TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task GetOrLeaseAsync_HitInsideRecacheWindow_EveryoneGetsValueOneWins()
    {
        await Store.SetAsync(_key, Item(5), TimeSpan.FromSeconds(60));
        await AdvanceTimeAsync(TimeSpan.FromSeconds(55));
        var first = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.FromSeconds(10));
        var second = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.FromSeconds(10));
        Assert.Equal(CacheLeaseStatus.Won, first.Status);
        Assert.False(first.Lease.IsStub);
        Assert.NotNull(first.Item);
        Assert.Equal(CacheLeaseStatus.HeldByOther, second.Status);
        Assert.NotNull(second.Item);
    }

    [Fact]
    public async Task GetOrLeaseAsync_HitOutsideRecacheWindow_NoLease()
    {
        await Store.SetAsync(_key, Item(5), TimeSpan.FromSeconds(60));
        var result = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.FromSeconds(10));
        Assert.Equal(CacheLeaseStatus.None, result.Status);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_RecacheLease_KeepsValueAndLetsAnotherWin()
    {
        await Store.SetAsync(_key, Item(5), TimeSpan.FromSeconds(60));
        await AdvanceTimeAsync(TimeSpan.FromSeconds(55));
        var won = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.FromSeconds(10));
        await Leases.ReleaseLeaseAsync(_key, won.Lease);
        var next = await Leases.GetOrLeaseAsync(_key, Lease, TimeSpan.FromSeconds(10));
        Assert.Equal(CacheLeaseStatus.Won, next.Status);
        Assert.NotNull(next.Item);
    }

    private static CacheItem Item(byte value) => new(new[] { value }, CacheItemFlags.Value);
}

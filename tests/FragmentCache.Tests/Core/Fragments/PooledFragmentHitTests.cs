using System.Buffers;
using System.Text;
using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Hits read into pooled buffers (<see cref="FragmentCacheEntryOptions.PooledResult"/>) over a real memcached, with a
/// pool that poisons every array returned to it: the bytes a caller reads are never returned while it holds them.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class PooledFragmentHitTests(MemcachedFixture fixture)
{
    private static readonly FragmentCacheEntryOptions Pooled = new() { PooledResult = true, Expiration = TimeSpan.FromMinutes(5) };
    private static readonly byte[] Page = Encoding.UTF8.GetBytes("<main>" + string.Concat(Enumerable.Range(0, 400).Select(i => $"<li>row {i}</li>")) + "</main>");

    private readonly string _prefix = "pooled" + Guid.NewGuid().ToString("N")[..8];

    private (TestHost Host, MemcachedCacheStore Store, CheckingArrayPool Pool) NewHost(bool twoTier = false, Func<MemcachedCacheStore, ICacheStore>? wrap = null)
    {
        var store = new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
        var host = TestHost.Create(wrap?.Invoke(store) ?? store, TimeProvider.System, o =>
        {
            o.KeyPrefix = _prefix;
            o.TwoTier.Enabled = twoTier;
        });
        var pool = new CheckingArrayPool();
        ((DefaultFragmentCache)host.Fragments).ValuePool = pool;
        return (host, store, pool);
    }

    private static ValueTask<FragmentResult> LookupAsync(TestHost host, FragmentCacheEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        host.Fragments.GetOrRenderAsync(FragmentKey.Create("page", ["/pooled"]), options ?? Pooled, _ => ValueTask.FromResult(FragmentRender.Stored(Page)), cancellationToken);

    [Fact]
    public async Task GetOrRenderAsync_PooledHit_HoldsOneRentedBufferUntilDisposedOnce()
    {
        var (host, store, pool) = NewHost();
        await using (host)
        await using (store)
        {
            (await LookupAsync(host)).Dispose();
            Assert.Equal(0, pool.Rented); // a miss renders: nothing read

            var hit = await LookupAsync(host);
            Assert.Equal(FragmentOutcome.Hit, hit.Outcome);
            Assert.Equal(Page, hit.Utf8.ToArray());
            Assert.Equal(1, pool.Rented);
            Assert.Equal(1, pool.Outstanding);

            hit.Dispose();
            hit.Dispose();
            Assert.Equal(1, pool.Returned);
            Assert.Equal(0, pool.Outstanding);
            Assert.Empty(pool.Errors);

            // Without the option the bytes are the caller's: nothing is rented.
            var kept = await LookupAsync(host, new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5) });
            Assert.Equal(Page, kept.Utf8.ToArray());
            Assert.Equal(1, pool.Rented);
        }
    }

    [Fact]
    public async Task GetOrRenderAsync_JoinedPooledHits_BufferReturnedOnlyAfterTheLastHolderDisposes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, store, pool) = NewHost();
        await using (host)
        await using (store)
        {
            (await LookupAsync(host)).Dispose();
            var gated = new GatedStore(store, gate.Task);
            await using var joinedHost = TestHost.Create(gated, TimeProvider.System, o => o.KeyPrefix = _prefix);
            ((DefaultFragmentCache)joinedHost.Fragments).ValuePool = pool;

            // The first lookup reads (and waits at the gate); the others join its flight before it answers.
            var lookups = Enumerable.Range(0, 8).Select(_ => LookupAsync(joinedHost).AsTask()).ToArray();
            Assert.Equal(1, gated.PooledReads);
            gate.SetResult();
            var results = await Task.WhenAll(lookups).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

            Assert.Equal(1, gated.PooledReads);
            Assert.Equal(1, pool.Rented);
            Assert.All(results, r => Assert.Equal(FragmentOutcome.Hit, r.Outcome));
            for (var i = 0; i < results.Length; i++)
            {
                // Everyone still holding reads the value, not poison, whoever let go before it.
                Assert.All(results.Skip(i), r => Assert.Equal(Page, r.Utf8.ToArray()));
                Assert.Equal(0, pool.Returned);
                results[i].Dispose();
                results[i].Dispose();
            }

            Assert.Equal(1, pool.Returned);
            Assert.Empty(pool.Errors);
        }
    }

    [Fact]
    public async Task GetOrRenderAsync_JoinerCancelledWhileWaiting_TakesNoReferenceAndTheBufferStillReturns()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, store, pool) = NewHost();
        await using (host)
        await using (store)
        {
            (await LookupAsync(host)).Dispose();
            var gated = new GatedStore(store, gate.Task);
            await using var joinedHost = TestHost.Create(gated, TimeProvider.System, o => o.KeyPrefix = _prefix);
            ((DefaultFragmentCache)joinedHost.Fragments).ValuePool = pool;

            using var cancel = new CancellationTokenSource();
            var leader = LookupAsync(joinedHost).AsTask();
            var cancelled = LookupAsync(joinedHost, cancellationToken: cancel.Token).AsTask();
            var stays = LookupAsync(joinedHost).AsTask();
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            gate.SetResult();

            using var first = await leader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            var second = await stays.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            first.Dispose();
            Assert.Equal(Page, second.Utf8.ToArray());
            Assert.Equal(0, pool.Returned);
            second.Dispose();
            Assert.Equal(1, pool.Rented);
            Assert.Equal(1, pool.Returned);
            Assert.Empty(pool.Errors);
        }
    }

    [Fact]
    public async Task GetOrRenderAsync_TwoTierCopyOfAPooledHit_KeepsItsOwnBytesAfterTheBufferIsReturned()
    {
        var (writer, writerStore, _) = NewHost();
        var (reader, readerStore, pool) = NewHost(twoTier: true);
        await using (writer)
        await using (writerStore)
        await using (reader)
        await using (readerStore)
        {
            (await LookupAsync(writer)).Dispose();

            var hit = await LookupAsync(reader);
            Assert.Equal(FragmentOutcome.Hit, hit.Outcome);
            Assert.Equal(1, pool.Rented);
            hit.Dispose();
            Assert.Equal(1, pool.Returned); // poisoned now

            using var local = await LookupAsync(reader);
            Assert.Equal(FragmentOutcome.LocalHit, local.Outcome);
            Assert.Equal(Page, local.Utf8.ToArray());
            Assert.Equal(Encoding.UTF8.GetString(Page), local.Text);
            Assert.Equal(1, pool.Rented);
            Assert.Empty(pool.Errors);
        }
    }

    [Fact]
    public async Task GetPooledAsync_CompressedValue_DecompressedIntoItsOwnArrayAndTheRentedOneReturned()
    {
        var options = TestClientOptions.For(fixture.Address);
        options.CompressionThreshold = 1024;
        await using var store = new MemcachedCacheStore(options);
        var pool = new CheckingArrayPool();
        var key = _prefix + ":compressed";
        await store.SetAsync(key, new CacheItem(Page, CacheItemFlags.Value | CacheItemFlags.RawBytes), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        var item = await store.GetPooledAsync(key, pool, TestContext.Current.CancellationToken);

        Assert.NotNull(item);
        Assert.False(System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager(item.Value.Value, out MemoryManager<byte>? _));
        Assert.Equal(Page, item.Value.Value.ToArray());
        Assert.Equal(1, pool.Rented);
        Assert.Equal(1, pool.Returned);
        Assert.Empty(pool.Errors);
    }

    /// <summary>The memcached store, its pooled reads held at a gate until the test opens it; everything else forwarded.</summary>
    private sealed class GatedStore(MemcachedCacheStore inner, Task gate) : ICacheStore, ICacheLeaseStore, ICachePooledReadStore
    {
        private int _pooledReads;

        public int PooledReads => Volatile.Read(ref _pooledReads);

        public async ValueTask<CacheItem?> GetPooledAsync(string key, ArrayPool<byte> pool, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _pooledReads);
            await gate.WaitAsync(cancellationToken);
            return await inner.GetPooledAsync(key, pool, cancellationToken);
        }

        public async ValueTask<CacheLeaseResult> GetOrLeasePooledAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, ArrayPool<byte> pool, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _pooledReads);
            await gate.WaitAsync(cancellationToken);
            return await inner.GetOrLeasePooledAsync(key, leaseTime, recacheWindow, pool, cancellationToken);
        }

        public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetManyAsync(keys, cancellationToken);

        public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.SetAsync(key, item, expiration, cancellationToken);

        public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.AddAsync(key, item, expiration, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
            => inner.IncrementAsync(key, delta, initialValue, initialExpiration, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.TouchAsync(key, expiration, cancellationToken);

        public ValueTask ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);

        public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default)
            => inner.GetOrLeaseAsync(key, leaseTime, recacheWindow, cancellationToken);

        public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default)
            => inner.SetLeasedAsync(key, item, expiration, lease, cancellationToken);

        public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default) => inner.ReleaseLeaseAsync(key, lease, cancellationToken);

        public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default)
            => inner.InvalidateAsStaleAsync(key, staleTime, cancellationToken);
    }
}

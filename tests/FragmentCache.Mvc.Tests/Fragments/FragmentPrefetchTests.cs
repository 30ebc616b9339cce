using System.Collections.Concurrent;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.Fragments;

/// <summary>
/// Per-route prefetch over real HTTP, on the memory store and on a real memcached: a page's second request reads its
/// fragments and their tag counters in one get-many, and every prefetched entry is validated as a fetched one.
/// </summary>
public sealed class FragmentPrefetchTests
{
    private const string Page = "/FragmentPrefetch/Index";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SecondRequest_FiveFragments_OneGetManyOfEntriesAndTagCounters_NoOtherRead(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();

        var (_, first) = await client.SendAsync(Page);
        host.Store.Reset();
        var (response, second) = await client.SendAsync(Page);

        Assert.Equal(first, second);
        Assert.Equal("hit", response.Header("X-Fragment-Cache"));
        Assert.Equal(1, host.Store.Prefetches);
        // Five fragment keys and the counters of their two tags, in that one read.
        var read = Assert.Single(host.Store.PrefetchedKeys);
        Assert.Equal(5 + 2, read.Distinct(StringComparer.Ordinal).Count());
        var tags = host.Factory.Services.GetRequiredService<TagGenerationStore>();
        Assert.Contains(tags.CounterKey("posts"), read);
        Assert.Contains(tags.CounterKey("comments"), read);
        Assert.Equal(0, host.Store.GetManys);
        Assert.Equal(0, host.Store.Gets);
        Assert.Equal(0, host.Store.GetOrLeases);
        foreach (var label in new[] { "latest", "popular", "comments", "footer", "user" })
        {
            Assert.Equal(1, Count(second, label));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TagInvalidatedBetweenRequests_PrefetchedEntryRejected_FragmentRendersAgain(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();
        await client.SendAsync(Page);
        await client.SendAsync(Page);

        await host.Factory.Services.GetRequiredService<IFragmentCache>().InvalidateTagAsync("posts", TestContext.Current.CancellationToken);
        host.Store.Reset();
        var (_, after) = await client.SendAsync(Page);

        Assert.Equal(2, Count(after, "latest"));
        Assert.Equal(2, Count(after, "popular"));
        Assert.Equal(1, Count(after, "comments"));
        Assert.Equal(1, Count(after, "footer"));
        Assert.Equal(1, Count(after, "user"));
        // The two rejected entries take the normal lookup (a leased read finds the entry out of date, marks it stale,
        // and a second leased read wins the render); the three others are answered by the prefetch.
        Assert.Equal(1, host.Store.Prefetches);
        Assert.Equal(2 * 2, host.Store.GetOrLeases);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TagInvalidatedWhileTheRequestRuns_EntryReadBeforeIsNotServed(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();
        await client.SendAsync("/FragmentPrefetch/Invalidating");
        host.Store.Reset();
        var (_, warm) = await client.SendAsync("/FragmentPrefetch/Invalidating");
        Assert.Equal(1, host.Store.Prefetches);
        Assert.Equal(0, host.Store.GetOrLeases);
        Assert.Equal((1, 1), (Count(warm, "before"), Count(warm, "after")));

        // The prefetch reads both entries and the tag counter; the page then invalidates the tag between its two fragments.
        host.Store.Reset();
        var (_, invalidated) = await client.SendAsync("/FragmentPrefetch/Invalidating?invalidate=1");

        Assert.Equal(1, host.Store.Prefetches);
        Assert.Equal(1, Count(invalidated, "before"));
        Assert.Equal(2, Count(invalidated, "after"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SoftInvalidatedBetweenRequests_PrefetchLeavesItToTheLease_NextRequestRendersItOnce(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();
        await client.SendAsync(Page);
        await client.SendAsync(Page);

        var key = host.Factory.Services.GetRequiredService<TemplateFragmentKeys>().For("p-footer", null, "/Views/FragmentPrefetch/Index.cshtml");
        Assert.True(await host.Factory.Services.GetRequiredService<IFragmentCache>().InvalidateFragmentAsync(key, soft: true, TestContext.Current.CancellationToken));
        host.Store.Reset();
        var (_, after) = await client.SendAsync(Page);

        // The stale entry was not served from the prefetch: the request's own leased read won the re-render.
        Assert.Equal(1, host.Store.Prefetches);
        Assert.Equal(1, host.Store.GetOrLeases);
        Assert.Equal(2, Count(after, "footer"));
        Assert.Equal(1, Count(after, "latest"));

        host.Store.Reset();
        var (_, next) = await client.SendAsync(Page);
        Assert.Equal(2, Count(next, "footer"));
        Assert.Equal(0, host.Store.GetOrLeases);
        Assert.Equal(2, host.Factory.Counter.Count("p-footer"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SignedInUsers_RememberedApart_OneUsersKeyNeverReadForAnother(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();
        (string, string)[] ann = [("X-Test-User", "1"), ("X-Test-Name", "ann")];
        (string, string)[] bob = [("X-Test-User", "2"), ("X-Test-Name", "bob")];
        await client.SendAsync(Page, ann);
        var (_, annAgain) = await client.SendAsync(Page, ann);
        Assert.Contains("[user:ann:1]", annAgain, StringComparison.Ordinal);

        host.Store.Reset();
        var (_, bobFirst) = await client.SendAsync(Page, bob);
        Assert.Contains("[user:bob:2]", bobFirst, StringComparison.Ordinal);
        Assert.Equal(0, host.Store.Prefetches);

        var (_, bobAgain) = await client.SendAsync(Page, bob);
        Assert.Contains("[user:bob:2]", bobAgain, StringComparison.Ordinal);
        Assert.Equal(1, Count(bobAgain, "latest"));
        var bobRead = Assert.Single(host.Store.PrefetchedKeys);

        host.Store.Reset();
        var (_, annThird) = await client.SendAsync(Page, ann);
        Assert.Contains("[user:ann:1]", annThird, StringComparison.Ordinal);
        var annRead = Assert.Single(host.Store.PrefetchedKeys);

        // The shared fragments and counters are in both reads; each user's own key only in that user's.
        Assert.Single(annRead.Except(bobRead, StringComparer.Ordinal));
        Assert.Single(bobRead.Except(annRead, StringComparer.Ordinal));
        Assert.Equal(0, host.Store.GetOrLeases);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FortyFragments_RouteRemembersItsCap_RestTakeTheNormalLookup(bool memcached)
    {
        await using var host = await Host.StartAsync(memcached);
        var client = host.Factory.CreateClient();
        await client.SendAsync("/FragmentPrefetch/Many");
        var prefetcher = Assert.IsType<FragmentPrefetcher>(host.Factory.Services.GetRequiredService<IFragmentPrefetcher>());

        host.Store.Reset();
        var (_, second) = await client.SendAsync("/FragmentPrefetch/Many");

        var route = Assert.Single(prefetcher.Routes);
        Assert.Equal(IFragmentPrefetcher.MaxKeysPerRoute, prefetcher.KeysOf(route).Count);
        Assert.Equal(40, host.Factory.Counter.Count("p-many"));
        Assert.Contains("[many:40]", second, StringComparison.Ordinal);
        Assert.Equal(1, host.Store.Prefetches);
        Assert.Equal(40 - IFragmentPrefetcher.MaxKeysPerRoute, host.Store.GetOrLeases);
    }

    [Fact]
    public async Task ManyRoutes_OnlyTheCapIsRemembered()
    {
        var time = new FakeTimeProvider(TestAppFactory.Start);
        await using var factory = new TestAppFactory(CountingStore.Memory(time), time, Prefetch);
        var prefetcher = Assert.IsType<FragmentPrefetcher>(factory.Services.GetRequiredService<IFragmentPrefetcher>());
        var cache = factory.Services.GetRequiredService<IFragmentCache>();

        for (var i = 0; i < IFragmentPrefetcher.MaxRoutes + 10; i++)
        {
            using (prefetcher.BeginRequest("route-" + i, TestContext.Current.CancellationToken))
            {
                await cache.GetOrRenderAsync(FragmentKey.Create("f", [i]), null, _ => ValueTask.FromResult(FragmentRender.Stored("x")), TestContext.Current.CancellationToken);
            }

            Assert.True(prefetcher.RouteCount <= IFragmentPrefetcher.MaxRoutes);
        }

        Assert.Equal(IFragmentPrefetcher.MaxRoutes, prefetcher.RouteCount);
        Assert.Contains("route-" + (IFragmentPrefetcher.MaxRoutes + 9), prefetcher.Routes);
        Assert.Null(FragmentPrefetcher.Current);
    }

    [Fact]
    public async Task PrefetchFragments_OffByDefault_LookupsReadOneByOne()
    {
        Assert.False(new FragmentCacheMvcOptions().PrefetchFragments);
        var time = new FakeTimeProvider(TestAppFactory.Start);
        var store = CountingStore.Memory(time);
        await using var factory = new TestAppFactory(store, time);
        var client = factory.CreateClient();
        await client.SendAsync(Page);

        store.Reset();
        await client.SendAsync(Page);

        Assert.Equal(0, store.Prefetches);
        Assert.Equal(5, store.GetOrLeases);
    }

    [Fact]
    public async Task LeaseStoreWithoutPrefetchReads_NothingPrefetched_LookupsReadOneByOne()
    {
        var time = new FakeTimeProvider(TestAppFactory.Start);
        var store = CountingStore.Memory(time);
        await using var factory = new TestAppFactory(new LeaseOnlyStore(store), time, Prefetch);
        var client = factory.CreateClient();
        await client.SendAsync(Page);

        store.Reset();
        var (_, second) = await client.SendAsync(Page);

        Assert.Equal(1, Count(second, "latest"));
        Assert.Equal(0, store.Prefetches);
        Assert.Equal(5, store.GetOrLeases);
    }

    private static void Prefetch(IServiceCollection services) => services.Configure<FragmentCacheMvcOptions>(o => o.PrefetchFragments = true);

    private sealed class Host : IAsyncDisposable
    {
        private MemcachedProcess? _memcached;

        public required TestAppFactory Factory { get; init; }

        public required CountingStore Store { get; init; }

        public static async Task<Host> StartAsync(bool memcached)
        {
            var time = new FakeTimeProvider(TestAppFactory.Start);
            if (!memcached)
            {
                var memory = CountingStore.Memory(time);
                return new Host { Factory = new TestAppFactory(memory, time, Prefetch), Store = memory };
            }

            var process = await MemcachedProcess.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
            var store = CountingStore.Memcached("127.0.0.1:" + process.Port, time);
            return new Host { Factory = new TestAppFactory(store, time, Prefetch), Store = store, _memcached = process };
        }

        public async ValueTask DisposeAsync()
        {
            await Factory.DisposeAsync();
            if (_memcached is not null)
            {
                await _memcached.DisposeAsync();
            }
        }
    }

    /// <summary>A lease store that forwards everything but has no prefetch reads.</summary>
    private sealed class LeaseOnlyStore(CountingStore inner) : ICacheStore, ICacheLeaseStore
    {
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

    /// <summary>Counts the reads a store is asked for (and the keys of each prefetch read), and forwards everything.</summary>
    private sealed class CountingStore(ICacheStore inner) : ICacheStore, ICacheLeaseStore, ICacheLifetimeStore, ICachePrefetchStore
    {
        private readonly ConcurrentQueue<string[]> _prefetched = new();
        private int _gets;
        private int _getManys;
        private int _prefetches;
        private int _getOrLeases;

        public int Gets => Volatile.Read(ref _gets);

        /// <summary>Plain get-many calls (the normal path's tag counter reads).</summary>
        public int GetManys => Volatile.Read(ref _getManys);

        /// <summary>Prefetch reads (one get-many each).</summary>
        public int Prefetches => Volatile.Read(ref _prefetches);

        public int GetOrLeases => Volatile.Read(ref _getOrLeases);

        public IReadOnlyList<string[]> PrefetchedKeys => [.. _prefetched];

        public ICacheStore Inner => inner;

        public static CountingStore Memory(TimeProvider time) => Build(time, new Dictionary<string, string?>());

        public static CountingStore Memcached(string server, TimeProvider time)
        {
            var store = Build(time, new Dictionary<string, string?>
            {
                ["Servers:0"] = server,
                ["Memcached:OperationTimeout"] = "00:00:10",
                ["Memcached:ConnectTimeout"] = "00:00:10",
            });
            Assert.IsType<FragmentCache.Memcached.MemcachedCacheStore>(store.Inner);
            return store;
        }

        private static CountingStore Build(TimeProvider time, Dictionary<string, string?> settings)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(time);
            var builder = services.AddFragmentCache(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            if (settings.Count > 0)
            {
                builder.UseMemcached();
            }

            return new CountingStore(services.BuildServiceProvider().GetRequiredService<ICacheStore>());
        }

        public void Reset()
        {
            Volatile.Write(ref _gets, 0);
            Volatile.Write(ref _getManys, 0);
            Volatile.Write(ref _prefetches, 0);
            Volatile.Write(ref _getOrLeases, 0);
            _prefetched.Clear();
        }

        public ValueTask<CacheItem?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            return inner.GetAsync(key, cancellationToken);
        }

        public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _getManys);
            return inner.GetManyAsync(keys, cancellationToken);
        }

        public ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyForPrefetchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _prefetches);
            _prefetched.Enqueue([.. keys]);
            return ((ICachePrefetchStore)inner).GetManyForPrefetchAsync(keys, cancellationToken);
        }

        public ValueTask<CacheLeaseResult> GetOrLeaseAsync(string key, TimeSpan leaseTime, TimeSpan recacheWindow, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _getOrLeases);
            return ((ICacheLeaseStore)inner).GetOrLeaseAsync(key, leaseTime, recacheWindow, cancellationToken);
        }

        public ValueTask<bool> SetAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.SetAsync(key, item, expiration, cancellationToken);

        public ValueTask<bool> AddAsync(string key, CacheItem item, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.AddAsync(key, item, expiration, cancellationToken);

        public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<ulong?> IncrementAsync(string key, long delta, ulong? initialValue, TimeSpan? initialExpiration, CancellationToken cancellationToken = default)
            => inner.IncrementAsync(key, delta, initialValue, initialExpiration, cancellationToken);

        public ValueTask<bool> TouchAsync(string key, TimeSpan? expiration, CancellationToken cancellationToken = default) => inner.TouchAsync(key, expiration, cancellationToken);

        public ValueTask ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);

        public ValueTask<bool> SetLeasedAsync(string key, CacheItem item, TimeSpan? expiration, CacheLease lease, CancellationToken cancellationToken = default)
            => ((ICacheLeaseStore)inner).SetLeasedAsync(key, item, expiration, lease, cancellationToken);

        public ValueTask ReleaseLeaseAsync(string key, CacheLease lease, CancellationToken cancellationToken = default)
            => ((ICacheLeaseStore)inner).ReleaseLeaseAsync(key, lease, cancellationToken);

        public ValueTask<bool> InvalidateAsStaleAsync(string key, TimeSpan staleTime, CancellationToken cancellationToken = default)
            => ((ICacheLeaseStore)inner).InvalidateAsStaleAsync(key, staleTime, cancellationToken);

        public ValueTask<bool> ExtendAsync(string key, TimeSpan? lifetime, CancellationToken cancellationToken = default)
            => ((ICacheLifetimeStore)inner).ExtendAsync(key, lifetime, cancellationToken);
    }
}

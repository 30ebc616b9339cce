using System.Text;

namespace FragmentCache.Tests.Core;

/// <summary>
/// The semantics every store must give <see cref="ICache"/> and <see cref="ICacheStore"/> callers.
/// Every store (memory, Memcached, IDistributedCache) subclasses this and implements <see cref="CreateStore"/> and
/// <see cref="AdvanceTimeAsync"/>.
/// </summary>
public abstract class CacheStoreContractTests : IAsyncDisposable
{
    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];
    private ICacheStore? _store;
    private TestHost? _host;

    /// <summary>The store under test; created once per test.</summary>
    protected ICacheStore Store => LazyInitializer.EnsureInitialized(ref _store, CreateStore);

    /// <summary>The clock the store and the cache read.</summary>
    protected virtual TimeProvider Time => TimeProvider.System;

    /// <summary>Whether <see cref="ICacheStore.ClearAsync"/> is supported (an IDistributedCache cannot clear).</summary>
    protected virtual bool SupportsClear => true;

    protected ICache Cache => Host().Cache;

    protected abstract ICacheStore CreateStore();

    /// <summary>Moves the store's clock forward (a fake clock, or a real wait for an external server).</summary>
    protected abstract ValueTask AdvanceTimeAsync(TimeSpan by);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        (_store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected TestHost Host(Action<FragmentCacheOptions>? configure = null)
        => _host ??= TestHost.Create(Store, Time, o =>
        {
            o.KeyPrefix = _prefix;
            configure?.Invoke(o);
        });

    protected string FullKey(string key, int version = 1) => $"{_prefix}:{version}:{key}";

    [Fact]
    public async Task GetAsync_Missing_ReturnsDefault()
    {
        Assert.Equal(42, await Cache.GetAsync("missing", 42));
        Assert.False((await Cache.TryGetAsync<int>("missing")).Found);
    }

    [Fact]
    public async Task SetAsync_Object_RoundTrips()
    {
        var value = new Sample("héllo", 7, [1, 2]);
        Assert.True(await Cache.SetAsync("obj", value));
        var read = await Cache.GetAsync<Sample>("obj");
        Assert.Equal(value.Name, read!.Name);
        Assert.Equal(value.Count, read.Count);
        Assert.Equal(value.Items, read.Items);
    }

    [Fact]
    public async Task SetAsync_String_IsStoredAsRawUtf8()
    {
        await Cache.SetAsync("s", "zürich 清");
        var item = await Store.GetAsync(FullKey("s"));
        Assert.NotNull(item);
        Assert.Equal("zürich 清", Encoding.UTF8.GetString(item.Value.Value.Span));
        Assert.Equal(CacheItemFlags.Value | CacheItemFlags.Utf8String, item.Value.Flags);
        Assert.Equal("zürich 清", await Cache.GetAsync<string>("s"));
    }

    [Fact]
    public async Task SetAsync_Bytes_AreStoredRaw()
    {
        byte[] bytes = [0, 1, 2, 255];
        await Cache.SetAsync("b", bytes);
        var item = await Store.GetAsync(FullKey("b"));
        Assert.Equal(bytes, item!.Value.Value.ToArray());
        Assert.Equal(CacheItemFlags.Value | CacheItemFlags.RawBytes, item.Value.Flags);
        Assert.Equal(bytes, await Cache.GetAsync<byte[]>("b"));
    }

    [Fact]
    public async Task SetAsync_Null_IsAHitNotAMiss()
    {
        await Cache.SetAsync<string?>("n", null);
        var result = await Cache.TryGetAsync<string>("n");
        Assert.True(result.Found);
        Assert.Null(result.Value);
        Assert.Null(await Cache.GetAsync("n", "default"));
    }

    [Fact]
    public async Task AddAsync_Absent_StoresAndReturnsTrue()
    {
        Assert.True(await Cache.AddAsync("a", 1));
        Assert.Equal(1, await Cache.GetAsync<int>("a"));
    }

    [Fact]
    public async Task AddAsync_Present_ReturnsFalseAndKeepsOldValue()
    {
        await Cache.SetAsync("a", 1);
        Assert.False(await Cache.AddAsync("a", 2));
        Assert.Equal(1, await Cache.GetAsync<int>("a"));
    }

    [Fact]
    public async Task GetOrSetAsync_Miss_RunsFactoryOnceThenHits()
    {
        var runs = 0;
        var first = await Cache.GetOrSetAsync("g", _ => { runs++; return ValueTask.FromResult("built"); });
        var second = await Cache.GetOrSetAsync("g", _ => { runs++; return ValueTask.FromResult("again"); });
        Assert.Equal("built", first);
        Assert.Equal("built", second);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task GetOrSetAsync_ConcurrentMisses_RunFactoryOnce()
    {
        var runs = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = Cache;
        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () => await cache.GetOrSetAsync("c", async _ =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return 5;
        }))).ToArray();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        gate.SetResult();
        var results = await Task.WhenAll(calls);
        Assert.All(results, r => Assert.Equal(5, r));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task GetManyAsync_ReturnsOnlyFoundKeysIncludingNulls()
    {
        await Cache.SetAsync<string?>("m1", "one");
        await Cache.SetAsync<string?>("m2", null);
        var found = await Cache.GetManyAsync<string>(["m1", "m2", "m3"]);
        Assert.Equal(2, found.Count);
        Assert.Equal("one", found["m1"]);
        Assert.True(found.ContainsKey("m2"));
        Assert.Null(found["m2"]);
    }

    [Fact]
    public async Task SetManyAsync_AllStored_ReturnsNoFailedKeys()
    {
        var failed = await Cache.SetManyAsync(new Dictionary<string, int> { ["x"] = 1, ["y"] = 2 });
        Assert.Empty(failed);
        Assert.Equal(2, await Cache.GetAsync<int>("y"));
    }

    [Fact]
    public async Task DeleteAsync_Existing_ReturnsTrueAndRemoves()
    {
        await Cache.SetAsync("d", 1);
        Assert.True(await Cache.DeleteAsync("d"));
        Assert.False((await Cache.TryGetAsync<int>("d")).Found);
        Assert.False(await Cache.DeleteAsync("d"));
    }

    [Fact]
    public async Task DeleteManyAsync_RemovesEveryKey()
    {
        await Cache.SetManyAsync(new Dictionary<string, int> { ["d1"] = 1, ["d2"] = 2 });
        await Cache.DeleteManyAsync(["d1", "d2"]);
        Assert.Empty(await Cache.GetManyAsync<int>(["d1", "d2"]));
    }

    [Fact]
    public async Task IncrementAsync_Number_AddsAndReadsBackTyped()
    {
        await Cache.SetAsync("i", 5);
        Assert.Equal(8, await Cache.IncrementAsync("i", 3));
        Assert.Equal(7, await Cache.DecrementAsync("i"));
        Assert.Equal(7, await Cache.GetAsync<int>("i"));
    }

    [Fact]
    public async Task DecrementAsync_BelowZero_StopsAtZero()
    {
        await Cache.SetAsync("i", 2);
        Assert.Equal(0, await Cache.DecrementAsync("i", 5));
    }

    [Fact]
    public async Task IncrementAsync_Missing_ThrowsKeyNotFound()
    {
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await Cache.IncrementAsync("nope"));
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncrementAsync_NonNumeric_ThrowsInvalidOperation()
    {
        await Cache.SetAsync("word", "abc");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Cache.IncrementAsync("word"));
    }

    [Fact]
    public async Task TouchAsync_ReturnsWhetherKeyExisted()
    {
        await Cache.SetAsync("t", 1);
        Assert.True(await Cache.TouchAsync("t", TimeSpan.FromMinutes(1)));
        Assert.False(await Cache.TouchAsync("absent", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task SetAsync_ZeroTimeout_KeepsNothingAndRemovesOldValue()
    {
        await Cache.SetAsync("z", 1);
        await Cache.SetAsync("z", 2, TimeSpan.Zero);
        Assert.False((await Cache.TryGetAsync<int>("z")).Found);
        await Cache.SetAsync("z", 3, TimeSpan.FromSeconds(-5));
        Assert.False((await Cache.TryGetAsync<int>("z")).Found);
    }

    [Fact]
    public async Task AddAsync_ZeroTimeoutOnAbsentKey_ReturnsTrueAndKeepsNothing()
    {
        Assert.True(await Cache.AddAsync("add-zero", 1, TimeSpan.Zero));
        Assert.False((await Cache.TryGetAsync<int>("add-zero")).Found);
        Assert.True(await Cache.AddAsync("add-negative", 1, TimeSpan.FromSeconds(-5)));
        Assert.False((await Cache.TryGetAsync<int>("add-negative")).Found);

        // Nothing was kept, so a later add with a real timeout still finds the key absent.
        Assert.True(await Cache.AddAsync("add-zero", 2, TimeSpan.FromMinutes(1)));
        Assert.Equal(2, await Cache.GetAsync<int>("add-zero"));
    }

    [Fact]
    public async Task AddAsync_ZeroTimeoutOnPresentKey_ReturnsFalseAndKeepsOldValue()
    {
        await Cache.SetAsync("add-zero-present", 1);
        Assert.False(await Cache.AddAsync("add-zero-present", 2, TimeSpan.Zero));
        Assert.Equal(1, await Cache.GetAsync<int>("add-zero-present"));
    }

    [Fact]
    public async Task GetOrSetAsync_ZeroTimeout_ReturnsEachValueAndKeepsNothing()
    {
        var runs = 0;
        Assert.Equal(1, await Cache.GetOrSetAsync("gos-zero", _ => ValueTask.FromResult(++runs), TimeSpan.Zero));
        Assert.False((await Cache.TryGetAsync<int>("gos-zero")).Found);
        Assert.Equal(2, await Cache.GetOrSetAsync("gos-zero", _ => ValueTask.FromResult(++runs), TimeSpan.Zero));
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task SetAsync_Timeout_ExpiresAfterIt()
    {
        await Cache.SetAsync("e", 1, TimeSpan.FromSeconds(1));
        Assert.True((await Cache.TryGetAsync<int>("e")).Found);
        await AdvanceTimeAsync(TimeSpan.FromSeconds(2.5));
        Assert.False((await Cache.TryGetAsync<int>("e")).Found);
    }

    [Fact]
    public async Task SetAsync_InfiniteTimeout_OutlivesTheDefault()
    {
        var cache = Host(o => o.DefaultTimeout = TimeSpan.FromSeconds(1)).Cache;
        await cache.SetAsync("forever", 1, Timeout.InfiniteTimeSpan);
        await cache.SetAsync("default", 1);
        await AdvanceTimeAsync(TimeSpan.FromSeconds(2.5));
        Assert.True((await cache.TryGetAsync<int>("forever")).Found);
        Assert.False((await cache.TryGetAsync<int>("default")).Found);
    }

    [Fact]
    public async Task SetAsync_InfiniteOverTimedValue_DropsTheOldTimeout()
    {
        await Cache.SetAsync("o", 1, TimeSpan.FromSeconds(1));
        await Cache.SetAsync("o", 2, Timeout.InfiniteTimeSpan);
        await AdvanceTimeAsync(TimeSpan.FromSeconds(2.5));
        Assert.Equal(2, await Cache.GetAsync<int>("o"));
    }

    [Fact]
    public async Task TouchAsync_NewTimeout_ExtendsLife()
    {
        await Cache.SetAsync("tt", 1, TimeSpan.FromSeconds(1));
        Assert.True(await Cache.TouchAsync("tt", Timeout.InfiniteTimeSpan));
        await AdvanceTimeAsync(TimeSpan.FromSeconds(2.5));
        Assert.True((await Cache.TryGetAsync<int>("tt")).Found);
    }

    [Fact]
    public async Task ClearAsync_RemovesEverythingOrSaysItCannot()
    {
        await Cache.SetAsync("c1", 1);
        if (SupportsClear)
        {
            await Cache.ClearAsync();
            Assert.False((await Cache.TryGetAsync<int>("c1")).Found);
        }
        else
        {
            await Assert.ThrowsAsync<NotSupportedException>(async () => await Cache.ClearAsync());
            Assert.True((await Cache.TryGetAsync<int>("c1")).Found);
        }
    }

    [Fact]
    public async Task IncrementVersionAsync_MovesValueToNextVersion()
    {
        await Cache.SetAsync("v", "value");
        Assert.Equal(2, await Cache.IncrementVersionAsync("v"));
        Assert.False((await Cache.TryGetAsync<string>("v")).Found);
        Assert.Equal("value", await Cache.WithVersion(2).GetAsync<string>("v"));
    }

    [Fact]
    public async Task IncrementVersionAsync_Missing_ThrowsKeyNotFound()
        => await Assert.ThrowsAsync<KeyNotFoundException>(async () => await Cache.IncrementVersionAsync("none"));

    [Fact]
    public async Task SetAsync_PrefixAndVersion_BuildFullKey()
    {
        var cache = Host(o => o.Version = 3).Cache;
        await cache.SetAsync("k", "v");
        Assert.NotNull(await Store.GetAsync(FullKey("k", 3)));
        Assert.Null(await Store.GetAsync(FullKey("k", 1)));
    }

    [Fact]
    public async Task StoreSetAsync_Flags_RoundTripVerbatim()
    {
        var key = FullKey("flags");
        // Every bit but the store's own (CacheItemFlags.StoreReserved) comes back as it was written.
        await Store.SetAsync(key, new CacheItem(new byte[] { 9 }, 0x8012_0034u), TimeSpan.FromMinutes(1));
        var item = await Store.GetAsync(key);
        Assert.Equal(0x8012_0034u, item!.Value.Flags);
    }

    [Fact]
    public async Task StoreSetAsync_EmptyValue_IsAHit()
    {
        var key = FullKey("empty");
        await Store.SetAsync(key, new CacheItem(ReadOnlyMemory<byte>.Empty, CacheItemFlags.Value), null);
        var item = await Store.GetAsync(key);
        Assert.NotNull(item);
        Assert.Equal(0, item.Value.Value.Length);
    }

    [Fact]
    public async Task StoreGetManyAsync_ReturnsOnlyFoundKeys()
    {
        await Store.SetAsync(FullKey("g1"), new CacheItem(new byte[] { 1 }, CacheItemFlags.Value), null);
        var found = await Store.GetManyAsync([FullKey("g1"), FullKey("g2"), FullKey("g1")]);
        Assert.Single(found);
        Assert.True(found.ContainsKey(FullKey("g1")));
    }

    [Fact]
    public async Task StoreIncrementAsync_MissingWithInitial_CreatesWithoutApplyingDelta()
    {
        var key = FullKey("ctr");
        Assert.Null(await Store.IncrementAsync(key, 1, null, null));
        Assert.Equal(100UL, await Store.IncrementAsync(key, 1, 100, null));
        Assert.Equal(101UL, await Store.IncrementAsync(key, 1, 100, null));
        Assert.Equal(101UL, await Store.IncrementAsync(key, 0, 5, null));
    }

    private sealed record Sample(string Name, int Count, int[] Items);
}

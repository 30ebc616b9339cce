using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

public sealed class FragmentCacheTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _store;
    private readonly TestHost _host;

    public FragmentCacheTests()
    {
        _store = new MemoryCacheStore(_time);
        _host = TestHost.Create(_store, _time);
    }

    private IFragmentCache Fragments => _host.Fragments;

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task GetOrRenderAsync_SecondCall_IsServedFromCache()
    {
        var renderer = new RenderCounter();
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("sidebar", ["en"], null, renderer.RenderAsync));
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("sidebar", ["en"], null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_DifferentVaryValues_AreSeparateEntries()
    {
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("sidebar", ["a:b"], null, renderer.RenderAsync);
        await Fragments.GetOrRenderAsync("sidebar", ["a", "b"], null, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_EmptyOutput_IsAHit()
    {
        var renderer = new RenderCounter("");
        await Fragments.GetOrRenderAsync("empty", null, null, renderer.RenderAsync);
        Assert.Equal("", await Fragments.GetOrRenderAsync("empty", null, null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_ZeroExpiration_RendersEveryTime()
    {
        var renderer = new RenderCounter();
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.Zero };
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_AfterExpiration_RendersAgain()
    {
        var renderer = new RenderCounter();
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(30) };
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        _time.Advance(TimeSpan.FromSeconds(29));
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        Assert.Equal(1, renderer.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_DefaultExpiration_IsDefaultTimeout()
    {
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        Assert.Equal(1, renderer.Calls);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_EntryOfAnotherKeyUnderSameStoreKey_IsAMiss()
    {
        var key = FragmentKey.Create("f", ["mine"]);
        var forged = new FragmentEntry("1:f5:other", FragmentContentKind.Utf8Text, 0, [], "<p>not mine</p>"u8.ToArray());
        await _store.SetAsync(":1:" + key.StoreKey, new CacheItem(FragmentEntryCodec.Encode(forged), CacheItemFlags.Value), null);
        var renderer = new RenderCounter();
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("f", ["mine"], null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 99, 1, 2, 3 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 65 })]
    public async Task GetOrRenderAsync_GarbageEntry_RendersAndLogs(byte[] garbage)
    {
        var key = FragmentKey.Create("f", null);
        await _store.SetAsync(":1:" + key.StoreKey, new CacheItem(garbage, CacheItemFlags.Value), null);
        var renderer = new RenderCounter();
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
        Assert.Contains(_host.Logs.GetSnapshot(), r => r.Id.Id == 20);
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task InvalidateAsync_Hard_RemovesAndNextRequestRenders()
    {
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("f", [1], null, renderer.RenderAsync);
        Assert.True(await Fragments.InvalidateAsync("f", [1]));
        Assert.False(await Fragments.InvalidateAsync("f", [1]));
        await Fragments.GetOrRenderAsync("f", [1], null, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task InvalidateTagAsync_TaggedFragments_RenderAgainOthersDoNot()
    {
        var posts = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var users = new FragmentCacheEntryOptions { Tags = ["users"] };
        var a = new RenderCounter();
        var b = new RenderCounter();
        await Fragments.GetOrRenderAsync("a", null, posts, a.RenderAsync);
        await Fragments.GetOrRenderAsync("b", null, users, b.RenderAsync);
        await Fragments.InvalidateTagAsync("posts");
        await Fragments.GetOrRenderAsync("a", null, posts, a.RenderAsync);
        await Fragments.GetOrRenderAsync("b", null, users, b.RenderAsync);
        Assert.Equal(2, a.Calls);
        Assert.Equal(1, b.Calls);
        await Fragments.GetOrRenderAsync("a", null, posts, a.RenderAsync);
        Assert.Equal(2, a.Calls);
    }

    [Fact]
    public async Task InvalidateTagAsync_FromAnotherHost_InvalidatesHere()
    {
        await using var other = TestHost.Create(_store, _time);
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        await other.Fragments.InvalidateTagAsync("posts");
        await Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_TagCounterEvicted_IsAMiss()
    {
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        var tags = _host.Services.GetRequiredService<TagGenerationStore>();
        Assert.True(await _store.DeleteAsync(tags.CounterKey("posts")));
        await Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task InvalidateTagAsync_EvictedCounter_NeverReturnsToOldGeneration()
    {
        var tags = _host.Services.GetRequiredService<TagGenerationStore>();
        var first = (await tags.GetOrCreateAsync(["t"], null, default))[0].Generation;
        await _store.DeleteAsync(tags.CounterKey("t"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = (await tags.GetOrCreateAsync(["t"], null, default))[0].Generation;
        Assert.True(second > first);
    }

    [Fact]
    public async Task GetOrRenderAsync_RendererThrows_PropagatesAndCachesNothing()
    {
        var renderer = new RenderCounter { Throw = new InvalidOperationException("boom") };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        renderer.Throw = null;
        Assert.Equal("<p>fragment</p>", await Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderBytesAsync_SecondCall_ReturnsSameBytes()
    {
        var calls = 0;
        ValueTask<ReadOnlyMemory<byte>> Render(CancellationToken _)
        {
            calls++;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 0, 255, 7 });
        }

        await Fragments.GetOrRenderBytesAsync("bin", null, null, Render);
        var bytes = await Fragments.GetOrRenderBytesAsync("bin", null, null, Render);
        Assert.Equal(new byte[] { 0, 255, 7 }, bytes.ToArray());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_TextAndBytesUnderSameName_NeverServeEachOther()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("text", await Fragments.GetOrRenderAsync("same", null, null, _ => ValueTask.FromResult("text")));
            var bytes = await Fragments.GetOrRenderBytesAsync("same", null, null, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>(new byte[] { 1, 2 }));
            Assert.Equal(new byte[] { 1, 2 }, bytes.ToArray());
        }
    }

    [Fact]
    public async Task InvalidateAsync_Soft_OthersServeOldCopyWhileOneRebuilds()
    {
        await using var other = TestHost.Create(_store, _time);
        await Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("old").RenderAsync);
        await Fragments.InvalidateAsync("f", null, soft: true);

        var rebuild = new RenderCounter("new") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var rebuilding = Fragments.GetOrRenderAsync("f", null, null, rebuild.RenderAsync).AsTask();
        await rebuild.Started;

        var elsewhere = new RenderCounter("elsewhere");
        Assert.Equal("old", await other.Fragments.GetOrRenderAsync("f", null, null, elsewhere.RenderAsync));
        Assert.Equal(0, elsewhere.Calls);

        rebuild.Gate!.SetResult();
        Assert.Equal("new", await rebuilding);
        Assert.Equal("new", await other.Fragments.GetOrRenderAsync("f", null, null, elsewhere.RenderAsync));
    }

    [Fact]
    public async Task GetOrRenderAsync_ExpiredInsideStaleWindow_OthersServeOldCopyWhileOneRebuilds()
    {
        await using var other = TestHost.Create(_store, _time);
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), StaleWhileRevalidate = TimeSpan.FromSeconds(60) };
        await Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        _time.Advance(TimeSpan.FromSeconds(20));

        var rebuild = new RenderCounter("new") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var rebuilding = Fragments.GetOrRenderAsync("f", null, options, rebuild.RenderAsync).AsTask();
        await rebuild.Started;
        var elsewhere = new RenderCounter("elsewhere");
        using var staleServes = new MetricCollector<long>(other.Services.GetRequiredService<IMeterFactory>(), FragmentCacheMetrics.MeterName, "fragmentcache.stale_serves");
        Assert.Equal("old", await other.Fragments.GetOrRenderAsync("f", null, options, elsewhere.RenderAsync));
        Assert.Equal(0, elsewhere.Calls);
        Assert.Single(staleServes.GetMeasurementSnapshot());
        rebuild.Gate!.SetResult();
        Assert.Equal("new", await rebuilding);
    }

    [Fact]
    public async Task GetOrRenderAsync_ExpiredPastStaleWindow_Renders()
    {
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(10), StaleWhileRevalidate = TimeSpan.FromSeconds(5) };
        var renderer = new RenderCounter();
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        _time.Advance(TimeSpan.FromSeconds(16));
        await Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_InsideEarlyRecacheWindow_OneRequestRebuildsBeforeExpiry()
    {
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(60), EarlyRecacheWindow = TimeSpan.FromSeconds(10) };
        await Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        _time.Advance(TimeSpan.FromSeconds(55));
        Assert.Equal("new", await Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("new").RenderAsync));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("new", await Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("newer").RenderAsync));
    }
}

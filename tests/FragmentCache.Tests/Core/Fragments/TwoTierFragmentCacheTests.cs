using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

public sealed class TwoTierFragmentCacheTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _store;
    private readonly TestHost _first;
    private readonly TestHost _second;

    public TwoTierFragmentCacheTests()
    {
        _store = new MemoryCacheStore(_time);
        _first = TestHost.Create(_store, _time, Configure);
        _second = TestHost.Create(_store, _time, Configure);
    }

    private static void Configure(FragmentCacheOptions options)
    {
        options.TwoTier.Enabled = true;
        options.TwoTier.LocalExpiration = TimeSpan.FromSeconds(30);
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task GetOrRenderAsync_LocalCopy_ServedWithoutTheStore()
    {
        var renderer = new RenderCounter("v1");
        await _first.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        await _store.ClearAsync();
        Assert.Equal("v1", await _first.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_LocalHits_ShareTheCopysDecodedString()
    {
        var renderer = new RenderCounter("<p>héllo</p>");
        await _first.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        var first = await _first.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        var second = await _first.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync);
        Assert.Equal("<p>héllo</p>", first);
        Assert.Same(first, second); // decoded once per copy, not per hit
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task LocalCopyText_CurrentCopy_IsTheDecodedTextKeptWithTheCopy_GoneWhenTheTagMoves()
    {
        // The in-process copy alone, through the public primitive: a local hit, else a render that is not stored.
        static bool TryGetLocalText(DefaultFragmentCache cache, string name, object?[] vary, out string? text)
        {
            var result = cache.GetOrRenderAsync(FragmentKey.Create(name, vary), null, _ => ValueTask.FromResult(FragmentRender.NotStored("", "probe"))).AsTask().GetAwaiter().GetResult();
            text = result.Outcome == FragmentOutcome.LocalHit ? result.Text : null;
            return text is not null;
        }

        var cache = Assert.IsType<DefaultFragmentCache>(_first.Fragments);
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        Assert.False(TryGetLocalText(cache, "f", [1], out _));
        await cache.GetOrRenderAsync("f", [1], options, new RenderCounter("<p>héllo</p>").RenderAsync);

        Assert.True(TryGetLocalText(cache, "f", [1], out var first));
        Assert.True(TryGetLocalText(cache, "f", [1], out var second));
        Assert.Equal("<p>héllo</p>", first);
        Assert.Same(first, second); // decoded once per copy
        Assert.False(TryGetLocalText(cache, "f", [2], out _));

        await cache.InvalidateTagAsync("posts");
        Assert.False(TryGetLocalText(cache, "f", [1], out _));
    }

    [Fact]
    public async Task GetOrRenderAsync_LocalCopyPastLocalExpiration_GoesToTheStore()
    {
        await _first.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("v1").RenderAsync);
        await _store.ClearAsync();
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("v2", await _first.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("v2").RenderAsync));
    }

    [Fact]
    public async Task InvalidateTagAsync_OnAnotherNode_ReachesLocalCopyAtNextPoll()
    {
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v1").RenderAsync);
        await PollAsync(_first);

        await _second.Fragments.InvalidateTagAsync("posts");
        Assert.Equal("v1", await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v2").RenderAsync));

        await PollAsync(_first);
        Assert.Equal("v2", await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v2").RenderAsync));
    }

    [Fact]
    public async Task InvalidateAsync_OnAnotherNode_ReachesLocalCopyAtNextPoll()
    {
        await _first.Fragments.GetOrRenderAsync("f", [1], null, new RenderCounter("v1").RenderAsync);
        await PollAsync(_first);

        await _second.Fragments.InvalidateAsync("f", [1]);
        Assert.Equal("v1", await _first.Fragments.GetOrRenderAsync("f", [1], null, new RenderCounter("v2").RenderAsync));

        await PollAsync(_first);
        Assert.Equal("v2", await _first.Fragments.GetOrRenderAsync("f", [1], null, new RenderCounter("v2").RenderAsync));
    }

    [Fact]
    public async Task InvalidateTagAsync_OnSameNode_IsImmediate()
    {
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v1").RenderAsync);
        await _first.Fragments.InvalidateTagAsync("posts");
        Assert.Equal("v2", await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v2").RenderAsync));
    }

    [Fact]
    public async Task Poller_Running_PollsEveryInterval()
    {
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v1").RenderAsync);
        var poller = _first.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<LocalTierPoller>().Single();
        await poller.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await _second.Fragments.InvalidateTagAsync("posts");
            for (var i = 0; i < 50 && await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v2").RenderAsync) == "v1"; i++)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }

            Assert.Equal("v2", await _first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("v3").RenderAsync));
        }
        finally
        {
            await poller.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task PollOnceAsync_StoreFails_DropsEveryLocalCopy()
    {
        using var memory = new MemoryCacheStore(_time);
        await using var host = TestHost.Create(new TagOutageStore(memory), _time, Configure);
        await host.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("v1").RenderAsync);
        await memory.ClearAsync();
        Assert.Equal("v1", await host.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("v2").RenderAsync));

        await PollAsync(host);

        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 30);
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("v2").RenderAsync));
    }

    private static Task PollAsync(TestHost host)
        => host.Services.GetRequiredService<LocalFragmentTier>().PollOnceAsync(CancellationToken.None);
}

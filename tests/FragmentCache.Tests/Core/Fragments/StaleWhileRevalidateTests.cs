using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Within the stale window (and the early-recache window) only the request that re-renders waits; every other request,
/// on the same host or another, gets the stored copy at once. Hosts are service providers over one memory store.
/// </summary>
public sealed class StaleWhileRevalidateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly FragmentCacheEntryOptions Stale = new() { Expiration = TimeSpan.FromSeconds(2), StaleWhileRevalidate = TimeSpan.FromSeconds(6) };

    private static readonly FragmentCacheEntryOptions Early = new() { Expiration = TimeSpan.FromSeconds(60), EarlyRecacheWindow = TimeSpan.FromSeconds(10) };

    private static void Configure(FragmentCacheOptions options)
    {
        options.Stampede.LeaseTime = TimeSpan.FromSeconds(5);
        options.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public async Task GetOrRenderAsync_20ConcurrentInStaleWindowOnOneHost_OneRendersNineteenGetOldCopyWhileItRenders()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await host.Fragments.GetOrRenderAsync("f", null, Stale, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var renderer = Gated("new");
        var requests = Start(20, _ => host, Stale, renderer);

        var rendering = await ServedWhileRenderBlockedAsync(requests, renderer, "old");
        renderer.Gate!.SetResult();
        Assert.Equal("new", await rendering.WaitAsync(Bound, TestContext.Current.CancellationToken));

        var later = new RenderCounter("later");
        Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, Stale, later.RenderAsync));
        Assert.Equal(0, later.Calls);
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_20ConcurrentInStaleWindowOnFourHosts_OneRendersNineteenGetOldCopyWhileItRenders()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        var hosts = new TestHost[4];
        for (var i = 0; i < hosts.Length; i++)
        {
            hosts[i] = TestHost.Create(store, time, Configure);
        }

        try
        {
            await hosts[0].Fragments.GetOrRenderAsync("f", null, Stale, new RenderCounter("old").RenderAsync);
            time.Advance(TimeSpan.FromSeconds(3.5));

            var renderer = Gated("new");
            var requests = Start(20, i => hosts[i % hosts.Length], Stale, renderer);

            var rendering = await ServedWhileRenderBlockedAsync(requests, renderer, "old");
            renderer.Gate!.SetResult();
            Assert.Equal("new", await rendering.WaitAsync(Bound, TestContext.Current.CancellationToken));
            foreach (var host in hosts)
            {
                Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, Stale, renderer.RenderAsync));
            }

            Assert.Equal(1, renderer.Calls);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GetOrRenderAsync_20ConcurrentInEarlyRecacheWindow_OneRendersNineteenGetCurrentCopyWhileItRenders()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await host.Fragments.GetOrRenderAsync("f", null, Early, new RenderCounter("current").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(55));

        var renderer = Gated("new");
        var requests = Start(20, _ => host, Early, renderer);

        var rendering = await ServedWhileRenderBlockedAsync(requests, renderer, "current");
        renderer.Gate!.SetResult();
        Assert.Equal("new", await rendering.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, Early, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_ReRenderThrows_OldCopyStillServedAndOneLaterRequestRetries()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await using var other = TestHost.Create(store, time, Configure);
        await host.Fragments.GetOrRenderAsync("f", null, Stale, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var failing = Gated("never");
        failing.Throw = new InvalidOperationException("render failed");
        var first = Start(10, i => i % 2 == 0 ? host : other, Stale, failing);
        var failed = await ServedWhileRenderBlockedAsync(first, failing, "old");
        failing.Gate!.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Bound, TestContext.Current.CancellationToken));

        // The lease went back with the failure: the next wave re-renders once, and its other requests keep the old copy.
        var retry = Gated("new");
        var second = Start(20, i => i % 2 == 0 ? host : other, Stale, retry);
        var retrying = await ServedWhileRenderBlockedAsync(second, retry, "old");
        retry.Gate!.SetResult();
        Assert.Equal("new", await retrying.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal("new", await other.Fragments.GetOrRenderAsync("f", null, Stale, retry.RenderAsync));
        Assert.Equal(1, failing.Calls);
        Assert.Equal(1, retry.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_BackgroundRefresh_EveryRequestGetsOldCopyAndTheRenderOutlivesTheirCancellation()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await using var other = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Expiration = Stale.Expiration, StaleWhileRevalidate = Stale.StaleWhileRevalidate, BackgroundRefresh = true };
        await host.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var renderer = Gated("new");
        using var gone = new CancellationTokenSource();
        var requests = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? host : other).Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync, gone.Token)))
            .ToArray();

        // All twenty answer while the one render is still held, the one that started it included.
        var answers = await Task.WhenAll(requests).WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("old", a));
        await renderer.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(1, renderer.Calls);

        await gone.CancelAsync();
        renderer.Gate!.SetResult();
        Assert.Equal("new", await FirstAnswerOtherThanAsync(other, options, renderer, "old"));
        Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderBytesAsync_BackgroundRefreshInEarlyRecacheWindow_ServesCurrentCopyAndStoresTheNewOne()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Expiration = Early.Expiration, EarlyRecacheWindow = Early.EarlyRecacheWindow, BackgroundRefresh = true };
        await host.Fragments.GetOrRenderBytesAsync("b", null, options, _ => ValueTask.FromResult<ReadOnlyMemory<byte>>("current"u8.ToArray()));
        time.Advance(TimeSpan.FromSeconds(55));

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renders = 0;
        async ValueTask<ReadOnlyMemory<byte>> RenderAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref renders);
            await gate.Task.WaitAsync(cancellationToken);
            return "new"u8.ToArray();
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await host.Fragments.GetOrRenderBytesAsync("b", null, options, RenderAsync))))
            .WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("current"u8.ToArray(), a.ToArray()));
        gate.SetResult();

        var latest = "current"u8.ToArray();
        for (var i = 0; i < 500 && latest.AsSpan().SequenceEqual("current"u8); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            latest = (await host.Fragments.GetOrRenderBytesAsync("b", null, options, RenderAsync)).ToArray();
        }

        Assert.Equal("new"u8.ToArray(), latest);
        Assert.Equal(1, Volatile.Read(ref renders));
    }

    [Fact]
    public async Task GetOrRenderAsync_BackgroundRefreshThrows_NothingSurfacesOldCopyStaysAndALaterRequestRetries()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Expiration = Stale.Expiration, StaleWhileRevalidate = Stale.StaleWhileRevalidate, BackgroundRefresh = true };
        await host.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3.5));

        // The first render is held, then throws; later ones succeed.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renders = 0;
        async ValueTask<string> RenderAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref renders) == 1)
            {
                started.SetResult();
                await gate.Task.WaitAsync(cancellationToken);
                throw new InvalidOperationException("background render failed");
            }

            return "new";
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await host.Fragments.GetOrRenderAsync("f", null, options, RenderAsync))))
            .WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("old", a));
        await started.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref renders));
        gate.SetResult();

        // The failure is logged (after the lease went back), never thrown.
        for (var i = 0; i < 500 && !host.Logs.GetSnapshot().Any(r => r.Id.Name == "FragmentRenderFailed"); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "FragmentRenderFailed" && r.Level == LogLevel.Warning);

        // A later request wins the lease again and starts the retry in the background; it, too, gets the old copy.
        Assert.Equal("old", await host.Fragments.GetOrRenderAsync("f", null, options, RenderAsync));
        var latest = "old";
        for (var i = 0; i < 500 && latest == "old"; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            latest = await host.Fragments.GetOrRenderAsync("f", null, options, RenderAsync);
        }

        Assert.Equal("new", latest);
        Assert.Equal(2, Volatile.Read(ref renders));
    }

    [Fact]
    public async Task GetOrRenderAsync_BackgroundRefresh_RenderTokenCancelledWhenTheCacheIsDisposed()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        var host = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Expiration = Stale.Expiration, StaleWhileRevalidate = Stale.StaleWhileRevalidate, BackgroundRefresh = true };
        await host.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var token = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal("old", await host.Fragments.GetOrRenderAsync("f", null, options, ct =>
        {
            token.SetResult(ct);
            return new ValueTask<string>(never.Task.WaitAsync(ct));
        }));

        var renderToken = await token.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.False(renderToken.IsCancellationRequested);
        await host.DisposeAsync();
        Assert.True(renderToken.IsCancellationRequested);
    }

    [Fact]
    public async Task GetOrRenderAsync_BackgroundRefreshWithoutStaleOrRecacheWindow_RendersInTheForeground()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromSeconds(2), BackgroundRefresh = true };
        await host.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("old").RenderAsync);
        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal("new", await host.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter("new").RenderAsync));
    }

    private static RenderCounter Gated(string output) => new(output) { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

    private static Task<string>[] Start(int count, Func<int, TestHost> host, FragmentCacheEntryOptions options, RenderCounter renderer)
        => Enumerable.Range(0, count)
            .Select(i => Task.Run(async () => await host(i).Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync)))
            .ToArray();

    /// <summary>
    /// Waits (bounded) until all but one request have answered while the one render is still held on its gate, then
    /// checks they all got <paramref name="copy"/> and that the render ran once. Returns the request that renders.
    /// </summary>
    private static async Task<Task<string>> ServedWhileRenderBlockedAsync(Task<string>[] requests, RenderCounter renderer, string copy)
    {
        await renderer.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        var others = requests.Length - 1;
        for (var i = 0; i < 1000 && requests.Count(r => r.IsCompleted) < others; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.False(renderer.Gate!.Task.IsCompleted);
        var answered = requests.Where(r => r.IsCompleted).ToArray();
        Assert.Equal(others, answered.Length);
        Assert.All(answered, r => Assert.Equal(copy, r.Result));
        Assert.Equal(1, renderer.Calls);
        return Assert.Single(requests, r => !r.IsCompleted);
    }

    /// <summary>Asks again (bounded) until the answer is no longer <paramref name="old"/>: a background refresh lands on its own time.</summary>
    private static async Task<string> FirstAnswerOtherThanAsync(TestHost host, FragmentCacheEntryOptions options, RenderCounter renderer, string old)
    {
        var answer = old;
        for (var i = 0; i < 500 && answer == old; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            answer = await host.Fragments.GetOrRenderAsync("f", null, options, renderer.RenderAsync);
        }

        return answer;
    }
}

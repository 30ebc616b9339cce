using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>Two hosts (two service providers) sharing one store instance: one simulated shared backend.</summary>
public sealed class FragmentStampedeTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(5);

    private static void Configure(FragmentCacheOptions options)
    {
        options.Stampede.LeaseTime = LeaseTime;
        options.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public async Task GetOrRenderAsync_500ConcurrentRequestsOnTwoHosts_RendersOnce()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var first = TestHost.Create(store, TimeProvider.System, Configure);
        await using var second = TestHost.Create(store, TimeProvider.System, Configure);
        var renderer = new RenderCounter("<p>cold</p>") { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };

        var requests = Enumerable.Range(0, 500)
            .Select(i => Task.Run(async () => await (i % 2 == 0 ? first : second).Fragments.GetOrRenderAsync("cold", ["k"], null, renderer.RenderAsync)))
            .ToArray();
        await renderer.Started.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        renderer.Gate!.SetResult();
        var results = await Task.WhenAll(requests).WaitAsync(LeaseTime, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal("<p>cold</p>", r));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_WinnerThrows_WaiterOnOtherHostRendersWithinLeaseTime()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var first = TestHost.Create(store, TimeProvider.System, Configure);
        await using var second = TestHost.Create(store, TimeProvider.System, Configure);
        var failing = new RenderCounter
        {
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            Throw = new InvalidOperationException("renderer failed"),
        };
        var winner = first.Fragments.GetOrRenderAsync("f", null, null, failing.RenderAsync).AsTask();
        await failing.Started.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var waiting = new RenderCounter("<p>ok</p>");
        var clock = Stopwatch.StartNew();
        var waiter = second.Fragments.GetOrRenderAsync("f", null, null, waiting.RenderAsync).AsTask();
        Assert.False(waiter.IsCompleted);
        failing.Gate!.SetResult();

        await Assert.ThrowsAsync<InvalidOperationException>(() => winner);
        Assert.Equal("<p>ok</p>", await waiter.WaitAsync(LeaseTime, TestContext.Current.CancellationToken));
        Assert.True(clock.Elapsed < LeaseTime, $"waited {clock.Elapsed}");
        Assert.Equal(1, waiting.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_AfterRendererThrew_NextRequestRendersAgain()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var host = TestHost.Create(store, TimeProvider.System, Configure);
        var renderer = new RenderCounter { Throw = new InvalidOperationException("boom") };
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));

        renderer.Throw = null;
        var clock = Stopwatch.StartNew();
        Assert.Equal("<p>fragment</p>", await host.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync));
        Assert.True(clock.Elapsed < LeaseTime, $"waited {clock.Elapsed}");
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_WinnerHangs_WaiterRendersItselfAtLeaseTime()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var first = TestHost.Create(store, time, Configure);
        await using var second = TestHost.Create(store, time, Configure);
        var hanging = new RenderCounter { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        _ = first.Fragments.GetOrRenderAsync("f", null, null, hanging.RenderAsync).AsTask();
        await hanging.Started;

        var waiting = new RenderCounter("<p>mine</p>");
        var waiter = second.Fragments.GetOrRenderAsync("f", null, null, waiting.RenderAsync).AsTask();
        var advanced = TimeSpan.Zero;
        while (!waiter.IsCompleted && advanced <= LeaseTime + TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            advanced += TimeSpan.FromMilliseconds(10);
            await Task.Yield();
        }

        Assert.Equal("<p>mine</p>", await waiter.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.InRange(advanced, LeaseTime - TimeSpan.FromMilliseconds(20), LeaseTime + TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, waiting.Calls);
        hanging.Gate!.SetResult();
    }

    [Fact]
    public async Task GetOrRenderAsync_LeadingRequestCancelled_JoinedRequestRendersItself()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var host = TestHost.Create(store, TimeProvider.System, Configure);
        using var leaderGone = new CancellationTokenSource();
        var hanging = new RenderCounter { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var leader = host.Fragments.GetOrRenderAsync("f", null, null, hanging.RenderAsync, leaderGone.Token).AsTask();
        await hanging.Started;

        var joined = host.Fragments.GetOrRenderAsync("f", null, null, new RenderCounter("<p>second</p>").RenderAsync).AsTask();
        Assert.False(joined.IsCompleted);
        await leaderGone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.Equal("<p>second</p>", await joined.WaitAsync(LeaseTime, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetOrRenderAsync_TagCountersUnreachable_RendersUncachedAndReleasesLease()
    {
        var time = TestClock.Create();
        using var memory = new MemoryCacheStore(time);
        var store = new TagOutageStore(memory);
        await using var first = TestHost.Create(store, time, Configure);
        await using var second = TestHost.Create(store, time, Configure);
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };

        Assert.Equal("<p>fragment</p>", await first.Fragments.GetOrRenderAsync("f", null, options, new RenderCounter().RenderAsync));
        var next = new RenderCounter("<p>next</p>");
        var answer = await second.Fragments.GetOrRenderAsync("f", null, options, next.RenderAsync).AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal("<p>next</p>", answer);
        Assert.Equal(1, next.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_ConcurrentMissesWithoutLeases_RenderOncePerProcess()
    {
        var time = new FakeTimeProvider();
        using var store = new MemoryCacheStore(time);
        var plain = new PlainStore(store);
        await using var host = TestHost.Create(plain, time, Configure);
        var renderer = new RenderCounter { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var requests = Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await host.Fragments.GetOrRenderAsync("f", null, null, renderer.RenderAsync))).ToArray();
        await renderer.Started;
        await Task.Delay(20, TestContext.Current.CancellationToken);
        renderer.Gate!.SetResult();
        await Task.WhenAll(requests);
        Assert.Equal(1, renderer.Calls);
    }
}

public sealed class UncacheableRenderTests
{
    [Fact]
    public async Task GetOrRenderAsync_RenderSaysUncacheable_NothingStoredNoWarningNextRequestRenders()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var host = TestHost.Create(store, TimeProvider.System);
        var renderer = new RenderCounter();
        var notStored = true;
        var key = FragmentKey.Create("page", null);
        async ValueTask<FragmentRender> Render(CancellationToken ct)
        {
            var html = await renderer.RenderAsync(ct);
            return notStored ? FragmentRender.NotStored(html, "Set-Cookie") : FragmentRender.Stored(html);
        }

        var first = await host.Fragments.GetOrRenderAsync(key, null, Render);
        Assert.Equal(FragmentOutcome.NotStored, first.Outcome);
        Assert.Equal("<p>fragment</p>", first.Text);
        notStored = false;
        Assert.Equal("<p>fragment</p>", (await host.Fragments.GetOrRenderAsync(key, null, Render)).Text);

        Assert.Equal(2, renderer.Calls);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}

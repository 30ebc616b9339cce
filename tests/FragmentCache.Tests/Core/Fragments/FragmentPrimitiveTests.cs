using System.Diagnostics.Metrics;
using System.Text;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// The key-first primitive, <see cref="IFragmentCache.GetOrRenderAsync(FragmentKey, FragmentCacheEntryOptions?, Func{CancellationToken, ValueTask{FragmentRender}}, CancellationToken)"/>:
/// its outcomes, "render but don't store" as a return value, and the per-fragment figures, on each store with leases.
/// </summary>
public abstract class FragmentPrimitiveTests
{
    protected abstract ICacheStore NewStore();

    private TestHost NewHost(Action<FragmentCacheOptions>? configure = null)
    {
        var prefix = "prim" + Guid.NewGuid().ToString("N")[..8];
        return TestHost.Create(NewStore(), TimeProvider.System, o =>
        {
            o.KeyPrefix = prefix;
            o.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
            configure?.Invoke(o);
        });
    }

    private static Func<CancellationToken, ValueTask<FragmentRender>> Counting(string html, Action onRender, bool store = true) => _ =>
    {
        onRender();
        return ValueTask.FromResult(store ? FragmentRender.Stored(html) : FragmentRender.NotStored(html, "Set-Cookie"));
    };

    [Fact]
    public async Task GetOrRenderAsync_MissThenHit_ReportsOutcomesAndTheStoredUtf8()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("card", ["ü"]);
        var renders = 0;

        var first = await host.Fragments.GetOrRenderAsync(key, null, Counting("<p>ü</p>", () => renders++));
        var second = await host.Fragments.GetOrRenderAsync(key, null, Counting("<p>other</p>", () => renders++));

        Assert.Equal(FragmentOutcome.Miss, first.Outcome);
        Assert.False(first.IsFromCache);
        Assert.Equal("<p>ü</p>", first.Text);
        Assert.True(first.HasText);
        Assert.Equal(FragmentOutcome.Hit, second.Outcome);
        Assert.True(second.IsFromCache);
        Assert.Equal(Encoding.UTF8.GetBytes("<p>ü</p>"), second.Utf8.ToArray());
        Assert.False(second.HasText);
        Assert.Equal("<p>ü</p>", second.Text);
        Assert.Equal(1, renders);
    }

    [Fact]
    public async Task GetOrRenderAsync_RenderSaysNotStored_CallerGetsItNothingIsStoredNextCallRenders()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("private", null);
        var renders = 0;

        var first = await host.Fragments.GetOrRenderAsync(key, null, Counting("<p>mine</p>", () => renders++, store: false));
        var entry = await host.Services.GetRequiredService<IFragmentEntryStore>().GetAsync(key);
        var second = await host.Fragments.GetOrRenderAsync(key, null, Counting("<p>yours</p>", () => renders++, store: false));

        Assert.Equal(FragmentOutcome.NotStored, first.Outcome);
        Assert.Equal("<p>mine</p>", first.Text);
        Assert.Null(entry);
        Assert.Equal(FragmentOutcome.NotStored, second.Outcome);
        Assert.Equal("<p>yours</p>", second.Text);
        Assert.Equal(2, renders);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task GetOrRenderAsync_JoinedARenderThatWasNotStored_RendersItsOwn()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("per-user", null);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var leader = Task.Run(async () => await host.Fragments.GetOrRenderAsync(key, null, async ct =>
        {
            started.SetResult();
            await gate.Task.WaitAsync(ct);
            return FragmentRender.NotStored("<p>alice</p>", "Set-Cookie");
        }));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var joinerRendered = false;
        var joiner = Task.Run(async () => await host.Fragments.GetOrRenderAsync(key, null, _ =>
        {
            joinerRendered = true;
            return ValueTask.FromResult(FragmentRender.Stored("<p>bob</p>"));
        }));
        // The joiner is parked on the leader's flight (or, if late, leads itself): either way it must never see alice's.
        await Task.Delay(50);
        gate.SetResult();

        Assert.Equal("<p>alice</p>", (await leader).Text);
        var joined = await joiner;
        Assert.Equal("<p>bob</p>", joined.Text);
        Assert.True(joinerRendered);
    }

    [Fact]
    public async Task GetOrRenderAsync_SoftInvalidatedWithBackgroundRefresh_ReportsStaleHitWithTheOldCopy()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("stale", null);
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), BackgroundRefresh = true };
        await host.Fragments.GetOrRenderAsync(key, options, _ => ValueTask.FromResult(FragmentRender.Stored("<p>old</p>")));
        await host.Fragments.InvalidateAsync(key, soft: true);
        var refreshed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var stale = await host.Fragments.GetOrRenderAsync(key, options, _ =>
        {
            refreshed.TrySetResult();
            return ValueTask.FromResult(FragmentRender.Stored("<p>new</p>"));
        });

        Assert.Equal(FragmentOutcome.StaleHit, stale.Outcome);
        Assert.True(stale.IsFromCache);
        Assert.Equal("<p>old</p>", stale.Text);
        await refreshed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, host.Services.GetRequiredService<FragmentCacheStatistics>().Get("stale").StaleHits);
    }

    [Fact]
    public async Task GetOrRenderAsync_TwoTier_SecondCallIsALocalHitThatKeepsItsDecodedString()
    {
        await using var host = NewHost(o => o.TwoTier.Enabled = true);
        var key = FragmentKey.Create("local", [1]);
        await host.Fragments.GetOrRenderAsync(key, null, _ => ValueTask.FromResult(FragmentRender.Stored("<p>near</p>")));

        var first = await host.Fragments.GetOrRenderAsync(key, null, _ => throw new InvalidOperationException("must not render"));
        var second = await host.Fragments.GetOrRenderAsync(key, null, _ => throw new InvalidOperationException("must not render"));

        Assert.Equal(FragmentOutcome.LocalHit, first.Outcome);
        Assert.True(first.HasText);
        Assert.Equal("<p>near</p>", first.Text);
        Assert.Same(first.Text, second.Text);
        Assert.Same(first.GetDecoded(static b => b.ToArray()), second.GetDecoded(static b => b.ToArray()));
        Assert.Equal(2, host.Services.GetRequiredService<FragmentCacheStatistics>().Get("local").LocalHits);
    }

    [Fact]
    public async Task GetOrRenderAsync_ThroughADecorator_KeepsTheUtf8AndTheOutcome()
    {
        await using var host = NewHost();
        IFragmentCache decorated = new ForwardingFragmentCache(host.Fragments);
        var key = FragmentKey.Create("decorated", null);
        var bytes = Encoding.UTF8.GetBytes("<p>bytes</p>");
        await decorated.GetOrRenderAsync(key, null, _ => ValueTask.FromResult(FragmentRender.Stored(bytes)));

        var hit = await decorated.GetOrRenderAsync(key, null, _ => throw new InvalidOperationException("must not render"));

        Assert.Equal(FragmentOutcome.Hit, hit.Outcome);
        Assert.Equal(bytes, hit.Utf8.ToArray());
        Assert.False(hit.HasText); // the stored UTF-8 as is: no string was built on the way

        // The name + vary forms are extension methods over the primitive, so they work through any decorator.
        var renders = 0;
        await decorated.GetOrRenderAsync("greeting", null, null, _ => ValueTask.FromResult("<p>hi " + ++renders + "</p>"));
        Assert.Equal("<p>hi 1</p>", await decorated.GetOrRenderAsync("greeting", null, null, _ => ValueTask.FromResult("<p>hi " + ++renders + "</p>")));
        Assert.Equal(1, renders);
    }

    [Fact]
    public async Task GetOrRenderAsync_JoinedALeaderThatWasCancelled_StartsAgainAndRenders()
    {
        await using var host = NewHost();
        var key = FragmentKey.Create("cancelled", null);
        using var leaderGone = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leader = Task.Run(async () => await host.Fragments.GetOrRenderAsync(key, null, async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return FragmentRender.Stored("never");
        }, leaderGone.Token));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var joiner = Task.Run(async () => await host.Fragments.GetOrRenderAsync(key, null, _ => ValueTask.FromResult(FragmentRender.Stored("<p>mine</p>"))));
        await Task.Delay(50);
        await leaderGone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        var result = await joiner.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("<p>mine</p>", result.Text);
        Assert.Equal(FragmentOutcome.Miss, result.Outcome);
    }

    [Fact]
    public async Task Statistics_CountEachOutcomeUnderTheMetricNameOrTheKeyName_AndTheMeterCarriesThem()
    {
        await using var host = NewHost();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var lookups = new MetricCollector<long>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.fragment.lookups");
        using var durations = new MetricCollector<double>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.fragment.duration");
        var page = new FragmentCacheEntryOptions { MetricName = "page /posts/{slug}" };

        await host.Fragments.GetOrRenderAsync(FragmentKey.Create("page", ["/posts/a"]), page, _ => ValueTask.FromResult(FragmentRender.Stored("a")));
        await host.Fragments.GetOrRenderAsync(FragmentKey.Create("page", ["/posts/a"]), page, _ => ValueTask.FromResult(FragmentRender.Stored("a")));
        await host.Fragments.GetOrRenderAsync(FragmentKey.Create("page", ["/posts/b"]), page, _ => ValueTask.FromResult(FragmentRender.NotStored("b", "Set-Cookie")));
        await host.Fragments.GetOrRenderAsync("sidebar", ["secret-user"], null, _ => ValueTask.FromResult("s"));

        var statistics = host.Services.GetRequiredService<FragmentCacheStatistics>();
        var pages = statistics.Get("page /posts/{slug}");
        Assert.Equal((1L, 1L, 1L), (pages.Misses, pages.Hits, pages.NotStored));
        Assert.Equal(2, pages.RenderedLookups);
        Assert.True(pages.RenderedTime > TimeSpan.Zero);
        Assert.Equal(1, statistics.Get("sidebar").Misses);
        Assert.Equal(new[] { "page /posts/{slug}", "sidebar" }, statistics.Snapshot().Select(r => r.Name));
        Assert.Equal(0, statistics.Get("page").Misses);

        var measured = lookups.GetMeasurementSnapshot();
        Assert.Equal(4, measured.Count);
        Assert.Contains(measured, m => (string?)m.Tags["fragment"] == "page /posts/{slug}" && (string?)m.Tags["outcome"] == "not_stored");
        Assert.Contains(measured, m => (string?)m.Tags["fragment"] == "sidebar" && (string?)m.Tags["outcome"] == "miss");
        Assert.All(measured, m => Assert.DoesNotContain(m.Tags.Values, v => v is string s && s.Contains("secret", StringComparison.Ordinal)));
        Assert.Equal(4, durations.GetMeasurementSnapshot().Count);
    }

    /// <summary>A decorator that adds nothing: what an application's own wrapper looks like.</summary>
    private sealed class ForwardingFragmentCache(IFragmentCache inner) : IFragmentCache
    {
        public ValueTask<FragmentResult> GetOrRenderAsync(FragmentKey key, FragmentCacheEntryOptions? options, Func<CancellationToken, ValueTask<FragmentRender>> render, CancellationToken cancellationToken = default)
            => inner.GetOrRenderAsync(key, options, render, cancellationToken);

        public ValueTask<bool> InvalidateAsync(FragmentKey key, bool soft = false, CancellationToken cancellationToken = default)
            => inner.InvalidateAsync(key, soft, cancellationToken);

        public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
            => inner.InvalidateTagAsync(tag, cancellationToken);
    }
}

public sealed class MemoryFragmentPrimitiveTests : FragmentPrimitiveTests
{
    protected override ICacheStore NewStore() => new MemoryCacheStore(TimeProvider.System);
}

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedFragmentPrimitiveTests(MemcachedFixture fixture) : FragmentPrimitiveTests
{
    protected override ICacheStore NewStore() => new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
}

using Microsoft.Extensions.Logging;

namespace FragmentCache.Tests.Core;

/// <summary>
/// <c>ICache.GetOrSetAsync</c> with <see cref="CacheEntryOptions"/>: within the stale window only the caller that rebuilds
/// waits (none with a background refresh). Hosts are service providers over one memory store.
/// </summary>
public sealed class CacheRefreshTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly CacheEntryOptions Stale = new() { Timeout = TimeSpan.FromSeconds(2), StaleWhileRevalidate = TimeSpan.FromSeconds(6) };

    private static readonly CacheEntryOptions Background = new() { Timeout = TimeSpan.FromSeconds(2), StaleWhileRevalidate = TimeSpan.FromSeconds(6), BackgroundRefresh = true };

    private static void Configure(FragmentCacheOptions options)
    {
        options.Stampede.LeaseTime = TimeSpan.FromSeconds(5);
        options.Stampede.PollInterval = TimeSpan.FromMilliseconds(10);
    }

    [Fact]
    public void CacheEntryOptions_Defaults_TheStampedeSettingsAndNoBackgroundRefresh()
    {
        var options = new CacheEntryOptions();
        Assert.Null(options.Timeout);
        Assert.Null(options.StaleWhileRevalidate);
        Assert.Null(options.EarlyRecacheWindow);
        Assert.False(options.BackgroundRefresh);
        Assert.False(new FragmentCacheEntryOptions().BackgroundRefresh);
    }

    [Fact]
    public async Task GetOrSetAsync_20ConcurrentInStaleWindowOnTwoHosts_OneBuildsNineteenGetOldValueWhileItBuilds()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var first = TestHost.Create(store, time, Configure);
        await using var second = TestHost.Create(store, time, Configure);
        Assert.Equal(1, await first.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult(1), Stale));
        time.Advance(TimeSpan.FromSeconds(3.5));

        var factory = new GatedFactory<int>(2);
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () => await (i % 2 == 0 ? first : second).Cache.GetOrSetAsync("k", factory.BuildAsync, Stale))).ToArray();
        await factory.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        for (var i = 0; i < 1000 && calls.Count(c => c.IsCompleted) < 19; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var answered = calls.Where(c => c.IsCompleted).ToArray();
        Assert.Equal(19, answered.Length);
        Assert.All(answered, c => Assert.Equal(1, c.Result));
        var building = Assert.Single(calls, c => !c.IsCompleted);
        factory.Gate.SetResult();
        Assert.Equal(2, await building.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.Equal(2, await second.Cache.GetAsync<int>("k"));
        Assert.Equal(1, factory.Calls);
    }

    [Fact]
    public async Task GetOrSetAsync_BackgroundRefresh_EveryCallerGetsOldValueAndTheBuildOutlivesTheirCancellation()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var first = TestHost.Create(store, time, Configure);
        await using var second = TestHost.Create(store, time, Configure);
        await first.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("old"), Background);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var factory = new GatedFactory<string>("new");
        using var gone = new CancellationTokenSource();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
                await (i % 2 == 0 ? first : second).Cache.GetOrSetAsync("k", factory.BuildAsync, Background, gone.Token))))
            .WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("old", a));
        await factory.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.Equal(1, factory.Calls);

        await gone.CancelAsync();
        factory.Gate.SetResult();
        Assert.Equal("new", await FirstAnswerOtherThanAsync(second, factory, "old"));
        Assert.Equal("new", await first.Cache.GetOrSetAsync("k", factory.BuildAsync, Background));
        Assert.Equal(1, factory.Calls);
    }

    [Fact]
    public async Task GetOrSetAsync_BackgroundRefreshThrows_NothingSurfacesOldValueStaysAndALaterCallerRetries()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("old"), Background);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var failing = new GatedFactory<string>("never") { Throw = new InvalidOperationException("build failed") };
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () => await host.Cache.GetOrSetAsync("k", failing.BuildAsync, Background))))
            .WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("old", a));
        await failing.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        failing.Gate.SetResult();
        for (var i = 0; i < 500 && !host.Logs.GetSnapshot().Any(r => r.Id.Name == "BackgroundRefreshFailed"); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Name == "BackgroundRefreshFailed" && r.Level == LogLevel.Warning);
        Assert.Equal(1, failing.Calls);

        // The lease went back with the failure: the next caller starts one more build, and still gets the old value.
        var retry = new GatedFactory<string>("new");
        retry.Gate.SetResult();
        Assert.Equal("old", await host.Cache.GetOrSetAsync("k", retry.BuildAsync, Background));
        Assert.Equal("new", await FirstAnswerOtherThanAsync(host, retry, "old"));
        Assert.Equal(1, retry.Calls);
    }

    [Fact]
    public async Task GetOrSetAsync_ConcurrentMissOnTwoHosts_FactoryRunsOnceAndEveryoneGetsItsValue()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var first = TestHost.Create(store, TimeProvider.System, Configure);
        await using var second = TestHost.Create(store, TimeProvider.System, Configure);
        var factory = new GatedFactory<string>("built");
        var calls = Enumerable.Range(0, 20).Select(i => Task.Run(async () => await (i % 2 == 0 ? first : second).Cache.GetOrSetAsync("k", factory.BuildAsync, Stale))).ToArray();
        await factory.Started.WaitAsync(Bound, TestContext.Current.CancellationToken);
        factory.Gate.SetResult();

        var answers = await Task.WhenAll(calls).WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.All(answers, a => Assert.Equal("built", a));
        Assert.Equal(1, factory.Calls);
    }

    [Fact]
    public async Task GetOrSetAsync_BuildThrowsInTheForeground_CallerGetsTheExceptionOldValueStays()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        await using var host = TestHost.Create(store, time, Configure);
        await host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("old"), Stale);
        time.Advance(TimeSpan.FromSeconds(3.5));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await host.Cache.GetOrSetAsync<string>("k", _ => throw new InvalidOperationException("build failed"), Stale));
        Assert.Equal("newer", await host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("newer"), Stale));
    }

    [Fact]
    public async Task GetOrSetAsync_BackgroundRefresh_FactoryTokenCancelledWhenTheCacheIsDisposed()
    {
        var time = TestClock.Create();
        using var store = new MemoryCacheStore(time);
        var host = TestHost.Create(store, time, Configure);
        await host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("old"), Background);
        time.Advance(TimeSpan.FromSeconds(3.5));

        var token = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Equal("old", await host.Cache.GetOrSetAsync("k", ct =>
        {
            token.SetResult(ct);
            return new ValueTask<string>(never.Task.WaitAsync(ct));
        }, Background));

        var factoryToken = await token.Task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        Assert.False(factoryToken.IsCancellationRequested);
        await host.DisposeAsync();
        Assert.True(factoryToken.IsCancellationRequested);
    }

    private static async Task<string> FirstAnswerOtherThanAsync(TestHost host, GatedFactory<string> factory, string old)
    {
        var answer = old;
        for (var i = 0; i < 500 && answer == old; i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
            answer = await host.Cache.GetOrSetAsync("k", factory.BuildAsync, Background);
        }

        return answer;
    }
}

/// <summary>A value factory that counts its calls and waits on a gate.</summary>
internal sealed class GatedFactory<T>(T value)
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Throw { get; init; }

    public int Calls => Volatile.Read(ref _calls);

    public Task Started => _started.Task;

    public async ValueTask<T> BuildAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        _started.TrySetResult();
        await Gate.Task.WaitAsync(cancellationToken);
        return Throw is { } error ? throw error : value;
    }
}

using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

public sealed class DefaultCacheTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _store;
    private readonly TestHost _host;

    public DefaultCacheTests()
    {
        _store = new MemoryCacheStore(_time);
        _host = TestHost.Create(_store, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task GetOrSetAsync_LeadingCallerCancelled_JoinedCallerBuildsItself()
    {
        using var leaderGone = new CancellationTokenSource();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leader = _host.Cache.GetOrSetAsync("k", async ct =>
        {
            started.SetResult();
            await gate.Task.WaitAsync(ct);
            return "leader";
        }, cancellationToken: leaderGone.Token).AsTask();
        await started.Task;

        var joined = _host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult("joined")).AsTask();
        Assert.False(joined.IsCompleted);
        await leaderGone.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);
        Assert.Equal("joined", await joined.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetOrSetAsync_FactoryThrows_NothingCachedAndNextCallBuilds()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _host.Cache.GetOrSetAsync<int>("k", _ => throw new InvalidOperationException()));
        Assert.Equal(2, await _host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult(2)));
    }

    [Fact]
    public async Task GetOrSetAsync_ZeroTimeout_ReturnsValueWithoutKeepingIt()
    {
        Assert.Equal(1, await _host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult(1), TimeSpan.Zero));
        Assert.False((await _host.Cache.TryGetAsync<int>("k")).Found);
    }

    [Fact]
    public async Task SetAsync_NoTimeout_UsesDefaultTimeoutOf300Seconds()
    {
        await _host.Cache.SetAsync("k", 1);
        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.True((await _host.Cache.TryGetAsync<int>("k")).Found);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await _host.Cache.TryGetAsync<int>("k")).Found);
    }

    [Fact]
    public async Task WithVersion_SetAndGet_UseThatVersionsKey()
    {
        await _host.Cache.WithVersion(7).SetAsync("k", "seven");
        Assert.NotNull(await _store.GetAsync(":7:k"));
        Assert.False((await _host.Cache.TryGetAsync<string>("k")).Found);
    }

    [Fact]
    public async Task GetAsync_AsObject_ReturnsStringOrBytesAsStored()
    {
        await _host.Cache.SetAsync("s", "text");
        await _host.Cache.SetAsync("b", new byte[] { 1 });
        Assert.Equal("text", await _host.Cache.GetAsync<object>("s"));
        Assert.Equal(new byte[] { 1 }, await _host.Cache.GetAsync<object>("b"));
    }

    [Fact]
    public async Task StoreFailures_AfterTheQuietInterval_AreLoggedAgain()
    {
        await using var host = TestHost.Create(new ThrowingStore(), _time);
        await host.Cache.GetAsync<int>("k");
        await host.Cache.GetAsync<int>("k");
        _time.Advance(StoreErrorReporter.Interval);
        await host.Cache.GetAsync<int>("k");
        var lines = host.Logs.GetSnapshot().Where(r => r.Id.Id == 10).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("1 similar failures", lines[1].Message, StringComparison.Ordinal);
    }
}

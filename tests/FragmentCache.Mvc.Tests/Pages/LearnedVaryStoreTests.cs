using FragmentCache.Mvc.Pages;
using FragmentCache.Mvc.Tests.Infrastructure;
using FragmentCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Pages;

/// <summary>The per-site cache's learned <c>Vary</c> lists: one per normalised URL, in the store and briefly in process.</summary>
public sealed class LearnedVaryStoreTests
{
    [Fact]
    public async Task NothingLearned_NoHeaders()
    {
        var (cache, _) = Cache();

        Assert.Empty(await Store(cache).GetAsync(Context("/a")));
    }

    [Fact]
    public async Task Learned_ReachesTheStore_AnotherProcessReadsIt()
    {
        var (cache, _) = Cache();

        await Store(cache).LearnAsync(Context("/a"), ["Accept-Language", "X-Theme"]);

        Assert.Equal(["Accept-Language", "X-Theme"], await Store(cache).GetAsync(Context("/a")));
        Assert.Equal(["Accept-Language", "X-Theme"], await Store(cache).GetAsync(Context("/A")));
        Assert.Empty(await Store(cache).GetAsync(Context("/b")));
    }

    [Fact]
    public async Task Learned_KeptForMaxDuration()
    {
        var (cache, time) = Cache();
        var options = new PageCacheOptions { MaxDuration = TimeSpan.FromMinutes(10) };

        await Store(cache, options).LearnAsync(Context("/a"), ["Accept-Language"]);
        time.Advance(TimeSpan.FromMinutes(9));
        var before = await Store(cache, options).GetAsync(Context("/a"));
        time.Advance(TimeSpan.FromMinutes(2));
        var after = await Store(cache, options).GetAsync(Context("/a"));

        Assert.Equal(["Accept-Language"], before);
        Assert.Empty(after);
    }

    [Fact]
    public async Task StoreDown_GetIsNoHeaders_AndLogged()
    {
        var (cache, _, flaky, logs) = CacheWithLogs();
        flaky.Down = true;

        var learned = await Store(cache, logger: logs.CreateLogger("test")).GetAsync(Context("/a"));

        Assert.Empty(learned);
        Assert.Single(logs.WithEvent(103));
    }

    [Fact]
    public async Task StoreDown_LearnDoesNotThrow_AndIsLogged()
    {
        var (cache, _, flaky, logs) = CacheWithLogs();
        flaky.Down = true;

        await Store(cache, logger: logs.CreateLogger("test")).LearnAsync(Context("/a"), ["Accept-Language"]);

        Assert.Single(logs.WithEvent(103));
    }

    [Fact]
    public async Task Learned_KeptInProcess_ServedWhileTheStoreIsDown()
    {
        // The in-process copy lives 5 s; both reads follow their write at once.
        var (cache, _, flaky, _) = CacheWithLogs();
        var learner = Store(cache);
        var reader = Store(cache);
        await learner.LearnAsync(Context("/a"), ["Accept-Language"]);
        Assert.Equal(["Accept-Language"], await reader.GetAsync(Context("/a")));

        flaky.Down = true;

        Assert.Equal(["Accept-Language"], await learner.GetAsync(Context("/a")));
        Assert.Equal(["Accept-Language"], await reader.GetAsync(Context("/a")));
        Assert.Empty(await Store(cache).GetAsync(Context("/a")));
    }

    private static LearnedVaryStore Store(ICache cache, PageCacheOptions? options = null, ILogger? logger = null) =>
        new(cache, options ?? new PageCacheOptions(), logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    private static (ICache Cache, FakeTimeProvider Time) Cache()
    {
        var (cache, time, _, _) = CacheWithLogs();
        return (cache, time);
    }

    /// <summary>The core's cache over its in-memory store, failing loudly (<c>ThrowOnError</c>) so the store's own catch is what is tested.</summary>
    private static (ICache Cache, FakeTimeProvider Time, FlakyStore Store, CapturingLoggerProvider Logs) CacheWithLogs()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var flaky = FlakyStore.CreateMemory(time);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddFragmentCache(o => o.ThrowOnError = true).UseStore(_ => flaky);
        var logs = new CapturingLoggerProvider();
        return (services.BuildServiceProvider().GetRequiredService<ICache>(), time, flaky, logs);
    }

    private static DefaultHttpContext Context(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("h");
        context.Request.Path = path;
        return context;
    }
}

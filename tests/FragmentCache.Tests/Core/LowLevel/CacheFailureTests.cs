using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;

namespace FragmentCache.Tests.Core;

public sealed class CacheFailureTests
{
    [Fact]
    public async Task GetAsync_StoreDown_ReturnsDefaultLogsOnceAndCountsEachError()
    {
        await using var host = TestHost.Create(new ThrowingStore());
        using var errors = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), FragmentCacheMetrics.MeterName, "fragmentcache.errors");

        Assert.Equal(7, await host.Cache.GetAsync("k", 7));
        Assert.Equal(7, await host.Cache.GetAsync("k", 7));
        Assert.False(await host.Cache.SetAsync("k", 1));
        Assert.Empty(await host.Cache.GetManyAsync<int>(["a", "b"]));
        Assert.Equal(["a"], await host.Cache.SetManyAsync(new Dictionary<string, int> { ["a"] = 1 }));
        Assert.False(await host.Cache.DeleteAsync("k"));

        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 10);
        Assert.Equal(6, errors.GetMeasurementSnapshot().Count);
        Assert.All(errors.GetMeasurementSnapshot(), m => Assert.DoesNotContain(m.Tags, t => Equals(t.Value, "k")));
    }

    [Fact]
    public async Task GetAsync_StoreDownAndThrowOnError_Throws()
    {
        await using var host = TestHost.Create(new ThrowingStore(), configure: o => o.ThrowOnError = true);
        await Assert.ThrowsAsync<IOException>(async () => await host.Cache.GetAsync<int>("k"));
        await Assert.ThrowsAsync<IOException>(async () => await host.Cache.SetAsync("k", 1));
    }

    [Fact]
    public async Task IncrementAsync_StoreDown_Throws()
    {
        await using var host = TestHost.Create(new ThrowingStore());
        await Assert.ThrowsAsync<IOException>(async () => await host.Cache.IncrementAsync("k"));
    }

    [Fact]
    public async Task GetOrSetAsync_StoreDown_ReturnsFactoryValue()
    {
        await using var host = TestHost.Create(new ThrowingStore());
        Assert.Equal(3, await host.Cache.GetOrSetAsync("k", _ => ValueTask.FromResult(3)));
    }

    [Fact]
    public async Task GetOrRenderAsync_StoreDown_RendersAndServes()
    {
        await using var host = TestHost.Create(new ThrowingStore());
        var renderer = new RenderCounter();
        Assert.Equal("<p>fragment</p>", await host.Fragments.GetOrRenderAsync("f", null, new FragmentCacheEntryOptions { Tags = ["t"] }, renderer.RenderAsync));
        Assert.Equal(1, renderer.Calls);
    }

    [Fact]
    public async Task InvalidateAsync_StoreDown_ReturnsFalseUnlessThrowOnError()
    {
        await using var lenient = TestHost.Create(new ThrowingStore());
        Assert.False(await lenient.Fragments.InvalidateAsync("f", null));
        await lenient.Fragments.InvalidateTagAsync("t");

        await using var strict = TestHost.Create(new ThrowingStore(), configure: o => o.ThrowOnError = true);
        await Assert.ThrowsAsync<IOException>(async () => await strict.Fragments.InvalidateTagAsync("t"));
    }

    [Fact]
    public async Task GetAsync_ValueUnreadableAsType_IsAMissAndLogs()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var host = TestHost.Create(store);
        await host.Cache.SetAsync("k", new { Name = "x" });
        Assert.Equal(-1, await host.Cache.GetAsync("k", -1));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 11);
    }
}

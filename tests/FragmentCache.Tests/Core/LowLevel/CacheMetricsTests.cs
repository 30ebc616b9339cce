using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace FragmentCache.Tests.Core;

public sealed class CacheMetricsTests
{
    [Fact]
    public async Task Counters_CountHitsMissesRendersAndLeases_WithoutKeysInTags()
    {
        using var store = new MemoryCacheStore(TimeProvider.System);
        await using var host = TestHost.Create(store);
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var hits = new MetricCollector<long>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.hits");
        using var misses = new MetricCollector<long>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.misses");
        using var renders = new MetricCollector<long>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.renders");
        using var wins = new MetricCollector<long>(factory, FragmentCacheMetrics.MeterName, "fragmentcache.lease.wins");

        await host.Cache.GetAsync<int>("secret-user-key");
        await host.Cache.SetAsync("secret-user-key", 1);
        await host.Cache.GetAsync<int>("secret-user-key");
        await host.Fragments.GetOrRenderAsync("f", ["alice"], null, _ => ValueTask.FromResult("x"));
        await host.Fragments.GetOrRenderAsync("f", ["alice"], null, _ => ValueTask.FromResult("x"));

        Assert.Equal(2, hits.GetMeasurementSnapshot().Count);
        Assert.Equal(2, misses.GetMeasurementSnapshot().Count);
        Assert.Single(renders.GetMeasurementSnapshot());
        Assert.Single(wins.GetMeasurementSnapshot());
        foreach (var measurement in hits.GetMeasurementSnapshot().Concat(misses.GetMeasurementSnapshot()))
        {
            Assert.All(measurement.Tags, t => Assert.Equal("layer", t.Key));
        }
    }
}

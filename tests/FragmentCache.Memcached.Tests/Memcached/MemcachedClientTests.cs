using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;

namespace FragmentCache.Tests.Memcached;

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedClientTests(MemcachedFixture fixture) : IAsyncLifetime
{
    private MemcachedClient _client = null!;

    public ValueTask InitializeAsync()
    {
        var options = TestClientOptions.For(fixture.Address);
        _client = new MemcachedClient(options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static string Key(string name) => $"client-tests:{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task SetAsync_ThenGet_ReturnsEveryKindOfValue()
    {
        string s = Key("s"), b = Key("b"), o = Key("o"), e = Key("e");
        Assert.True(await _client.SetAsync(s, "héllo <b>world</b>"));
        Assert.True(await _client.SetAsync(b, new byte[] { 0, 13, 10, 255 }));
        Assert.True(await _client.SetAsync(o, new Post(7, "Title")));
        Assert.True(await _client.SetAsync(e, string.Empty));

        Assert.Equal("héllo <b>world</b>", await _client.GetAsync<string>(s));
        Assert.Equal(new byte[] { 0, 13, 10, 255 }, await _client.GetAsync<byte[]>(b));
        Assert.Equal(new Post(7, "Title"), await _client.GetAsync<Post>(o));
        var empty = await _client.GetItemAsync(e);
        Assert.True(empty.IsHit);
        Assert.Equal(string.Empty, empty.GetValue<string>());
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsMiss()
    {
        var item = await _client.GetItemAsync(Key("missing"));
        Assert.Equal(MemcachedItemStatus.Miss, item.Status);
        Assert.Null(await _client.GetAsync<string>(Key("missing")));
    }

    [Fact]
    public async Task AddReplaceAppendPrepend_FollowMemcachedSemantics()
    {
        var key = Key("arp");
        Assert.False(await _client.ReplaceAsync(key, "x"));
        Assert.True(await _client.AddAsync(key, "b"));
        Assert.False(await _client.AddAsync(key, "other"));
        Assert.True(await _client.AppendAsync(key, "c"u8.ToArray()));
        Assert.True(await _client.PrependAsync(key, "a"u8.ToArray()));
        Assert.Equal("abc", await _client.GetAsync<string>(key));
        Assert.True(await _client.ReplaceAsync(key, "z"));
        Assert.Equal("z", await _client.GetAsync<string>(key));
        Assert.False(await _client.AppendAsync(Key("none"), "c"u8.ToArray()));
    }

    [Fact]
    public async Task StoreAsync_WithCas_DetectsConcurrentChange()
    {
        var key = Key("cas");
        await _client.SetAsync(key, "v1");
        var item = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true });
        Assert.NotEqual(0UL, item.Cas);
        await _client.SetAsync(key, "v2");
        Assert.Equal(MemcachedStoreResult.Exists, await _client.StoreAsync(MemcachedStoreMode.Set, key, "v3", cas: item.Cas));
        var fresh = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeCas = true });
        Assert.Equal(MemcachedStoreResult.Stored, await _client.StoreAsync(MemcachedStoreMode.Set, key, "v3", cas: fresh.Cas));
        Assert.Equal("v3", await _client.GetAsync<string>(key));
        await _client.DeleteAsync(key);
        Assert.Equal(MemcachedStoreResult.NotFound, await _client.StoreAsync(MemcachedStoreMode.Set, key, "v4", cas: fresh.Cas));
    }

    [Fact]
    public async Task DeleteAsync_ReturnsWhetherKeyExisted()
    {
        var key = Key("del");
        await _client.SetAsync(key, 1);
        Assert.True(await _client.DeleteAsync(key));
        Assert.False(await _client.DeleteAsync(key));
        Assert.False((await _client.GetItemAsync(key)).IsHit);
    }

    [Fact]
    public async Task IncrementDecrement_AreAtomicCounters()
    {
        var key = Key("ctr");
        Assert.Null(await _client.IncrementAsync(key));
        Assert.Equal(10UL, await _client.IncrementAsync(key, 5, initialValue: 10));
        Assert.Equal(15UL, await _client.IncrementAsync(key, 5));
        Assert.Equal(0UL, await _client.DecrementAsync(key, 100));
        await _client.SetAsync(key, "not a number");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _client.IncrementAsync(key));

        // The connection stays usable after the server's non-numeric error.
        Assert.Equal("not a number", await _client.GetAsync<string>(key));
    }

    [Fact]
    public async Task IncrementAsync_ConcurrentCallers_LoseNoUpdate()
    {
        var key = Key("ctr-concurrent");
        await _client.IncrementAsync(key, 0, initialValue: 0);
        await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => _client.IncrementAsync(key).AsTask()));
        Assert.Equal(500UL, await _client.IncrementAsync(key, 0));
    }

    [Fact]
    public async Task Expiration_ZeroOrNegative_ExpiresAtOnce_InfiniteNeverExpires()
    {
        string zero = Key("ttl0"), negative = Key("ttlneg"), forever = Key("ttlinf"), relative = Key("ttlrel");
        await _client.SetAsync(zero, "x", TimeSpan.Zero);
        await _client.SetAsync(negative, "x", TimeSpan.FromSeconds(-5));
        await _client.SetAsync(forever, "x", Timeout.InfiniteTimeSpan);
        await _client.SetAsync(relative, "x", TimeSpan.FromMinutes(10));
        Assert.False((await _client.GetItemAsync(zero)).IsHit);
        Assert.False((await _client.GetItemAsync(negative)).IsHit);
        var infinite = await _client.GetItemAsync(forever, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.True(infinite.IsHit);
        Assert.Null(infinite.TimeToLive);
        var tenMinutes = await _client.GetItemAsync(relative, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(tenMinutes.TimeToLive!.Value, TimeSpan.FromSeconds(590), TimeSpan.FromSeconds(600));
    }

    [Fact]
    public async Task TouchAsync_ChangesExpiration()
    {
        var key = Key("touch");
        await _client.SetAsync(key, "x", TimeSpan.FromMinutes(1));
        Assert.True(await _client.TouchAsync(key, TimeSpan.FromHours(1)));
        var item = await _client.GetItemAsync(key, new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(item.TimeToLive!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.False(await _client.TouchAsync(Key("none"), TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task SyncWaitInsideAContinuation_OnARequestOfItsOwn_IsAnsweredNotDeadlocked()
    {
        // A continuation resumed by a completion batch that sends a request and blocks on it (sync over async, as a
        // synchronous IDistributedCache.Get does) must not wait for the batch's own deferred write: the client's
        // heartbeat sends it. Without that rescue the connection is failed as stuck and the read is a miss.
        string first = Key("outer"), second = Key("inner");
        Assert.True(await _client.SetAsync(first, "outer"));
        Assert.True(await _client.SetAsync(second, "inner"));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(("outer", "inner"), await Task.Run(() => ReadThenBlockOnAnotherRead(_client, first, second)));
        }
    }

    private static async Task<(string?, string?)> ReadThenBlockOnAnotherRead(MemcachedClient client, string first, string second)
    {
        var outer = await client.GetAsync<string>(first).ConfigureAwait(false);
        // Now running inside the batch that delivered the reply (no context captured).
        var inner = client.GetAsync<string>(second).AsTask().GetAwaiter().GetResult();
        return (outer, inner);
    }

    [Fact]
    public async Task GetManyAsync_ReturnsOnlyHits()
    {
        var keys = Enumerable.Range(0, 250).Select(i => Key("many" + i)).ToArray();
        for (int i = 0; i < keys.Length; i += 2)
        {
            await _client.SetAsync(keys[i], "value-" + i);
        }

        var found = await _client.GetManyAsync<string>(keys.Append(keys[0]));
        Assert.Equal(125, found.Count);
        for (int i = 0; i < keys.Length; i += 2)
        {
            Assert.Equal("value-" + i, found[keys[i]]);
        }
    }

    [Fact]
    public async Task SetAsync_ValueOverMaxItemSize_IsNotStoredAndOldValueIsDeleted()
    {
        var key = Key("big");
        await _client.SetAsync(key, "old");
        var huge = new byte[2 * 1024 * 1024];
        Random.Shared.NextBytes(huge);
        Assert.Equal(MemcachedStoreResult.TooLarge, await _client.StoreAsync(MemcachedStoreMode.Set, key, huge));
        Assert.False((await _client.GetItemAsync(key)).IsHit);
    }

    [Fact]
    public async Task SetAsync_LargeCompressibleValue_IsCompressedAndRoundTrips()
    {
        var key = Key("html");
        var html = string.Concat(Enumerable.Repeat("<li><a href=\"/posts/42\">A popular post</a></li>\n", 40_000));
        Assert.True(html.Length > 1024 * 1024);
        Assert.True(await _client.SetAsync(key, html));
        var item = await _client.GetItemAsync(key);
        Assert.True(item.RawValue.Length < html.Length / 10);
        Assert.Equal(html, item.GetValue<string>());
    }

    [Fact]
    public async Task GetVersionsAndStats_ReportTheServer()
    {
        var versions = await _client.GetVersionsAsync();
        Assert.Equal("1.6.18", Assert.Single(versions).Value);
        var stats = Assert.Single(await _client.GetStatsAsync()).Value;
        Assert.NotNull(stats);
        Assert.Equal("1.6.18", stats["version"]);
    }

    private sealed record Post(int Id, string Title);
}

public sealed class MemcachedClientServerWideTests
{
    [Fact]
    public async Task FlushAllAsync_InvalidatesEverything()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        await using var client = new MemcachedClient(options);
        await client.SetAsync("a", 1);
        await client.SetAsync("b", 2);
        Assert.True(await client.FlushAllAsync());
        Assert.Empty(await client.GetManyAsync<int>(["a", "b"]));
    }

    [Fact]
    public async Task GetItemAsync_WithTouch_ReturnsValueAndSetsNewTtl()
    {
        await using var server = await MemcachedProcess.StartAsync();
        var options = TestClientOptions.For(server.Address);
        await using var client = new MemcachedClient(options);
        await client.SetAsync("gat", "v", TimeSpan.FromSeconds(30));
        var item = await client.GetItemAsync("gat", new MemcachedGetOptions { Touch = TimeSpan.FromHours(2), IncludeTimeToLive = true });
        Assert.Equal("v", item.GetValue<string>());
        var after = await client.GetItemAsync("gat", new MemcachedGetOptions { IncludeTimeToLive = true });
        Assert.InRange(after.TimeToLive!.Value, TimeSpan.FromMinutes(119), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task Metrics_CountOperationsHitsMissesAndErrors()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var provider = MetricsProvider(out var meterFactory);
        using var hits = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.hits");
        using var misses = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.misses");
        using var operations = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.operations");
        using var errors = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.errors");
        var options = new MemcachedClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options, meterFactory: meterFactory);

        await client.SetAsync("m", "v");
        await client.GetAsync<string>("m");
        await client.GetAsync<string>("missing");
        await server.KillAsync();
        await client.GetAsync<string>("m");

        Assert.Equal(1, hits.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, misses.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.True(operations.GetMeasurementSnapshot().Sum(m => m.Value) >= 3);
        Assert.True(errors.GetMeasurementSnapshot().Sum(m => m.Value) >= 1);
        // Tags carry OpenTelemetry's database attributes (the operation and the server) only, never a key.
        Assert.All(operations.GetMeasurementSnapshot(), m => Assert.Equal(["db.operation.name", "db.system.name", "server.address", "server.port"], m.Tags.Keys.Order()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerError_FailsTheOperationAndCountsOneError(bool throwOnError)
    {
        // Every get and set is answered with a server error.
        await using var server = new FakeServer(FakeServer.Answering("m", "SERVER_ERROR out of memory\r\n"));
        await using var provider = MetricsProvider(out var meterFactory);
        using var errors = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.errors");
        using var misses = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.misses");
        var options = new MemcachedClientOptions { ThrowOnError = throwOnError };
        options.Servers.Add(server.Address);
        await using var client = new MemcachedClient(options, meterFactory: meterFactory);

        if (throwOnError)
        {
            var error = await Assert.ThrowsAsync<MemcachedException>(async () => await client.GetItemAsync("k"));
            Assert.Contains("out of memory", error.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<MemcachedException>(async () => await client.SetAsync("k", "v"));
        }
        else
        {
            Assert.Equal(MemcachedItemStatus.Failed, (await client.GetItemAsync("k")).Status);
            Assert.Equal(1, misses.GetMeasurementSnapshot().Sum(m => m.Value));
            Assert.False(await client.SetAsync("k", "v"));
        }

        Assert.Equal(2, errors.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Metrics_CountGetManyKeysAndBalanceInFlight()
    {
        await using var server = await MemcachedProcess.StartAsync();
        await using var proxy = new FaultProxy(server);
        await using var provider = MetricsProvider(out var meterFactory);
        var options = new MemcachedClientOptions { OperationTimeout = TimeSpan.FromSeconds(10) };
        options.Servers.Add(proxy.Address);
        await using var client = new MemcachedClient(options, meterFactory: meterFactory);
        await client.SetAsync("a", "1");
        await client.SetAsync("b", "2");

        // A listener that arrives while an operation is in flight must not see its end without its start.
        proxy.Stall();
        var started = client.GetAsync<string>("a");
        using var inFlight = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.in_flight");
        using var hits = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.hits");
        using var misses = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meterFactory, MemcachedMetrics.MeterName, "fragmentcache.memcached.misses");
        proxy.Resume();
        Assert.Equal("1", await started);
        Assert.Equal(0, inFlight.GetMeasurementSnapshot().Sum(m => m.Value));

        var found = await client.GetManyAsync<string>(["a", "missing-1", "b", "missing-2", "missing-3", "a"]);

        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" }, found);
        // The single get's hit, then the batch's two hits and three misses (the repeated key is asked once).
        Assert.Equal(3, hits.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(3, misses.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(0, inFlight.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, inFlight.GetMeasurementSnapshot().Count);
    }

    /// <summary>A service provider with metrics, whose meter factory the client and the collectors share.</summary>
    private static Microsoft.Extensions.DependencyInjection.ServiceProvider MetricsProvider(out System.Diagnostics.Metrics.IMeterFactory meterFactory)
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.MetricsServiceExtensions.AddMetrics(services);
        var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        meterFactory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(provider);
        return provider;
    }
}

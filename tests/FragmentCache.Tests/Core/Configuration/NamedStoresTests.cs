using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>Named stores (<c>FragmentCache:Stores:{name}</c>) through AddFragmentCache, over memory and real memcached.</summary>
public sealed class NamedStoresTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task StartAsync(IServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }
    }

    private static async Task StopAsync(IServiceProvider provider)
    {
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task KeyedCache_StoreWithOwnServers_WritesThereOnlyWithItsPrefixVersionAndTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var main = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var sessions = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var provider = Build(new()
        {
            ["FragmentCache:Servers:0"] = main.Address,
            ["FragmentCache:Stores:sessions:Servers:0"] = sessions.Address,
            ["FragmentCache:Stores:sessions:KeyPrefix"] = "sess",
            ["FragmentCache:Stores:sessions:Version"] = "3",
            ["FragmentCache:Stores:sessions:DefaultTimeout"] = "00:01:00",
        });
        await StartAsync(provider);

        var cache = provider.GetRequiredKeyedService<ICache>("sessions");
        Assert.True(await cache.SetAsync("k", "v", cancellationToken: ct));

        Assert.Equal("v", await cache.GetAsync<string>("k", cancellationToken: ct));
        Assert.Equal(0, await main.ItemCountAsync(ct));
        Assert.Equal(1, await sessions.ItemCountAsync(ct));
        var ttl = await sessions.RawAsync("mg sess:3:k t\r\n", cancellationToken: ct);
        Assert.StartsWith("HD t", ttl, StringComparison.Ordinal);
        var seconds = int.Parse(ttl.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);

        // The main store keeps its own prefix, version and 5-minute default, on its own server.
        Assert.True(await provider.GetRequiredService<ICache>().SetAsync("k", "main", cancellationToken: ct));
        var mainTtl = await main.RawAsync("mg :1:k t\r\n", cancellationToken: ct);
        Assert.InRange(int.Parse(mainTtl.AsSpan(4).Trim(), System.Globalization.CultureInfo.InvariantCulture), 61, 300);
        Assert.Equal(1, await sessions.ItemCountAsync(ct));

        var ready = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id == 50);
        Assert.Contains("'sessions'", ready.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MemcachedCacheStore), ready.Message, StringComparison.Ordinal);
        await StopAsync(provider);
    }

    [Fact]
    public async Task NamedStore_NoServers_IsMemoryWithItsOwnDefaultTimeout()
    {
        var time = TestClock.Create();
        await using var provider = Build(new()
        {
            ["FragmentCache:Stores:sessions:DefaultTimeout"] = "00:01:00",
        }, time);
        var ct = TestContext.Current.CancellationToken;
        var sessions = provider.GetRequiredService<IFragmentCacheStores>().GetCache("sessions");
        var main = provider.GetRequiredService<ICache>();
        await sessions.SetAsync("k", "session", cancellationToken: ct);
        await main.SetAsync("k", "main", cancellationToken: ct);

        Assert.Equal("session", await sessions.GetAsync<string>("k", cancellationToken: ct));
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await sessions.GetAsync<string>("k", cancellationToken: ct));
        Assert.Equal("main", await main.GetAsync<string>("k", cancellationToken: ct));
        var store = Assert.Single(provider.GetRequiredService<FragmentCacheStores>().Named);
        Assert.IsType<MemoryCacheStore>(store.Store);
        Assert.NotSame(provider.GetRequiredService<ICacheStore>(), store.Store);
    }

    [Fact]
    public async Task NamedStore_EmptySection_IsAMemoryStore()
    {
        // What a JSON "local": {} becomes.
        await using var provider = Build(new() { ["FragmentCache:Stores:local"] = "" });
        var stores = provider.GetRequiredService<IFragmentCacheStores>();

        Assert.Equal(["default", "local"], stores.Names);
        Assert.True(await stores.GetCache("local").SetAsync("k", 1, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Names_AreCaseInsensitiveAndDefaultIsTheMainStore()
    {
        await using var provider = Build(new() { ["FragmentCache:Stores:Sessions:KeyPrefix"] = "s" });
        var stores = provider.GetRequiredService<IFragmentCacheStores>();

        Assert.Same(provider.GetRequiredService<ICache>(), stores.GetCache("default"));
        Assert.Same(provider.GetRequiredService<ICache>(), provider.GetRequiredKeyedService<ICache>("DEFAULT"));
        Assert.Same(provider.GetRequiredService<IFragmentCache>(), provider.GetRequiredKeyedService<IFragmentCache>("default"));
        Assert.Same(stores.GetCache("Sessions"), provider.GetRequiredKeyedService<ICache>("sessions"));
        Assert.Same(stores.GetFragmentCache("SESSIONS"), provider.GetRequiredKeyedService<IFragmentCache>("sessions"));
        Assert.NotSame(provider.GetRequiredService<ICache>(), stores.GetCache("sessions"));
        Assert.Equal(["default", "Sessions"], stores.Names);
        Assert.True(stores.Contains("sessions"));
        Assert.False(stores.Contains("other"));

        // The renderer's fast path (a DefaultFragmentCache) holds for named stores too.
        Assert.IsType<DefaultFragmentCache>(stores.GetFragmentCache("sessions"));
    }

    [Fact]
    public async Task UnknownName_FailsAtFirstUseNamingItAndTheConfiguredOnes()
    {
        await using var provider = Build(new() { ["FragmentCache:Stores:sessions:KeyPrefix"] = "s" });

        var keyed = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<ICache>("sesions"));
        var byName = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IFragmentCacheStores>().GetFragmentCache("sesions"));

        Assert.Equal("No FragmentCache store named 'sesions'. Configured: default, sessions. Add it under FragmentCache:Stores:sesions.", keyed.Message);
        Assert.Equal(keyed.Message, byName.Message);
    }

    [Fact]
    public async Task InvalidateTag_OnANamedStore_LeavesTheOthersAlone()
    {
        var time = TestClock.Create();
        await using var provider = Build(new() { ["FragmentCache:Stores:local:KeyPrefix"] = "local" }, time);
        var ct = TestContext.Current.CancellationToken;
        var main = provider.GetRequiredService<IFragmentCache>();
        var local = provider.GetRequiredKeyedService<IFragmentCache>("local");
        var options = new FragmentCacheEntryOptions { Tags = ["posts"] };
        var mainRenders = new RenderCounter("main");
        var localRenders = new RenderCounter("local");
        await main.GetOrRenderAsync("sidebar", null, options, mainRenders.RenderAsync, ct);
        await local.GetOrRenderAsync("sidebar", null, options, localRenders.RenderAsync, ct);

        await local.InvalidateTagAsync("posts", ct);

        Assert.Equal("main", await main.GetOrRenderAsync("sidebar", null, options, mainRenders.RenderAsync, ct));
        Assert.Equal("local", await local.GetOrRenderAsync("sidebar", null, options, localRenders.RenderAsync, ct));
        Assert.Equal(1, mainRenders.Calls);
        Assert.Equal(2, localRenders.Calls);
    }

    [Fact]
    public async Task InvalidSettings_FailAtStartupUnderTheStoresSection()
    {
        await using var provider = Build(new()
        {
            ["FragmentCache:Stores:bad:KeyPrefix"] = "has space",
            ["FragmentCache:Stores:bad:Servers:0"] = "cache1:99999",
            ["FragmentCache:Stores:default:KeyPrefix"] = "x",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);

        Assert.Contains("FragmentCache:Stores:bad:KeyPrefix must not contain spaces", error.Message, StringComparison.Ordinal);
        Assert.Contains("FragmentCache:Stores:bad:Servers:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("FragmentCache:Stores:default: 'default' is the main store", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DefaultTimeout", "ten minutes", "System.TimeSpan")]
    [InlineData("Version", "two", "System.Int32")]
    [InlineData("TwoTier:Enabled", "yes please", "System.Boolean")]
    public async Task ValueThatDoesNotConvert_FailsAtStartupNamingIt_InsteadOfLosingTheStore(string setting, string value, string type)
    {
        // The configuration binder drops a dictionary entry whose value does not convert: the store would vanish silently.
        await using var provider = Build(new()
        {
            ["FragmentCache:Stores:legacy:KeyPrefix"] = "old",
            [$"FragmentCache:Stores:legacy:{setting}"] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);

        Assert.Contains($"'{value}' at 'FragmentCache:Stores:legacy:{setting}' to type '{type}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedStore_TwoTier_ServesCopiesAndPollsAnotherNodesInvalidation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        var time = TestClock.Create();
        var settings = new Dictionary<string, string?>
        {
            ["FragmentCache:Stores:shared:Servers:0"] = server.Address,
            ["FragmentCache:Stores:shared:TwoTier:Enabled"] = "true",
            ["FragmentCache:Stores:shared:TwoTier:LocalExpiration"] = "01:00:00",
            ["FragmentCache:Stores:shared:Memcached:OperationTimeout"] = "00:00:10",
        };
        await using var one = Build(settings, time);
        await using var two = Build(settings, time);
        await StartAsync(one);
        var options = new FragmentCacheEntryOptions { Tags = ["t"] };
        var first = one.GetRequiredKeyedService<IFragmentCache>("shared");
        var renders = new RenderCounter("v1");
        await first.GetOrRenderAsync("f", null, options, renders.RenderAsync, ct);
        var items = await server.ItemCountAsync(ct);

        // A copy in process: served again with no render and nothing new in the store.
        Assert.Equal("v1", await first.GetOrRenderAsync("f", null, options, renders.RenderAsync, ct));
        Assert.Equal(1, renders.Calls);

        // Only the named store's poller can drop the copy (it outlives the test): the other node's invalidation reaches it.
        await two.GetRequiredKeyedService<IFragmentCache>("shared").InvalidateTagAsync("t", ct);
        var next = new RenderCounter("v2");
        // Bounded: at most 200 polls, each given 50 ms of real time for its round trip to memcached on a busy machine.
        for (var i = 0; i < 200 && await first.GetOrRenderAsync("f", null, options, next.RenderAsync, ct) == "v1"; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, ct);
        }

        Assert.Equal("v2", await first.GetOrRenderAsync("f", null, options, next.RenderAsync, ct));
        Assert.True(items > 0);
        await StopAsync(one);
    }

    [Fact]
    public async Task HealthCheck_NamedMemcachedStore_ReportsItsServersUnderItsName()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FragmentCache:Stores:shared:Servers:0"] = server.Address,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached();
        services.AddHealthChecks().AddFragmentCache();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        var up = await health.CheckHealthAsync(ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, up.Status);
        Assert.Contains("shared/" + server.Address, up.Entries["fragmentcache"].Data.Keys);
        Assert.Contains("Store 'shared'", up.Entries["fragmentcache"].Description, StringComparison.Ordinal);

        await server.KillAsync();
        var down = await health.CheckHealthAsync(ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, down.Status);
    }

    [Fact]
    public void Stores_Default_IsEmptyAndCaseInsensitive()
    {
        var options = new FragmentCacheOptions();
        options.Stores["Local"] = new FragmentCacheOptions();

        Assert.Empty(new FragmentCacheOptions().Stores);
        Assert.True(options.Stores.ContainsKey("LOCAL"));
    }

    [Fact]
    public void Registrations_LastICacheAndIFragmentCacheAreTheMainOnes()
    {
        // Code that decorates "the last IFragmentCache registered" (as the sample site does) must find the main one,
        // not the keyed registration behind named stores.
        var services = new ServiceCollection();
        services.AddFragmentCache(_ => { });

        Assert.False(services.Last(d => d.ServiceType == typeof(ICache)).IsKeyedService);
        Assert.False(services.Last(d => d.ServiceType == typeof(IFragmentCache)).IsKeyedService);
        Assert.Single(services, d => d.ServiceType == typeof(ICache) && !d.IsKeyedService);
    }
}

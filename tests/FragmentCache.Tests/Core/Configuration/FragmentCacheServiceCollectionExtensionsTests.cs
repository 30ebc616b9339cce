using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace FragmentCache.Tests.Core;

public sealed class FragmentCacheServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Action<FragmentCacheOptions> configure, Action<FragmentCacheBuilder>? builder = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        more?.Invoke(services);
        var fragmentCache = services.AddFragmentCache(configure);
        builder?.Invoke(fragmentCache);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public async Task AddFragmentCache_NoServers_UsesMemoryStoreAndLogsOnce()
    {
        await using var provider = Build(_ => { });
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        Assert.IsType<MemoryCacheStore>(provider.GetRequiredService<ICacheStore>());
        _ = provider.GetRequiredService<ICache>();
        var lines = provider.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Id.Id is 1 or 2 or 3).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("in-memory", line.Message, StringComparison.Ordinal);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task AddFragmentCache_Servers_UsesTheMemcachedStoreAndLogsOnce()
    {
        await using var server = await FragmentCache.Tests.Infrastructure.MemcachedProcess.StartAsync();
        await using var provider = Build(_ => { }, b => b.UseMemcached(o =>
        {
            o.Servers.Add(server.Address);
            o.OperationTimeout = TimeSpan.FromMilliseconds(300);
        }));
        var store = Assert.IsType<MemcachedCacheStore>(provider.GetRequiredService<ICacheStore>());
        var line = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id is 1 or 2 or 3);
        Assert.Equal(2, line.Id.Id);
        Assert.Contains(server.Address, line.Message, StringComparison.Ordinal);
        Assert.Equal(server.Address, Assert.Single(store.Client.GetServerStatuses()).Server);

        var cache = provider.GetRequiredService<ICache>();
        Assert.True(await cache.SetAsync("k", "through memcached"));
        Assert.Equal("through memcached", await cache.GetAsync<string>("k"));
        Assert.Equal(1, await server.ItemCountAsync());
    }

    [Fact]
    public void AddFragmentCache_MalformedServer_FailsNamingSettingAndValue()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FragmentCache:Servers:0"] = "cache1:99999" }).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<FragmentCacheOptions>>().Value);
        Assert.Contains("FragmentCache:Servers:0", error.Message, StringComparison.Ordinal);
        Assert.Contains("'cache1:99999'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFragmentCache_AppRegisteredStore_IsUsedAndSelectorStaysQuiet()
    {
        using var mine = new MemoryCacheStore(TimeProvider.System);
        await using var provider = Build(_ => { }, more: s => s.AddSingleton<ICacheStore>(mine));
        foreach (var hosted in provider.GetServices<IHostedService>().OfType<FragmentCacheStartup>())
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        Assert.Same(mine, provider.GetRequiredService<ICacheStore>());
        Assert.DoesNotContain(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id is 1 or 2 or 3);
    }

    [Fact]
    public async Task UseStore_CalledTwice_LastWinsAndIsLogged()
    {
        using var first = new MemoryCacheStore(TimeProvider.System);
        using var second = new MemoryCacheStore(TimeProvider.System);
        await using var provider = Build(_ => { }, b => b.UseStore(_ => first).UseStore(_ => second));
        Assert.Same(second, provider.GetRequiredService<ICacheStore>());
        Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id == 3);
    }

    [Fact]
    public async Task UseDistributedCache_RegisteredDistributedCache_BecomesTheStore()
    {
        await using var provider = Build(_ => { }, b => b.UseDistributedCache(), s => s.AddDistributedMemoryCache());
        Assert.IsType<DistributedCacheStore>(provider.GetRequiredService<ICacheStore>());
        var cache = provider.GetRequiredService<ICache>();
        await cache.SetAsync("k", "v");
        Assert.Equal("v", await cache.GetAsync<string>("k"));
    }

    [Fact]
    public async Task AddFragmentCache_CustomKeyFunction_BuildsKeys()
    {
        await using var provider = Build(o =>
        {
            o.KeyPrefix = "app";
            o.KeyFunction = (key, prefix, version) => $"{prefix}|v{version}|{key}";
        });
        await provider.GetRequiredService<ICache>().SetAsync("k", "v");
        Assert.NotNull(await provider.GetRequiredService<ICacheStore>().GetAsync("app|v1|k"));
    }

    [Fact]
    public void AddFragmentCache_OwnSerializerRegisteredFirst_IsKept()
    {
        var mine = new JsonCacheSerializer();
        using var provider = Build(_ => { }, more: s => s.AddSingleton<ICacheSerializer>(mine));
        Assert.Same(mine, provider.GetRequiredService<ICacheSerializer>());
    }

    [Fact]
    public void AddFragmentCache_Services_AreSingletons()
    {
        using var provider = Build(_ => { });
        Assert.Same(provider.GetRequiredService<ICache>(), provider.GetRequiredService<ICache>());
        Assert.Same(provider.GetRequiredService<IFragmentCache>(), provider.GetRequiredService<IFragmentCache>());
        Assert.Same(provider.GetRequiredService<ICacheStore>(), provider.GetRequiredService<ICacheStore>());
    }
}

public sealed class FragmentCacheHealthCheckTests
{
    [Fact]
    public async Task AddFragmentCache_HealthCheck_ReportsMemcachedServers()
    {
        await using var server = await FragmentCache.Tests.Infrastructure.MemcachedProcess.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(_ => { }).UseMemcached(o => o.Servers.Add(server.Address));
        services.AddHealthChecks().AddFragmentCache();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

        var up = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, up.Status);
        Assert.Contains(server.Address, up.Entries["fragmentcache"].Data.Keys);

        await server.KillAsync();
        var down = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, down.Status);
    }

    [Fact]
    public async Task AddFragmentCache_HealthCheck_MemoryStoreIsHealthy()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(_ => { });
        services.AddHealthChecks().AddFragmentCache();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>()
            .CheckHealthAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, report.Status);
    }
}

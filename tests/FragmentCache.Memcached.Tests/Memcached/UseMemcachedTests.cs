using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Memcached;

/// <summary>
/// <c>AddFragmentCache(...).UseMemcached()</c>: one <see cref="IMemcachedClient"/> per process, shared by the fragment
/// store and <c>AddMemcachedDistributedCache</c>, over real memcached processes.
/// </summary>
public sealed class UseMemcachedTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached();
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task UseMemcached_WithDistributedCache_OneClientAndOneBreakerForBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var _ = server;
        await using var provider = Build(new()
        {
            ["FragmentCache:Servers:0"] = server.Address,
            ["FragmentCache:Memcached:FailureThreshold"] = "1",
            ["FragmentCache:Memcached:BreakDuration"] = "00:10:00",
            ["FragmentCache:Memcached:MaxBreakDuration"] = "00:10:00",
        }, s =>
        {
            s.AddMemcachedDistributedCache(o => o.Servers.Add(server.Address));
            s.AddHealthChecks().AddFragmentCache();
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var client = provider.GetRequiredService<IMemcachedClient>();
        var store = Assert.IsType<MemcachedCacheStore>(provider.GetRequiredService<ICacheStore>());
        var distributed = provider.GetRequiredService<IDistributedCache>();
        Assert.IsType<MemcachedDistributedCache>(distributed);
        Assert.Same(client, provider.GetRequiredService<MemcachedClient>());
        Assert.Same(client, store.Client);
        // The server listed by both registrations is one server: one set of connections, one breaker.
        Assert.Equal(server.Address, Assert.Single(client.GetServerStatuses()).Server);

        Assert.True(await provider.GetRequiredService<ICache>().SetAsync("fragment", "v", cancellationToken: ct));
        await distributed.SetAsync("session", [1, 2, 3], new DistributedCacheEntryOptions(), ct);
        Assert.Equal([1, 2, 3], await distributed.GetAsync("session", ct));
        Assert.Equal(2, await server.ItemCountAsync(ct));

        await server.KillAsync();
        // Only the distributed cache talks to the dead server (bounded: 20 reads): its failures open the breaker.
        for (var i = 0; i < 20 && Assert.Single(client.GetServerStatuses()).IsAvailable; i++)
        {
            Assert.Null(await distributed.GetAsync("session", ct));
        }

        Assert.False(Assert.Single(client.GetServerStatuses()).IsAvailable);
        Assert.False(Assert.Single(store.Client.GetServerStatuses()).IsAvailable);
        // The store sees the same open breaker: it fails at once, as an exception the core turns into a miss, while the
        // distributed cache keeps its own setting (a miss, no exception).
        var failure = await Assert.ThrowsAsync<MemcachedException>(async () => await store.GetAsync("fragment", ct));
        Assert.Contains("unavailable", failure.Message, StringComparison.Ordinal);
        Assert.Null(await provider.GetRequiredService<ICache>().GetAsync<string>("fragment", cancellationToken: ct));
        Assert.Null(await distributed.GetAsync("session", ct));
        var health = await provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>()
            .CheckHealthAsync(ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
    }

    [Fact]
    public async Task UseMemcached_NoServers_IsTheMemoryStoreAndStarts()
    {
        await using var provider = Build([]);
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("MemoryCacheStore", provider.GetRequiredService<ICacheStore>().GetType().Name);
        Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id == 1);
    }

    [Fact]
    public async Task UseMemcached_Servers_LogsTheStoreOnceWithItsServers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MemcachedProcess.StartAsync(cancellationToken: ct);
        await using var provider = Build(new() { ["FragmentCache:Servers:0"] = server.Address });
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(ct);
        }

        var line = Assert.Single(provider.GetRequiredService<FakeLogCollector>().GetSnapshot(), r => r.Id.Id is 1 or 2 or 3);
        Assert.Equal(2, line.Id.Id);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains(server.Address, line.Message, StringComparison.Ordinal);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StopAsync(ct);
        }
    }

    [Fact]
    public void UseMemcached_ClientSettingsInCode_ApplyAfterTheConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FragmentCache:Servers:0"] = "cache1:11211",
            ["FragmentCache:Memcached:OperationTimeout"] = "00:00:02",
            ["FragmentCache:Memcached:ConnectionsPerServer"] = "4",
            // Ignored, as it always was: the store's servers are FragmentCache:Servers.
            ["FragmentCache:Memcached:Servers:0"] = "elsewhere:11211",
        }).Build();
        var services = new ServiceCollection();
        services.AddFragmentCache(configuration.GetSection("FragmentCache")).UseMemcached(o => o.ConnectionsPerServer = 8);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MemcachedClientOptions>>().Value;
        Assert.Equal(["cache1:11211"], options.Servers);
        Assert.Equal(TimeSpan.FromSeconds(2), options.OperationTimeout);
        Assert.Equal(8, options.ConnectionsPerServer);
    }

    [Fact]
    public void NamedStore_MalformedMemcachedSetting_FailsNamingItsPath()
    {
        using var provider = Build(new()
        {
            ["FragmentCache:Stores:sessions:Servers:0"] = "127.0.0.1:11211",
            ["FragmentCache:Stores:sessions:Memcached:ConnectionsPerServer"] = "0",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);

        Assert.Contains("FragmentCache:Stores:sessions:Memcached:ConnectionsPerServer: '0' must be greater than zero.", error.Message, StringComparison.Ordinal);
    }
}

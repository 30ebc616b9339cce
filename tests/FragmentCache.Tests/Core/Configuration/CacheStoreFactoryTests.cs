using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>
/// The backend seam: a store backend registers an <see cref="ICacheStoreFactory"/> and the core asks it for the main
/// store and each named store; servers configured with no backend registered fail at startup.
/// </summary>
public sealed class CacheStoreFactoryTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configuration.GetSection("FragmentCache"));
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [Fact]
    public void Startup_ServersWithoutUseMemcached_FailsSayingToCallIt()
    {
        using var provider = Build(new() { ["FragmentCache:Servers:0"] = "127.0.0.1:11211" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("FragmentCache:Servers lists servers, but no store backend is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseMemcached()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_NamedStoreServersWithoutUseMemcached_FailsNamingTheStore()
    {
        using var provider = Build(new() { ["FragmentCache:Stores:sessions:Servers:0"] = "127.0.0.1:11211" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("FragmentCache:Stores:sessions:Servers lists servers", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseMemcached()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factory_SelectedBySettings_BuildsTheMainAndNamedStoresAndChecksThem()
    {
        using var provider = Build(new()
        {
            ["FragmentCache:Distributed:Enabled"] = "true",
            ["FragmentCache:Stores:shared:Distributed:Enabled"] = "true",
            ["FragmentCache:Stores:local:KeyPrefix"] = "local",
        }, s => s.AddSingleton<ICacheStoreFactory, DistributedStoreFactory>());
        provider.GetRequiredService<IStartupValidator>().Validate();
        var stores = provider.GetRequiredService<IFragmentCacheStores>();
        var ct = TestContext.Current.CancellationToken;

        Assert.IsType<DistributedCacheStore>(provider.GetRequiredService<ICacheStore>());
        Assert.True(await stores.GetCache("shared").SetAsync("k", "shared", cancellationToken: ct));
        Assert.Equal("shared", await stores.GetCache("shared").GetAsync<string>("k", cancellationToken: ct));
        var named = provider.GetRequiredService<FragmentCacheStores>().Named.ToDictionary(s => s.Name, s => s.Store);
        Assert.IsType<DistributedCacheStore>(named["shared"]);
        Assert.IsType<MemoryCacheStore>(named["local"]);
    }

    [Fact]
    public void Factory_InvalidSetting_FailsUnderTheStoresSection()
    {
        using var provider = Build(new()
        {
            ["FragmentCache:Distributed:Enabled"] = "maybe",
            ["FragmentCache:Stores:shared:Distributed:Enabled"] = "perhaps",
        }, s => s.AddSingleton<ICacheStoreFactory, DistributedStoreFactory>());

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);

        Assert.Contains("FragmentCache:Distributed:Enabled: 'maybe' is not true or false.", error.Message, StringComparison.Ordinal);
        Assert.Contains("FragmentCache:Stores:shared:Distributed:Enabled: 'perhaps' is not true or false.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireServers_FactoryServesTheStore_IsValid()
    {
        using var provider = Build(new()
        {
            ["FragmentCache:RequireServers"] = "true",
            ["FragmentCache:Distributed:Enabled"] = "true",
        }, s => s.AddSingleton<ICacheStoreFactory, DistributedStoreFactory>());

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    /// <summary>A backend of the kind a separate project would ship: a store per section that says <c>Distributed:Enabled</c>.</summary>
    private sealed class DistributedStoreFactory : ICacheStoreFactory
    {
        public IReadOnlyCollection<string> SettingNames => ["Distributed"];

        public bool IsConfigured(CacheStoreContext context) => context.Configuration?["Distributed:Enabled"] == "true";

        public IEnumerable<string> Validate(CacheStoreContext context)
        {
            var value = context.Configuration?["Distributed:Enabled"];
            return value is null or "true" or "false" ? [] : [$"Distributed:Enabled: '{value}' is not true or false."];
        }

        public ICacheStore Create(CacheStoreContext context)
            => new DistributedCacheStore(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
    }
}

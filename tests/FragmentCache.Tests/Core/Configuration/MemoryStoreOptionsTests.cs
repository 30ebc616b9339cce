using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>The in-memory store's size limit and <see cref="FragmentCacheOptions.RequireServers"/>.</summary>
public sealed class MemoryStoreOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new FragmentCacheOptions();
        Assert.Equal(104_857_600, options.MemorySizeLimit);
        Assert.Equal(104_857_600, FragmentCacheOptions.DefaultMemorySizeLimit);
        Assert.False(options.RequireServers);
    }

    [Fact]
    public async Task AddFragmentCache_NoServers_MemoryStoreHasTheConfiguredLimit()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FragmentCache:MemorySizeLimit"] = "5000",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configuration.GetSection("FragmentCache"));
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<MemoryCacheStore>(provider.GetRequiredService<ICacheStore>());
        Assert.Equal(5000, store.SizeLimit);
        var cache = provider.GetRequiredService<ICache>();
        for (var i = 0; i < 50; i++)
        {
            await cache.SetAsync("k" + i, new string('x', 500));
        }

        Assert.InRange(store.Size, 1, 5000);
    }

    [Fact]
    public void AddFragmentCache_DefaultOptions_MemoryStoreHasTheDefaultLimit()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(_ => { });
        using var provider = services.BuildServiceProvider();
        Assert.Equal(104_857_600, Assert.IsType<MemoryCacheStore>(provider.GetRequiredService<ICacheStore>()).SizeLimit);
    }

    public static TheoryData<Action<FragmentCacheOptions>, string> InvalidSettings => new()
    {
        { o => o.MemorySizeLimit = 0, "FragmentCache:MemorySizeLimit must be positive (bytes); got '0'." },
        { o => o.MemorySizeLimit = -1, "FragmentCache:MemorySizeLimit must be positive (bytes); got '-1'." },
        { o => o.RequireServers = true, "FragmentCache:Servers is empty and FragmentCache:RequireServers is true" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void ValidateOnStart_InvalidSetting_FailsWithItsMessage(Action<FragmentCacheOptions> configure, string message)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configure);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_RequireServersWithServers_IsValid()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(o => o.RequireServers = true).UseMemcached(o => o.Servers.Add("127.0.0.1:11211"));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }
}

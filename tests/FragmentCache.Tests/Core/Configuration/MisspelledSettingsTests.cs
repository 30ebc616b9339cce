using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

/// <summary>
/// A name in a store's section that no setting answers to fails the startup, naming the key and the setting it most
/// likely meant: the configuration binder would ignore it, and the default would silently stay in place.
/// </summary>
public sealed class MisspelledSettingsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, bool memcached = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        var builder = services.AddFragmentCache(configuration.GetSection("FragmentCache"));
        if (memcached)
        {
            builder.UseMemcached();
        }

        return services.BuildServiceProvider();
    }

    private static string StartupError(Dictionary<string, string?> settings, bool memcached = true)
    {
        using var provider = Build(settings, memcached);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value).Message;
    }

    [Theory]
    [InlineData("FragmentCache:DefaultTimout", "00:10:00", "DefaultTimeout", null)]
    [InlineData("FragmentCache:KeyPrefx", "blog", "KeyPrefix", null)]
    [InlineData("FragmentCache:Server:0", "127.0.0.1:11211", "Servers", "FragmentCache:Server")]
    [InlineData("FragmentCache:TwoTier:Enable", "true", "Enabled", null)]
    [InlineData("FragmentCache:Stampede:StaleWhileRevalidte", "00:00:30", "StaleWhileRevalidate", null)]
    [InlineData("FragmentCache:Outage:CopyLifeTimes", "00:00:05", "CopyLifetime", null)]
    [InlineData("FragmentCache:Stores:sessions:DefaultTimout", "00:10:00", "DefaultTimeout", null)]
    [InlineData("FragmentCache:Stores:sessions:TwoTier:MaxEntrys", "10", "MaxEntries", null)]
    public void MisspelledName_FailsAtStartupNamingTheKeyAndTheLikelySetting(string key, string value, string meant, string? reported)
    {
        var message = StartupError(new() { ["FragmentCache:Stores:sessions:KeyPrefix"] = "s", [key] = value });

        Assert.Contains($"{reported ?? key} is not a setting", message, StringComparison.Ordinal);
        Assert.Contains($"Did you mean '{meant}'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameFarFromAnySetting_IsReportedWithTheSettingsThatExist()
    {
        var message = StartupError(new() { ["FragmentCache:Colour"] = "blue" });

        Assert.Contains("FragmentCache:Colour is not a setting", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", message, StringComparison.Ordinal);
        Assert.Contains("DefaultTimeout", message, StringComparison.Ordinal);
    }

    [Fact]
    public void MisspelledClientSetting_UnderMemcached_FailsAtStartupNamingIt()
    {
        var message = StartupError(new()
        {
            ["FragmentCache:Servers:0"] = "127.0.0.1:11211",
            ["FragmentCache:Memcached:ConectTimeout"] = "00:00:02",
        });

        Assert.Contains("FragmentCache:Memcached:", message, StringComparison.Ordinal);
        Assert.Contains("ConectTimeout", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackendSettings_AreUnknownWithoutTheBackendThatReadsThem()
    {
        // Without UseMemcached() nothing reads Memcached:...; Servers has its own message (tested elsewhere).
        var message = StartupError(new() { ["FragmentCache:Memcached:OperationTimeout"] = "00:00:01" }, memcached: false);

        Assert.Contains("FragmentCache:Memcached is not a setting", message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySettingSpelledRight_StartsWithAnyCase()
    {
        using var provider = Build(new()
        {
            ["FragmentCache:keyprefix"] = "blog",
            ["FragmentCache:DefaultTimeout"] = "00:10:00",
            ["FragmentCache:Version"] = "2",
            ["FragmentCache:ThrowOnError"] = "false",
            ["FragmentCache:RequireServers"] = "false",
            ["FragmentCache:MemorySizeLimit"] = "1000000",
            ["FragmentCache:Compatibility"] = "None",
            ["FragmentCache:Stampede:LeaseTime"] = "00:00:10",
            ["FragmentCache:TWOTIER:Enabled"] = "false",
            ["FragmentCache:Outage:CopyLifetime"] = "00:00:05",
            ["FragmentCache:Mvc:PrefetchFragments"] = "false",
            ["FragmentCache:Memcached:OperationTimeout"] = "00:00:01",
            ["FragmentCache:Stores:sessions:KeyPrefix"] = "s",
            ["FragmentCache:Stores:sessions:Memcached:ConnectTimeout"] = "00:00:01",
        });

        Assert.Equal("blog", provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value.KeyPrefix);
    }

    [Fact]
    public void StoresInsideANamedStore_AreNotASetting()
    {
        var message = StartupError(new() { ["FragmentCache:Stores:sessions:Stores:inner:KeyPrefix"] = "i" });

        Assert.Contains("FragmentCache:Stores:sessions:Stores is not a setting", message, StringComparison.Ordinal);
    }
}

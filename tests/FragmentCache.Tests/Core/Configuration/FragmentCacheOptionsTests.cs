using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Core;

public sealed class FragmentCacheOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new FragmentCacheOptions();
        Assert.Equal("FragmentCache", FragmentCacheOptions.SectionName);
        Assert.Empty(new MemcachedClientOptions().Servers);
        Assert.Equal(TimeSpan.FromSeconds(300), options.DefaultTimeout);
        Assert.Equal("", options.KeyPrefix);
        Assert.Equal(1, options.Version);
        Assert.False(options.ThrowOnError);
        Assert.Null(options.KeyFunction);
    }

    [Fact]
    public void StampedeDefaults_ArePinned()
    {
        var stampede = new FragmentCacheOptions().Stampede;
        Assert.Equal(TimeSpan.FromSeconds(10), stampede.LeaseTime);
        Assert.Equal(TimeSpan.FromMilliseconds(50), stampede.PollInterval);
        Assert.Equal(TimeSpan.Zero, stampede.StaleWhileRevalidate);
        Assert.Equal(TimeSpan.Zero, stampede.EarlyRecacheWindow);
        Assert.Equal(TimeSpan.FromSeconds(30), stampede.SoftInvalidationTime);
    }

    [Fact]
    public void TwoTierDefaults_ArePinned()
    {
        var twoTier = new FragmentCacheOptions().TwoTier;
        Assert.False(twoTier.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), twoTier.LocalExpiration);
        Assert.Equal(TimeSpan.FromSeconds(1), twoTier.PollInterval);
        Assert.Equal(10_000, twoTier.MaxEntries);
    }

    [Fact]
    public void EntryOptionsDefaults_ArePinned()
    {
        var entry = new FragmentCacheEntryOptions();
        Assert.Null(entry.Expiration);
        Assert.Empty(entry.Tags);
        Assert.Null(entry.StaleWhileRevalidate);
        Assert.Null(entry.EarlyRecacheWindow);
    }

    [Fact]
    public void AddFragmentCache_ConfigurationSection_BindsEverySetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FragmentCache:Servers:0"] = "cache1.internal:11211",
            ["FragmentCache:Servers:1"] = "cache2.internal:11211",
            ["FragmentCache:DefaultTimeout"] = "00:02:00",
            ["FragmentCache:KeyPrefix"] = "myapp",
            ["FragmentCache:Version"] = "2",
            ["FragmentCache:ThrowOnError"] = "true",
            ["FragmentCache:Stampede:LeaseTime"] = "00:00:03",
            ["FragmentCache:TwoTier:Enabled"] = "true",
            ["FragmentCache:TwoTier:PollInterval"] = "00:00:00.500",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configuration.GetSection(FragmentCacheOptions.SectionName)).UseMemcached();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value;
        Assert.Equal(["cache1.internal:11211", "cache2.internal:11211"], provider.GetRequiredService<IOptions<MemcachedClientOptions>>().Value.Servers);
        Assert.Equal(TimeSpan.FromMinutes(2), options.DefaultTimeout);
        Assert.Equal("myapp", options.KeyPrefix);
        Assert.Equal(2, options.Version);
        Assert.True(options.ThrowOnError);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Stampede.LeaseTime);
        Assert.True(options.TwoTier.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.TwoTier.PollInterval);
    }

    public static TheoryData<Action<FragmentCacheOptions>, string, string> InvalidSettings => new()
    {
        { o => o.DefaultTimeout = TimeSpan.FromSeconds(-5), "FragmentCache:DefaultTimeout", "-00:00:05" },
        { o => o.KeyPrefix = "my app", "FragmentCache:KeyPrefix", "'my app'" },
        { o => o.KeyPrefix = "tab\tprefix", "FragmentCache:KeyPrefix", "tab" },
        { o => o.KeyPrefix = new string('p', 101), "FragmentCache:KeyPrefix", "ppp" },
        { o => o.Stampede.LeaseTime = TimeSpan.Zero, "FragmentCache:Stampede:LeaseTime", "00:00:00" },
        { o => o.TwoTier.PollInterval = TimeSpan.FromSeconds(-1), "FragmentCache:TwoTier:PollInterval", "-00:00:01" },
        { o => o.TwoTier.MaxEntries = 0, "FragmentCache:TwoTier:MaxEntries", "'0'" },
        { o => o.Outage.CopyLifetime = TimeSpan.Zero, "FragmentCache:Outage:CopyLifetime", "00:00:00" },
        { o => o.Outage.MaxEntries = -1, "FragmentCache:Outage:MaxEntries", "'-1'" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void ValidateOnStart_InvalidSetting_FailsNamingSettingAndValue(Action<FragmentCacheOptions> configure, string setting, string value)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configure);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string, string> InvalidServers => new()
    {
        { [""], "FragmentCache:Servers:0", "''" },
        { ["cache1:notaport"], "FragmentCache:Servers:0", "cache1:notaport" },
        { ["ok:11211", "two words:1"], "FragmentCache:Servers:1", "two words:1" },
    };

    [Theory]
    [MemberData(nameof(InvalidServers))]
    public void ValidateOnStart_InvalidServer_FailsNamingSettingAndValue(string[] servers, string setting, string value)
    {
        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < servers.Length; i++)
        {
            settings["FragmentCache:Servers:" + i] = servers[i];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(configuration.GetSection(FragmentCacheOptions.SectionName)).UseMemcached();
        using var provider = services.BuildServiceProvider();

        // The store's checks run with the core's options; the shared client's own checks fail the startup too.
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_InfiniteDefaultTimeout_IsValid()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFragmentCache(o => o.DefaultTimeout = Timeout.InfiniteTimeSpan);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(Timeout.InfiniteTimeSpan, provider.GetRequiredService<IOptions<FragmentCacheOptions>>().Value.DefaultTimeout);
    }
}

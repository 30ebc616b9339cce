using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FragmentCache.Tests.Memcached;

public sealed class MemcachedClientOptionsTests
{
    [Fact]
    public void Defaults_ArePinned()
    {
        var options = new MemcachedClientOptions();
        Assert.Empty(options.Servers);
        Assert.Equal(MemcachedHashAlgorithm.Ketama, options.HashAlgorithm);
        Assert.Equal(2, options.ConnectionsPerServer);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.OperationTimeout);
        Assert.True(options.NoDelay);
        Assert.Equal(1024 * 1024, options.MaxItemSize);
        Assert.Equal(128 * 1024, options.CompressionThreshold);
        Assert.Equal(8192, options.MaxInFlightPerConnection);
        Assert.Equal(3, options.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BreakDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxBreakDuration);
        Assert.False(options.Failover);
        Assert.False(options.ThrowOnError);
        Assert.Null(options.Username);
        Assert.Null(options.Password);
        Assert.False(options.Tls.Enabled);
        Assert.Null(options.Serializer);
    }

    [Theory]
    [InlineData("cache1:99999", "Servers[0]", "cache1:99999")]
    [InlineData("::1:11211", "Servers[0]", "::1:11211")]
    [InlineData("", "Servers[0]", "")]
    [InlineData("unix:relative.sock", "Servers[0]", "unix:relative.sock")]
    public void Constructor_MalformedServer_FailsNamingTheSettingAndValue(string server, string setting, string value)
    {
        var options = new MemcachedClientOptions();
        options.Servers.Add(server);
        var error = Assert.Throws<ArgumentException>(() => new MemcachedClient(options));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_ReportsEveryBadSetting()
    {
        var options = new MemcachedClientOptions
        {
            ConnectionsPerServer = 0,
            OperationTimeout = TimeSpan.FromSeconds(-1),
            MaxItemSize = 10,
            Username = "user name",
            Password = "pw",
        };
        var errors = MemcachedClientOptionsValidator.Errors(options, requireServers: true);
        Assert.Contains(errors, e => e.StartsWith("Servers:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ConnectionsPerServer: '0'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("OperationTimeout: '-00:00:01'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxItemSize: '10'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Username: must be", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("user name", StringComparison.Ordinal));
    }

    [Fact]
    public void AddMemcachedClient_FromConfiguration_BindsAndValidates()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Memcached:Servers:0"] = "127.0.0.1:11211",
            ["Memcached:Servers:1"] = "cache2.internal",
            ["Memcached:OperationTimeout"] = "00:00:00.250",
            ["Memcached:HashAlgorithm"] = "Rendezvous",
        }).Build();
        using var provider = new ServiceCollection().AddMemcachedClient(configuration.GetSection("Memcached")).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<MemcachedClientOptions>>().Value;
        Assert.Equal(["127.0.0.1:11211", "cache2.internal"], options.Servers);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.OperationTimeout);
        Assert.Equal(MemcachedHashAlgorithm.Rendezvous, options.HashAlgorithm);
        Assert.Same(provider.GetRequiredService<MemcachedClient>(), provider.GetRequiredService<IMemcachedClient>());
    }

    [Fact]
    public void AddMemcachedClient_FromConfiguration_MisspelledSetting_FailsNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Memcached:Servers:0"] = "127.0.0.1:11211",
            ["Memcached:ConectTimeout"] = "00:00:02",
        }).Build();
        using var provider = new ServiceCollection().AddMemcachedClient(configuration.GetSection("Memcached")).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<MemcachedClientOptions>>().Value);
        Assert.Contains("'ConectTimeout'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMemcachedClient_MalformedAddress_FailsWithMessageNamingIt()
    {
        using var provider = new ServiceCollection().AddMemcachedClient(o => o.Servers.Add("cache1:port")).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MemcachedClientOptions>>().Value);
        Assert.Contains("'cache1:port'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_ReportsHealthyDegradedUnhealthy()
    {
        await using var cluster = new MemcachedClusterFixture();
        await cluster.InitializeAsync();
        var options = new MemcachedClientOptions { FailureThreshold = 1, ConnectTimeout = TimeSpan.FromSeconds(5), OperationTimeout = TimeSpan.FromSeconds(2) };
        foreach (var address in cluster.Addresses)
        {
            options.Servers.Add(address);
        }

        await using var client = new MemcachedClient(options);
        var check = new MemcachedHealthCheck(client);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("memcached", check, HealthStatus.Unhealthy, null),
        };

        var healthy = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(3, healthy.Data.Count);

        await cluster.Servers[0].KillAsync();
        var degraded = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.StartsWith("down", (string)degraded.Data[cluster.Addresses[0]], StringComparison.Ordinal);

        await cluster.Servers[1].KillAsync();
        await cluster.Servers[2].KillAsync();
        var unhealthy = await check.CheckHealthAsync(context);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
    }
}

public sealed class MemcachedClientOptionsCloneTests
{
    [Fact]
    public void Clone_CopiesEverySetting()
    {
        var options = new MemcachedClientOptions();
        foreach (var property in typeof(MemcachedClientOptions).GetProperties().Where(p => p.CanWrite))
        {
            object value = property.PropertyType switch
            {
                var t when t == typeof(int) => 4242,
                var t when t == typeof(bool) => !(bool)property.GetValue(options)!,
                var t when t == typeof(TimeSpan) => TimeSpan.FromMilliseconds(4242),
                var t when t == typeof(string) => "x" + property.Name,
                var t when t == typeof(MemcachedHashAlgorithm) => MemcachedHashAlgorithm.Rendezvous,
                var t when t == typeof(IMemcachedSerializer) => new SystemTextJsonMemcachedSerializer(),
                _ => throw new InvalidOperationException($"Add {property.PropertyType} to this test."),
            };
            property.SetValue(options, value);
        }

        options.Servers.Add("a:1");
        options.Tls.Enabled = true;
        options.Tls.TargetHost = "h";
        var copy = options.Clone();
        foreach (var property in typeof(MemcachedClientOptions).GetProperties().Where(p => p.CanWrite))
        {
            Assert.Equal(property.GetValue(options), property.GetValue(copy));
        }

        Assert.Equal(["a:1"], copy.Servers);
        Assert.NotSame(options.Servers, copy.Servers);
        Assert.True(copy.Tls.Enabled);
        Assert.Equal("h", copy.Tls.TargetHost);
    }
}

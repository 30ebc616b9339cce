using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>One "web server": a service provider with FragmentCache over a given store.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private TestHost(ServiceProvider provider) => _provider = provider;

    public IServiceProvider Services => _provider;

    public ICache Cache => _provider.GetRequiredService<ICache>();

    public IFragmentCache Fragments => _provider.GetRequiredService<IFragmentCache>();

    public FakeLogCollector Logs => _provider.GetRequiredService<FakeLogCollector>();

    public static TestHost Create(ICacheStore store, TimeProvider? time = null, Action<FragmentCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddMetrics();
        services.AddSingleton(time ?? new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        services.AddFragmentCache(o => configure?.Invoke(o)).UseStore(_ => store);
        return new TestHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

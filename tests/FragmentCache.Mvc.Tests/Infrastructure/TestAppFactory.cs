using FragmentCache.Mvc.TestApp.Services;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Infrastructure;

/// <summary>
/// One host of the test app over a store the test owns (so two hosts can share a backend) and a fake clock.
/// </summary>
public sealed class TestAppFactory : WebApplicationFactory<Program>
{
    /// <summary>The start of every test's fake clock.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly ICacheStore? _store;
    private readonly string? _server;
    private readonly Action<IServiceCollection>? _configure;

    public TestAppFactory(ICacheStore store, FakeTimeProvider time, Action<IServiceCollection>? configure = null, string? cachePage = null)
    {
        _store = store;
        Time = time;
        _configure = configure;
        _cachePage = cachePage;
    }

    /// <summary>A host on a real memcached (the store AddFragmentCache selects when Servers is set).</summary>
    public TestAppFactory(string server, FakeTimeProvider time, bool realClock = false, string? cachePage = null, Action<IServiceCollection>? configure = null)
    {
        _server = server;
        _configure = configure;
        Time = time;
        _realClock = realClock;
        _cachePage = cachePage;
    }

    private readonly bool _realClock;

    /// <summary>The test app's <c>TestApp:CachePage</c> pipeline switch (see its Program.cs); <see langword="null"/>: the filter alone.</summary>
    private readonly string? _cachePage;

    public FakeTimeProvider Time { get; }

    public RenderCounter Counter => Services.GetRequiredService<RenderCounter>();

    public static (TestAppFactory Factory, FlakyStore Store) Create(Action<IServiceCollection>? configure = null, string? cachePage = null)
    {
        var time = new FakeTimeProvider(Start);
        var store = FlakyStore.CreateMemory(time);
        return (new TestAppFactory(store, time, configure, cachePage), store);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        builder.UseSetting("FragmentCache:Mvc:MaxFragmentSize", "2000");
        builder.UseSetting("FragmentCache:Pages:MaxBodySize", "1000");
        if (_server is not null)
        {
            builder.UseSetting("FragmentCache:Servers:0", _server);

            // Behaviour, not deadlines: a stalled CI box must not turn a store into a silent drop.
            builder.UseSetting("FragmentCache:Memcached:OperationTimeout", "00:00:10");
            builder.UseSetting("FragmentCache:Memcached:ConnectTimeout", "00:00:10");
        }

        if (_cachePage is not null)
        {
            builder.UseSetting("TestApp:CachePage", _cachePage);
        }

        builder.ConfigureTestServices(services =>
        {
            if (!_realClock)
            {
                services.AddSingleton<TimeProvider>(Time);
            }
            if (_store is not null)
            {
                services.AddFragmentCache(_ => { }).UseStore(_ => _store);
            }
            _configure?.Invoke(services);
        });
    }
}

using Bunit;
using FragmentCache.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Mvc.Tests.Components;

/// <summary><c>&lt;MemcacheFragment&gt;</c>: invalidation by <see cref="TemplateFragmentKeys"/>, and negative expiries refused.</summary>
public sealed class MemcacheFragmentKeyAndExpiryTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private MemcachedProcess? _memcached;
    private int _renders;

    private async Task StartAsync(bool memcached)
    {
        var settings = new Dictionary<string, string?>();
        if (memcached)
        {
            _memcached = await MemcachedProcess.StartAsync(cancellationToken: Xunit.TestContext.Current.CancellationToken);
            settings["Servers:0"] = "127.0.0.1:" + _memcached.Port;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _context.Services.AddSingleton<IConfiguration>(configuration);
        _context.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero)));
        _context.Services.AddLogging();
        _context.Services.AddFragmentCache(configuration).UseMemcached();
        _context.Services.AddFragmentCacheMvc();
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        if (_memcached is not null)
        {
            await _memcached.DisposeAsync();
        }
    }

    private IRenderedComponent<MemcacheFragment> Render(object? id, Action<ComponentParameterCollectionBuilder<MemcacheFragment>>? extra = null)
    {
        RenderFragment child = builder => builder.AddContent(0, "[render:" + ++_renders + "]");
        var component = _context.Render<MemcacheFragment>(p =>
        {
            p.Add(x => x.Name, "component-key").Add(x => x.VaryOn, new[] { id }).Add(x => x.ChildContent, child);
            extra?.Invoke(p);
        });
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(10));
        return component;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InvalidateFragmentAsync_KeyFromNameAndVaryOn_NextRenderRunsChild(bool memcached)
    {
        await StartAsync(memcached);
        var keys = _context.Services.GetRequiredService<TemplateFragmentKeys>();
        var cache = _context.Services.GetRequiredService<IFragmentCache>();

        Render(7);
        Render(8);
        Assert.Equal("[render:1]", Render(7).Markup);
        Assert.True(await cache.InvalidateFragmentAsync(keys.For("component-key", ["7"]), cancellationToken: Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("[render:3]", Render(7).Markup);
        Assert.Equal("[render:2]", Render(8).Markup);
        Assert.Equal(3, _renders);
    }

    [Fact]
    public async Task NegativeExpiresAfter_ThrowsNamingTheFragment()
    {
        await StartAsync(memcached: false);
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Render(1, p => p.Add(x => x.ExpiresAfter, TimeSpan.FromSeconds(-5))));
        Assert.Contains("<MemcacheFragment Name=\"component-key\">: ExpiresAfter is negative", error.Message);
        Assert.Equal(0, _renders);
    }

    [Fact]
    public async Task NegativeExpiresSliding_ThrowsNamingTheFragment()
    {
        await StartAsync(memcached: false);
        var error = Assert.ThrowsAny<InvalidOperationException>(() => Render(1, p => p.Add(x => x.ExpiresSliding, TimeSpan.FromMinutes(-1))));
        Assert.Contains("<MemcacheFragment Name=\"component-key\">: ExpiresSliding is negative", error.Message);
    }

    [Fact]
    public async Task InfiniteExpiresAfter_IsAllowedAndCached()
    {
        await StartAsync(memcached: false);
        Render(1, p => p.Add(x => x.ExpiresAfter, Timeout.InfiniteTimeSpan));
        Render(1, p => p.Add(x => x.ExpiresAfter, Timeout.InfiniteTimeSpan));
        Assert.Equal(1, _renders);
    }
}

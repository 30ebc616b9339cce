using Bunit;
using FragmentCache.Mvc.Internal;
using FragmentCache.Mvc.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FragmentCache.Mvc.Tests.Infrastructure.HttpHelpers;

namespace FragmentCache.Mvc.Tests.Components;

/// <summary>The rules <c>&lt;MemcacheFragment&gt;</c> shares with the tag helper: the earlier expiry wins, and an opt-in digest of its source.</summary>
public sealed class MemcacheFragmentRulesTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));
    private int _renders;

    public MemcacheFragmentRulesTests()
    {
        _context.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddLogging();
        _context.Services.AddFragmentCache(_ => { });
        _context.Services.AddFragmentCacheMvc();
    }

    public void Dispose() => _context.Dispose();

    private void Render(TimeSpan after, TimeSpan on)
    {
        RenderFragment child = builder => builder.AddContent(0, "[render:" + ++_renders + "]");
        var component = _context.Render<MemcacheFragment>(p => p
            .Add(x => x.Name, "expiry").Add(x => x.ChildContent, child)
            .Add(x => x.ExpiresAfter, after).Add(x => x.ExpiresOn, _time.GetUtcNow() + on));
        component.WaitForState(() => component.Markup.Length > 0, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void ExpiresAfterEarlierThanExpiresOn_ExpiresAfterWins()
    {
        Render(after: TimeSpan.FromSeconds(10), on: TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromSeconds(5));
        Render(after: TimeSpan.FromSeconds(10), on: TimeSpan.FromHours(1));
        Assert.Equal(1, _renders);

        _time.Advance(TimeSpan.FromSeconds(6));
        Render(after: TimeSpan.FromSeconds(10), on: TimeSpan.FromHours(1));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void ExpiresOnEarlierThanExpiresAfter_ExpiresOnWins()
    {
        Render(after: TimeSpan.FromHours(1), on: TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(11));
        Render(after: TimeSpan.FromHours(1), on: TimeSpan.FromSeconds(10));
        Assert.Equal(2, _renders);
    }

    [Fact]
    public void ComponentDigest_ContentDeclaredOutsideAComponent_IsNone()
    {
        RenderFragment child = builder => builder.AddContent(0, "x");
        Assert.Null(_context.Services.GetRequiredService<ViewDigestProvider>().GetComponentDigest(child));
    }

    [Fact]
    public async Task ViewDigest_OnTheComponent_KeysItApartFromTheSameNameWithout()
    {
        var (factory, _) = TestAppFactory.Create();
        await using var _f = factory;
        var client = factory.CreateClient();

        var (miss, first) = await client.SendAsync("/FragmentTwins/Digest");
        var (hit, second) = await client.SendAsync("/FragmentTwins/Digest");

        Assert.Contains("[comp-digest:plain:1]", first, StringComparison.Ordinal);
        Assert.Contains("[comp-digest:digest:2]", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.Equal(2, factory.Counter.Count("comp-digest"));
        Assert.Equal("miss", miss.Header("X-Fragment-Cache"));
        Assert.Equal("hit", hit.Header("X-Fragment-Cache"));

        // Without a view path, the key from code addresses the undigested one only.
        var keys = factory.Services.GetRequiredService<TemplateFragmentKeys>();
        Assert.True(await factory.Services.GetRequiredService<IFragmentCache>().InvalidateFragmentAsync(keys.For("comp-digest"), cancellationToken: Xunit.TestContext.Current.CancellationToken));
        var (_, third) = await client.SendAsync("/FragmentTwins/Digest");
        Assert.Contains("[comp-digest:plain:3]", third, StringComparison.Ordinal);
        Assert.Contains("[comp-digest:digest:2]", third, StringComparison.Ordinal);
    }
}

using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Tag counters expire, so tags made from URL input do not pile up, but never before an entry that depends on them; and
/// an entry whose counter was evicted is never served as valid again, even once the counter is created anew.
/// </summary>
public abstract class TagCounterLifetimeTests : IAsyncDisposable
{
    protected static readonly TimeSpan Margin = TagGenerationStore.LifetimeMargin;
    private readonly string _prefix = "tl" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<TestHost> _hosts = [];
    private ICacheStore? _store;

    protected ICacheStore Store => LazyInitializer.EnsureInitialized(ref _store, CreateStore);

    protected virtual TimeProvider Time => TimeProvider.System;

    /// <summary>One more "web server" over the same store, with a memory of its own.</summary>
    protected TestHost NewHost()
    {
        var host = TestHost.Create(Store, Time, o => o.KeyPrefix = _prefix);
        _hosts.Add(host);
        return host;
    }

    protected abstract ICacheStore CreateStore();

    /// <summary>Whether the key holds a value, and its remaining lifetime (null = never expires).</summary>
    protected abstract ValueTask<(bool Found, TimeSpan? Remaining)> LifetimeAsync(string key);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        (_store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string CounterKey(TestHost host, string tag) => host.Services.GetRequiredService<TagGenerationStore>().CounterKey(tag);

    [Fact]
    public async Task GetOrRenderAsync_TaggedEntry_CounterLivesTheEntryPlusTheMarginAndNoLonger()
    {
        var host = NewHost();
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(2), Tags = ["t"] };
        await host.Fragments.GetOrRenderAsync("a", null, options, new RenderCounter().RenderAsync);

        var (found, remaining) = await LifetimeAsync(CounterKey(host, "t"));
        Assert.True(found);
        Assert.NotNull(remaining);
        Assert.InRange(remaining.Value, TimeSpan.FromMinutes(2) + (Margin / 2), TimeSpan.FromMinutes(2) + Margin + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task GetOrRenderAsync_ShorterEntryOnAnotherHost_NeverShortensTheCounter()
    {
        var first = NewHost();
        var second = NewHost();
        await first.Fragments.GetOrRenderAsync("long", null, new FragmentCacheEntryOptions { Expiration = TimeSpan.FromHours(2), Tags = ["t"] }, new RenderCounter().RenderAsync);
        await second.Fragments.GetOrRenderAsync("short", null, new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1), Tags = ["t"] }, new RenderCounter().RenderAsync);

        var (_, remaining) = await LifetimeAsync(CounterKey(first, "t"));
        Assert.NotNull(remaining);
        Assert.True(remaining.Value >= TimeSpan.FromHours(2), $"counter lives {remaining}");
    }

    [Fact]
    public async Task GetOrRenderAsync_LongerEntryAfterShorterOne_ExtendsTheCounter()
    {
        var host = NewHost();
        await host.Fragments.GetOrRenderAsync("short", null, new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(1), Tags = ["t"] }, new RenderCounter().RenderAsync);
        await host.Fragments.GetOrRenderAsync("long", null, new FragmentCacheEntryOptions { Expiration = TimeSpan.FromHours(3), Tags = ["t"] }, new RenderCounter().RenderAsync);
        Assert.True((await LifetimeAsync(CounterKey(host, "t"))).Remaining >= TimeSpan.FromHours(3));

        await host.Fragments.GetOrRenderAsync("forever", null, new FragmentCacheEntryOptions { Expiration = Timeout.InfiniteTimeSpan, Tags = ["t"] }, new RenderCounter().RenderAsync);
        Assert.Equal((true, (TimeSpan?)null), await LifetimeAsync(CounterKey(host, "t")));
    }

    [Fact]
    public async Task InvalidateTagAsync_TagNoEntryUses_CounterLivesOnlyTheMargin()
    {
        var host = NewHost();
        await host.Fragments.InvalidateTagAsync("from-a-url");

        var (found, remaining) = await LifetimeAsync(CounterKey(host, "from-a-url"));
        Assert.True(found);
        Assert.NotNull(remaining);
        Assert.True(remaining.Value <= Margin + TimeSpan.FromSeconds(2), $"counter lives {remaining}");
    }

    [Fact]
    public async Task GetOrRenderAsync_CounterEvictedThenTagInvalidated_OldEntryIsRenderedAgain()
    {
        var host = NewHost();
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromHours(1), Tags = ["t"] };
        var renderer = new RenderCounter("v1");
        await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);

        // The counter is evicted while the entry lives; the tag is then invalidated, which creates the counter anew.
        Assert.True(await Store.DeleteAsync(CounterKey(host, "t")));
        await host.Fragments.InvalidateTagAsync("t");
        renderer.Output = "v2";
        Assert.Equal("v2", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));

        // Evicted again and recreated by another entry's render: the entry just stored is not served either.
        Assert.True(await Store.DeleteAsync(CounterKey(host, "t")));
        await host.Fragments.GetOrRenderAsync("b", null, options, new RenderCounter().RenderAsync);
        renderer.Output = "v3";
        Assert.Equal("v3", await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync));
        Assert.Equal(3, renderer.Calls);
    }
}

/// <summary>Tag counter lifetimes on the in-process store, whose clock the test moves.</summary>
public sealed class MemoryTagCounterLifetimeTests : TagCounterLifetimeTests
{
    private readonly FakeTimeProvider _time = TestClock.Create();

    protected override TimeProvider Time => _time;

    protected override ICacheStore CreateStore() => new MemoryCacheStore(_time);

    protected override ValueTask<(bool Found, TimeSpan? Remaining)> LifetimeAsync(string key)
    {
        var found = ((MemoryCacheStore)Store).TryGetExpiration(key, out var expiresAt);
        return ValueTask.FromResult((found, expiresAt - _time.GetUtcNow()));
    }

    [Fact]
    public async Task GetOrRenderAsync_LastEntryExpired_CounterGoesAfterTheMarginAndNotBefore()
    {
        var host = NewHost();
        var options = new FragmentCacheEntryOptions { Expiration = TimeSpan.FromMinutes(10), Tags = ["tag-from-a-url"] };
        var renderer = new RenderCounter();
        await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        await host.Fragments.GetOrRenderAsync("a", null, options, renderer.RenderAsync);
        Assert.Equal(1, renderer.Calls);

        _time.Advance(TimeSpan.FromSeconds(1) + Margin);
        Assert.False((await LifetimeAsync(CounterKey(host, "tag-from-a-url"))).Found);
    }
}

/// <summary>Tag counter lifetimes on a real memcached, read back with the meta protocol's remaining TTL.</summary>
[Collection(MemcachedCollection.Name)]
public sealed class MemcachedTagCounterLifetimeTests(MemcachedFixture fixture) : TagCounterLifetimeTests
{
    protected override ICacheStore CreateStore() => new MemcachedCacheStore(TestClientOptions.For(fixture.Address));

    protected override async ValueTask<(bool Found, TimeSpan? Remaining)> LifetimeAsync(string key)
    {
        var item = await ((MemcachedCacheStore)Store).Client.GetItemAsync(key, new MemcachedGetOptions { IncludeTimeToLive = true });
        return (item.IsHit, item.TimeToLive);
    }
}

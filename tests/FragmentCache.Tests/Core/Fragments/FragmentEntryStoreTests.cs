using System.Text;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FragmentCache.Tests.Core;

/// <summary>The public entry seam, <see cref="IFragmentEntryStore"/>: what the OutputCache adapter is built on.</summary>
public abstract class FragmentEntryStoreTests
{
    protected abstract ICacheStore NewStore();

    private TestHost NewHost() => TestHost.Create(NewStore(), TimeProvider.System, o => o.KeyPrefix = "entries" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task SetAsync_ThenGetAsync_ReturnsTheContent_AndTheFragmentCacheSeesTheSameEntry()
    {
        await using var host = NewHost();
        var entries = host.Services.GetRequiredService<IFragmentEntryStore>();
        var key = FragmentKey.Create("shared", ["a"]);

        Assert.True(await entries.SetAsync(key, Encoding.UTF8.GetBytes("<p>stored</p>"), null, TimeSpan.FromMinutes(1)));
        var entry = await entries.GetAsync(key);
        var viaCache = await host.Fragments.GetOrRenderAsync(key, null, _ => throw new InvalidOperationException("must not render"));

        Assert.NotNull(entry);
        Assert.Equal("<p>stored</p>", Encoding.UTF8.GetString(entry.Value.Content.Span));
        Assert.Equal(FragmentOutcome.Hit, viaCache.Outcome);
        Assert.Equal("<p>stored</p>", viaCache.Text);
        Assert.Null(await entries.GetAsync(FragmentKey.Create("shared", ["b"])));
    }

    [Fact]
    public async Task EvictByTagAsync_EntryCarryingTheTag_IsAMiss_OthersStay()
    {
        await using var host = NewHost();
        var entries = host.Services.GetRequiredService<IFragmentEntryStore>();
        var tagged = FragmentKey.Create("tagged", null);
        var other = FragmentKey.Create("other", null);
        await entries.SetAsync(tagged, new byte[] { 1 }, ["post:1"], null);
        await entries.SetAsync(other, new byte[] { 2 }, ["post:2"], null);

        Assert.True(await entries.EvictByTagAsync("post:1"));

        Assert.Null(await entries.GetAsync(tagged));
        Assert.Equal(new byte[] { 2 }, (await entries.GetAsync(other))!.Value.Content.ToArray());
    }

    [Fact]
    public async Task GetAsync_EntryOfAnotherKeyUnderItsStoreKey_IsAMiss()
    {
        await using var host = NewHost();
        var entries = host.Services.GetRequiredService<IFragmentEntryStore>();
        var store = host.Services.GetRequiredService<ICacheStore>();
        var keys = host.Services.GetRequiredService<CacheKeyBuilder>();
        var mine = FragmentKey.Create("mine", null);
        var theirs = FragmentKey.Create("theirs", null);
        await entries.SetAsync(theirs, new byte[] { 9 }, null, null);

        // Copy their entry, bytes and all, under my store key: the canonical key inside gives it away.
        var copied = await store.GetAsync(keys.BuildFragment(theirs, keys.DefaultVersion));
        await store.SetAsync(keys.BuildFragment(mine, keys.DefaultVersion), copied!.Value, null);

        Assert.Null(await entries.GetAsync(mine));
    }
}

public sealed class MemoryFragmentEntryStoreTests : FragmentEntryStoreTests
{
    protected override ICacheStore NewStore() => new MemoryCacheStore(TimeProvider.System);
}

[Collection(MemcachedCollection.Name)]
public sealed class MemcachedFragmentEntryStoreTests(MemcachedFixture fixture) : FragmentEntryStoreTests
{
    protected override ICacheStore NewStore() => new MemcachedCacheStore(TestClientOptions.For(fixture.Address));
}

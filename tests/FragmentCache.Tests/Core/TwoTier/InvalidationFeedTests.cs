using FragmentCache.Memcached;
using FragmentCache.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// Two-tier copies on several hosts over one store (the memory store, and a real memcached), following the store's
/// invalidation feed: what an invalidation on one host drops on another, what a poll costs, and falling behind the ring.
/// </summary>
[Collection(MemcachedCollection.Name)]
public sealed class InvalidationFeedTests(MemcachedFixture memcached) : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _prefix = "feed" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task InvalidateAsync_OnAnotherHost_DropsOnlyThatKeysCopy_WithinOnePollInterval(string backend)
    {
        var store = Store(backend);
        var writer = Host(store);
        var reader = Host(store);
        var ct = TestContext.Current.CancellationToken;
        await RenderAsync(reader, "f", 1, "v1");
        await RenderAsync(reader, "f", 2, "v1");
        var poller = reader.Services.GetServices<IHostedService>().OfType<LocalTierPoller>().Single();
        await poller.StartAsync(ct);
        try
        {
            await WaitForFirstPollAsync(reader);
            var before = Tier(reader).SeenSequence;

            await writer.Fragments.InvalidateAsync("f", [1], cancellationToken: ct);
            _time.Advance(PollInterval); // the bound: one poll interval, plus the poll's own round trips awaited here
            await WaitUntilAsync(() => Tier(reader).SeenSequence != before);

            Assert.Equal(FragmentOutcome.Miss, (await RenderAsync(reader, "f", 1, "v2")).Outcome);
            Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 2, "v2")).Outcome);
        }
        finally
        {
            await poller.StopAsync(ct);
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task InvalidateTagAsync_OnAnotherHost_DropsOnlyCopiesCarryingThatTag(string backend)
    {
        var store = Store(backend);
        var writer = Host(store);
        var reader = Host(store);
        var ct = TestContext.Current.CancellationToken;
        await RenderAsync(reader, "posts", 1, "v1", "posts");
        await RenderAsync(reader, "both", 1, "v1", "users", "posts");
        await RenderAsync(reader, "users", 1, "v1", "users");
        await RenderAsync(reader, "none", 1, "v1");
        await PollAsync(reader);

        await writer.Fragments.InvalidateTagAsync("posts", ct);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "posts", 1, "v2", "posts")).Outcome); // not polled yet
        await PollAsync(reader);

        Assert.Equal("v2", (await RenderAsync(reader, "posts", 1, "v2", "posts")).Text);
        Assert.Equal("v2", (await RenderAsync(reader, "both", 1, "v2", "users", "posts")).Text);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "users", 1, "v2", "users")).Outcome);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "none", 1, "v2")).Outcome);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task InvalidateAsync_ByAHostWithoutTwoTier_ReachesTheCopiesOfOneWithIt(string backend)
    {
        var store = Store(backend);
        var writer = Host(store, twoTier: false);
        var reader = Host(store);
        await RenderAsync(reader, "f", 1, "v1");
        await PollAsync(reader);

        await writer.Fragments.InvalidateAsync("f", [1], cancellationToken: TestContext.Current.CancellationToken);
        await PollAsync(reader);

        Assert.Equal("v2", (await RenderAsync(reader, "f", 1, "v2")).Text);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task Poll_NothingChanged_ReadsOneKeyWhateverTheNumberOfTags(string backend)
    {
        var counting = new CountingStore(Store(backend));
        var writer = Host(counting);
        var reader = Host(counting);
        for (var i = 0; i < 200; i++)
        {
            await RenderAsync(reader, "f", i, "v1", "tag" + i);
        }

        await PollAsync(reader);
        var before = counting.KeysRead;
        for (var i = 0; i < 3; i++)
        {
            await PollAsync(reader);
        }

        Assert.Equal(3, counting.KeysRead - before);

        // When it moved: the counter, then the new slots only.
        await writer.Fragments.InvalidateTagAsync("tag7", TestContext.Current.CancellationToken);
        await writer.Fragments.InvalidateAsync("f", [8], cancellationToken: TestContext.Current.CancellationToken);
        before = counting.KeysRead;
        await PollAsync(reader);
        Assert.Equal(1 + 2, counting.KeysRead - before);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 9, "v2", "tag9")).Outcome);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task Poll_FellBehindTheRing_DropsEveryCopy_AWholeRingBehindDropsOnlyWhatItNames(string backend)
    {
        var store = Store(backend);
        var writer = Host(store);
        var reader = Host(store);
        var ct = TestContext.Current.CancellationToken;
        await RenderAsync(reader, "kept", 1, "v1", "posts");
        await PollAsync(reader);

        // A whole ring between two polls: every entry is still there.
        for (var i = 0; i < InvalidationFeed.RingLength; i++)
        {
            await writer.Fragments.InvalidateAsync("other", [i], cancellationToken: ct);
        }

        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "kept", 1, "v2", "posts")).Outcome);

        // One more than the ring: the oldest was overwritten, this host cannot tell what it named.
        for (var i = 0; i <= InvalidationFeed.RingLength; i++)
        {
            await writer.Fragments.InvalidateAsync("other", [i], cancellationToken: ct);
        }

        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.Hit, (await RenderAsync(reader, "kept", 1, "v2", "posts")).Outcome); // from the store again
        Assert.Contains(reader.Logs.GetSnapshot(), r => r.Id.Id == 31);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task Poll_SlotNotWrittenYet_ReadsItAtTheNextPoll_NeverWritten_DropsEveryCopy(string backend)
    {
        var store = Store(backend);
        var reader = Host(store);
        await RenderAsync(reader, "f", 1, "v1");
        await RenderAsync(reader, "f", 2, "v1");
        await PollAsync(reader);
        var feed = new InvalidationFeed(store, reader.Services.GetRequiredService<CacheKeyBuilder>(), _time);
        var key = FragmentKey.Create("f", [1]).Canonical;

        // A writer that has incremented the counter and not yet written its slot.
        var sequence = (await store.IncrementAsync(feed.SequenceKey, 1, null, null, TestContext.Current.CancellationToken))!.Value;
        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 1, "v2")).Outcome);

        await store.SetAsync(feed.SlotKey(sequence), new CacheItem(InvalidationFeed.Encode(new(sequence, 0, InvalidationFeedKind.Key, 0, key)), CacheItemFlags.Value), null, TestContext.Current.CancellationToken);
        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.Hit, (await RenderAsync(reader, "f", 1, "v2")).Outcome); // the copy dropped: from the store again
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 2, "v2")).Outcome);

        // A writer that never writes its slot: not there at the next poll either, so every copy goes.
        await store.IncrementAsync(feed.SequenceKey, 1, null, null, TestContext.Current.CancellationToken);
        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 2, "v3")).Outcome);
        await PollAsync(reader);
        Assert.Equal(FragmentOutcome.Hit, (await RenderAsync(reader, "f", 2, "v3")).Outcome);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("memcached")]
    public async Task FirstPoll_AppliesWhatTheRingHolds_ToCopiesKeptBeforeIt(string backend)
    {
        var store = Store(backend);
        var writer = Host(store);
        await writer.Fragments.InvalidateAsync("warm", [0], cancellationToken: TestContext.Current.CancellationToken); // the feed exists
        var reader = Host(store);
        await RenderAsync(reader, "f", 1, "v1");
        await RenderAsync(reader, "f", 2, "v1");

        await writer.Fragments.InvalidateAsync("f", [1], cancellationToken: TestContext.Current.CancellationToken);
        await PollAsync(reader); // the first: it applies the ring, the invalidation made before it included

        Assert.Equal("v2", (await RenderAsync(reader, "f", 1, "v2")).Text);
        Assert.Equal(FragmentOutcome.LocalHit, (await RenderAsync(reader, "f", 2, "v2")).Outcome);
    }

    [Fact]
    public void Entry_RoundTrips_AndGarbageIsNotAnEntry()
    {
        var entry = new InvalidationFeedEntry(123456789012345, 1_700_000_000_000, InvalidationFeedKind.Tag, 42, "pöst\ns 1");
        Assert.True(InvalidationFeed.TryDecode(InvalidationFeed.Encode(entry), out var decoded));
        Assert.Equal(entry, decoded);
        var key = entry with { Kind = InvalidationFeedKind.Key, Generation = 0 };
        Assert.True(InvalidationFeed.TryDecode(InvalidationFeed.Encode(key), out decoded));
        Assert.Equal(key, decoded);

        foreach (var garbage in new[] { "", "12", "1 2 t 3", "1 2 t 3\n", "1 2 x 3\nname", "a 2 t 3\nname", "1 2 t 3x\nname", "1 2 t\nname" })
        {
            Assert.False(InvalidationFeed.TryDecode(System.Text.Encoding.UTF8.GetBytes(garbage), out _), garbage);
        }
    }

    private ICacheStore Store(string backend)
    {
        if (backend == "memory")
        {
            var memory = new MemoryCacheStore(_time);
            _owned.Add(new Disposer(memory.Dispose));
            return memory;
        }

        var store = new MemcachedCacheStore(TestClientOptions.For(memcached.Address));
        _owned.Add(store);
        return store;
    }

    private TestHost Host(ICacheStore store, bool twoTier = true)
    {
        var host = TestHost.Create(store, _time, o =>
        {
            o.KeyPrefix = _prefix;
            o.TwoTier.Enabled = twoTier;
            o.TwoTier.PollInterval = PollInterval;
            o.TwoTier.LocalExpiration = TimeSpan.FromMinutes(5);
        });
        _owned.Add(host);
        return host;
    }

    private static LocalFragmentTier Tier(TestHost host) => host.Services.GetRequiredService<LocalFragmentTier>();

    private static Task PollAsync(TestHost host) => Tier(host).PollOnceAsync(TestContext.Current.CancellationToken);

    private static async Task<FragmentResult> RenderAsync(TestHost host, string name, int vary, string output, params string[] tags)
    {
        var cache = Assert.IsType<DefaultFragmentCache>(host.Fragments);
        var options = tags.Length == 0 ? null : new FragmentCacheEntryOptions { Tags = tags };
        return await cache.GetOrRenderAsync(FragmentKey.Create(name, [vary]), options, _ => ValueTask.FromResult(FragmentRender.Stored(output)), TestContext.Current.CancellationToken);
    }

    private static Task WaitForFirstPollAsync(TestHost host) => WaitUntilAsync(() => Tier(host).SeenSequence is not null);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the poll did not happen within 10 s of real time");
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}

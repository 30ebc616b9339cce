using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FragmentCache.Tests.Core;

/// <summary>
/// A tagged lookup reads the request's tag generations together with the entry. Those generations only confirm an
/// entry: when they look older than the entry's (a tag moved between the two reads), they are read again.
/// </summary>
public sealed class TaggedHitTests : IAsyncDisposable
{
    private static readonly FragmentCacheEntryOptions Tagged = new() { Tags = ["posts"] };

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly MemoryCacheStore _memory;
    private readonly ReplayingCounterStore _store;
    private readonly TestHost _host;

    public TaggedHitTests()
    {
        _memory = new MemoryCacheStore(_time);
        _store = new ReplayingCounterStore(_memory);
        _host = TestHost.Create(_store, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _memory.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetOrRenderAsync_GenerationsReadWithTheEntryAreOlderThanIt_ReadAgainAndServed(bool leases)
    {
        await using var host = leases ? null : TestHost.Create(new PlainStore(_store), _time);
        var fragments = (host ?? _host).Fragments;
        var counterKey = _host.Services.GetRequiredService<TagGenerationStore>().CounterKey("posts");
        var renderer = new RenderCounter("v1");
        await fragments.GetOrRenderAsync("a", null, Tagged, renderer.RenderAsync);
        var before = await _memory.GetManyAsync([counterKey]);
        await fragments.InvalidateTagAsync("posts");
        renderer.Output = "v2";
        Assert.Equal("v2", await fragments.GetOrRenderAsync("a", null, Tagged, renderer.RenderAsync));

        // The next counter read answers with the generation from before the invalidation, as a read that raced it would.
        _store.ReplayOnce = before;
        Assert.Equal("v2", await fragments.GetOrRenderAsync("a", null, Tagged, renderer.RenderAsync));
        Assert.Null(_store.ReplayOnce);
        Assert.Equal(2, renderer.Calls);
    }

    [Fact]
    public async Task GetOrRenderAsync_TaggedHit_ReadsTheCountersOnce()
    {
        var renderer = new RenderCounter();
        await _host.Fragments.GetOrRenderAsync("a", null, Tagged, renderer.RenderAsync);
        var reads = _store.CounterReads;
        await _host.Fragments.GetOrRenderAsync("a", null, Tagged, renderer.RenderAsync);
        Assert.Equal(1, renderer.Calls);
        Assert.Equal(reads + 1, _store.CounterReads);
    }

    private sealed class ReplayingCounterStore(MemoryCacheStore inner) : ForwardingLeaseStore(inner)
    {
        private int _reads;

        public IReadOnlyDictionary<string, CacheItem>? ReplayOnce { get; set; }

        public int CounterReads => Volatile.Read(ref _reads);

        public override ValueTask<IReadOnlyDictionary<string, CacheItem>> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            if (ReplayOnce is { } replay)
            {
                ReplayOnce = null;
                return ValueTask.FromResult(replay);
            }

            return base.GetManyAsync(keys, cancellationToken);
        }
    }
}
